// Helpers shared by the checks of the CI definitions (tests/ci/*.mjs): loading the npm tools that
// ci/setup-host.sh installs into ci/tools, YAML positions as file:line, and shellcheck of the shell
// scripts embedded in a YAML file, its findings mapped back to the YAML file's lines.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const TOOLS = resolve(process.env.SH_NODE_TOOLS_DIR || join(ROOT, "ci/tools"));

/** Exit status of a check that could not run (a tool missing, an unreadable file). */
export const EXIT_CANNOT_RUN = 2;

export function cannotRun(message) {
  console.error(`error: ${message}`);
  process.exit(EXIT_CANNOT_RUN);
}

/** Imports a module file of an npm tool installed under ci/tools/node_modules. */
export async function importTool(relPath) {
  const file = join(TOOLS, "node_modules", relPath);
  if (!existsSync(file)) cannotRun(`${file} is missing: run ci/setup-host.sh (npm ci --prefix ci/tools)`);
  return import(pathToFileURL(file).href);
}

/**
 * Parses YAML text with the `yaml` package; returns { doc, pos, errors } where pos(node) is
 * {line, col} and errors are the parse errors as findings { line, col, message }.
 */
export async function parseYaml(text) {
  const YAML = await importTool("yaml/dist/index.js");
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const pos = (node) => (node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 });
  const errors = doc.errors.map((e) => ({
    ...(e.pos ? lineCounter.linePos(e.pos[0]) : { line: 1, col: 1 }),
    message: `yaml: ${e.message.split("\n")[0]}`,
  }));
  return { YAML, doc, pos, errors };
}

/**
 * The node at a path of keys and indexes in a parsed document, or its nearest existing ancestor
 * when the path does not exist (a missing required key is reported at its parent).
 */
export function nodeAt(doc, path) {
  let node = doc.contents;
  for (const seg of path) {
    const next = node?.items ? (typeof node.get === "function" ? node.get(seg, true) : undefined) : undefined;
    if (next === undefined || next === null) return node;
    node = next;
  }
  return node;
}

/** The key node of `key` in a YAML map node (to point at a misspelt key itself). */
export function keyNode(mapNode, key) {
  const pair = mapNode?.items?.find((p) => p?.key?.value === key);
  return pair?.key;
}

/**
 * The line in the YAML file of a script's first line: a block scalar (`run: |`) starts on the line
 * after its indicator, any other scalar on its own line.
 */
export function scriptFirstLine(scalarNode, pos) {
  const line = pos(scalarNode).line;
  return scalarNode.type === "BLOCK_LITERAL" || scalarNode.type === "BLOCK_FOLDED" ? line + 1 : line;
}

/**
 * Runs shellcheck on scripts embedded in a YAML file. scripts: [{ name, text, line }] where line is
 * the YAML line of the script's first line, or [{ name, text, lines }] where lines[i] is the YAML
 * line of the script's line i + 1 (a script pieced together from several entries). Returns
 * findings { line, col, message }.
 */
export function shellcheckScripts(file, scripts, shell, extraArgs = []) {
  const findings = [];
  if (scripts.length === 0) return findings;
  const version = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
  if (version.error || version.status !== 0) cannotRun("shellcheck is not installed (ci/setup-host.sh installs it)");
  const dir = mkdtempSync(join(tmpdir(), "ci-scripts-"));
  try {
    for (const [i, script] of scripts.entries()) {
      const path = join(dir, `script-${i}.sh`);
      writeFileSync(path, script.text);
      const r = spawnSync("shellcheck", ["-s", shell, "-f", "json1", ...extraArgs, path], { encoding: "utf8" });
      if (r.error || (r.status !== 0 && r.status !== 1)) {
        cannotRun(`shellcheck failed on ${script.name} (status ${r.status}): ${r.stderr || r.error}`);
      }
      for (const c of JSON.parse(r.stdout || '{"comments":[]}').comments) {
        findings.push({
          line: script.lines ? script.lines[c.line - 1] ?? script.lines.at(-1) : script.line + c.line - 1,
          col: c.column,
          message: `shellcheck SC${c.code} (${c.level}) in ${script.name}: ${c.message}`,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return findings;
}

/** Prints findings as file:line:col: message, sorted by line; returns how many there were. */
export function report(file, findings) {
  findings.sort((a, b) => a.line - b.line || a.col - b.col);
  for (const f of findings) console.log(`${file}:${f.line}:${f.col}: ${f.message}`);
  return findings.length;
}
