#!/usr/bin/env node
// check_gitlab_ci.mjs [GITLAB_CI.yml]: the GitLab CI definition (default ci/gitlab-ci.yml) parses
// as YAML (the npm package `yaml`) and has the shape the project relies on; every finding is
// printed as file:line:col: message. Exit status 0 when it has, 1 when not, 2 when the check could
// not run (a tool missing: run ci/setup-host.sh).
//
//   - every key is a GitLab CI keyword where one is expected (top level, jobs, artifacts, reports,
//     cache, rules, needs), so a misspelt key is found here and not by a silent pipeline;
//   - stages build, test and report, in that order, and every job in one of them;
//   - every job runs only in scheduled or manually started pipelines (rules on CI_PIPELINE_SOURCE),
//     so including the file does not run the nightly on every push;
//   - images (stage build): the cache tarball is named by a hash of every file
//     sandbox/build_secure_python.sh builds from, and docker save / docker load use it;
//   - shard (stage test): `parallel:` N >= 2, `run --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"` into
//     out/shard-$CI_NODE_INDEX-of-$CI_NODE_TOTAL, kept as an artifact when the job fails too;
//   - merge (stage report): needs the shard job's artifacts, runs when shards fail (when: always in
//     every rule), merges, compares with the last successful pipeline's report.json, and keeps
//     out/merged/ with artifacts:reports:junit out/merged/junit.xml, also when it fails;
//   - shellcheck (as POSIX sh, since the runner's shell may be sh) of every job's scripts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, cannotRun, keyNode, nodeAt, parseYaml, report, scriptFirstLine, shellcheckScripts } from "./lib.mjs";

const KEYWORDS = {
  top: ["default", "include", "stages", "variables", "workflow", "image", "services", "cache", "before_script", "after_script"],
  job: ["after_script", "allow_failure", "artifacts", "before_script", "cache", "coverage", "dast_configuration",
    "dependencies", "environment", "except", "extends", "hooks", "id_tokens", "identity", "image", "inherit",
    "interruptible", "manual_confirmation", "needs", "only", "pages", "parallel", "release", "resource_group", "retry",
    "rules", "run", "script", "secrets", "services", "stage", "start_in", "tags", "timeout", "trigger", "variables",
    "when"],
  artifacts: ["paths", "exclude", "expire_in", "expose_as", "name", "public", "access", "reports", "untracked", "when"],
  reports: ["accessibility", "annotations", "api_fuzzing", "browser_performance", "coverage_report", "codequality",
    "container_scanning", "coverage_fuzzing", "cyclonedx", "dast", "dependency_scanning", "dotenv", "junit",
    "load_performance", "metrics", "requirements", "repository_xray", "sast", "secret_detection", "terraform"],
  cache: ["key", "paths", "untracked", "unprotect", "when", "policy", "fallback_keys"],
  rule: ["if", "changes", "exists", "when", "allow_failure", "needs", "variables", "interruptible", "start_in"],
  need: ["job", "artifacts", "optional", "pipeline", "project", "ref", "parallel"],
};
const IMAGES = "sandbox-harness-images";
const SHARD = "sandbox-harness-shard";
const MERGE = "sandbox-harness-merge";

const file = process.argv[2] ?? join(ROOT, "ci/gitlab-ci.yml");
let text;
try {
  text = readFileSync(file, "utf8");
} catch (e) {
  cannotRun(`cannot read ${file}: ${e.message}`);
}
const { doc, pos, errors } = await parseYaml(text);
const findings = [...errors];
if (errors.length) {
  report(file, findings);
  process.exit(1);
}
const config = doc.toJS();
const at = (path) => pos(nodeAt(doc, path));
const need = (ok, path, message) => {
  if (!ok) findings.push({ ...at(path), message });
  return ok;
};

/** Keys of the map at `path` that are not in `allowed`, each reported at the key itself. */
function onlyKeywords(path, allowed, what) {
  const map = nodeAt(doc, path);
  for (const pair of map?.items ?? []) {
    const key = pair?.key?.value;
    if (typeof key === "string" && !allowed.includes(key)) {
      findings.push({ ...pos(keyNode(map, key)), message: `${what}: unknown keyword "${key}"` });
    }
  }
}

// Keywords, and the jobs (every other top-level key; hidden ones start with a dot).
const jobNames = Object.keys(config).filter((k) => !KEYWORDS.top.includes(k));
for (const name of jobNames) {
  const job = config[name];
  if (!need(job && typeof job === "object" && !Array.isArray(job), [name], `${name}: a job must be a map`)) continue;
  onlyKeywords([name], KEYWORDS.job, `job ${name}`);
  if (job.artifacts) {
    onlyKeywords([name, "artifacts"], KEYWORDS.artifacts, `job ${name}, artifacts`);
    if (job.artifacts.reports) onlyKeywords([name, "artifacts", "reports"], KEYWORDS.reports, `job ${name}, artifacts:reports`);
  }
  if (job.cache && !Array.isArray(job.cache)) onlyKeywords([name, "cache"], KEYWORDS.cache, `job ${name}, cache`);
  (job.rules ?? []).forEach((_, i) => onlyKeywords([name, "rules", i], KEYWORDS.rule, `job ${name}, rules`));
  (job.needs ?? []).forEach((n, i) => {
    if (typeof n === "object") onlyKeywords([name, "needs", i], KEYWORDS.need, `job ${name}, needs`);
  });
}

/** A job's configuration after `extends` (maps merged key by key, anything else replaced). */
function resolved(name, seen = new Set()) {
  const job = config[name];
  if (!job || typeof job !== "object" || seen.has(name)) return {};
  seen.add(name);
  const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const merge = (base, over) => {
    if (!isMap(base) || !isMap(over)) return over;
    const out = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : v;
    return out;
  };
  const { extends: parents, ...own } = job;
  const inherited = [].concat(parents ?? []).reduce((acc, p) => merge(acc, resolved(p, new Set(seen))), {});
  return merge(inherited, own);
}
const scriptOf = (job) => [].concat(job.script ?? []).join("\n");
/** The position of the first line of a job's script: that matches `re`. */
function scriptLine(name, re) {
  const node = ownerNode(name, "script");
  for (const entry of node?.items ?? []) {
    const k = String(entry.value).split("\n").findIndex((l) => re.test(l));
    if (k >= 0) return { line: scriptFirstLine(entry, pos) + k, col: 1 };
  }
  return pos(node);
}

// Stages.
const stages = config.stages ?? [];
need(JSON.stringify(stages) === JSON.stringify(["build", "test", "report"]), ["stages"],
  "stages must be build, test, report (in that order)");
const concrete = jobNames.filter((n) => !n.startsWith("."));
const jobs = Object.fromEntries(concrete.map((n) => [n, resolved(n)]));
for (const [name, job] of Object.entries(jobs)) {
  need(stages.includes(job.stage), [name], `job ${name}: stage ${job.stage} is not in stages`);
  const rules = job.rules ?? [];
  need(rules.length > 0 && rules.every((r) => /\$CI_PIPELINE_SOURCE\s*==\s*"(schedule|web)"/.test(String(r.if))), [name],
    `job ${name}: must run only in scheduled or manual pipelines (rules: if: $CI_PIPELINE_SOURCE == "schedule" / "web")`);
  need(/ci\/setup-host\.sh/.test([].concat(job.before_script ?? []).join("\n") + scriptOf(job)), [name],
    `job ${name}: must set the host up with ci/setup-host.sh`);
}
for (const name of [IMAGES, SHARD, MERGE]) need(name in jobs, [], `no job ${name}`);

// Images: the tarball is named by a hash of every recipe file.
if (jobs[IMAGES]) {
  const job = jobs[IMAGES];
  need(job.stage === "build", [IMAGES], `job ${IMAGES}: stage must be build`);
  const script = scriptOf(job);
  const recipeScript = readFileSync(join(ROOT, "sandbox/build_secure_python.sh"), "utf8");
  const inputs = [...new Set([...recipeScript.matchAll(/\$here\/([A-Za-z0-9_.\/-]+)/g)].map((m) => `sandbox/${m[1]}`))];
  inputs.push("sandbox/build_secure_python.sh");
  const hashed = /sums=\$\(sha256sum ([^)]+)\)\s+recipe=\$\(printf '%s\\n' "\$sums" \| sha256sum/.exec(script)?.[1].trim().split(/\s+/) ?? [];
  const toRegex = (g) => new RegExp(`^${g.replace(/[.+^$()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
  if (need(hashed.length > 0, [IMAGES, "script"], `job ${IMAGES}: no sums=$(sha256sum FILES) and recipe=$(... sha256sum ...) in its script`)) {
    const where = scriptLine(IMAGES, /sums=\$\(sha256sum /);
    for (const input of inputs) {
      if (!hashed.some((g) => toRegex(g).test(input))) {
        findings.push({ ...where, message: `job ${IMAGES}: the recipe hash does not cover ${input}, an input of the image recipe` });
      }
    }
  }
  need(/images-\$recipe\.tar/.test(script) && /docker save -o "\$tar"/.test(script) && /docker load -i "\$tar"/.test(script),
    [IMAGES, "script"], `job ${IMAGES}: must docker load and docker save "$SH_IMAGES_DIR/images-$recipe.tar"`);
  need(job.cache?.policy === "pull-push" && [].concat(job.cache?.paths ?? []).includes(`${job.variables?.SH_IMAGES_DIR}/`),
    [IMAGES, "cache"], `job ${IMAGES}: must pull and push the cache of $SH_IMAGES_DIR/`);
}

// Shards.
if (jobs[SHARD]) {
  const job = jobs[SHARD];
  need(job.stage === "test", [SHARD], `job ${SHARD}: stage must be test`);
  need(Number.isInteger(job.parallel) && job.parallel >= 2, [SHARD, "parallel"], `job ${SHARD}: parallel must be a number N >= 2`);
  const script = scriptOf(job);
  need(/sandbox-harness"? run [\s\S]*--shard "\$CI_NODE_INDEX\/\$CI_NODE_TOTAL"/.test(script), [SHARD, "script"],
    `job ${SHARD}: must run sandbox-harness run --shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"`);
  need(/--out "out\/shard-\$CI_NODE_INDEX-of-\$CI_NODE_TOTAL"/.test(script), [SHARD, "script"],
    `job ${SHARD}: must write its output to out/shard-$CI_NODE_INDEX-of-$CI_NODE_TOTAL`);
  need(job.artifacts?.when === "always" && [].concat(job.artifacts?.paths ?? []).some((p) => /^out\/?$/.test(p)),
    [SHARD, "artifacts"], `job ${SHARD}: must keep out/ as an artifact, when: always`);
  need([].concat(job.needs ?? []).some((n) => (n?.job ?? n) === IMAGES), [SHARD], `job ${SHARD}: must need ${IMAGES}`);
}

// Merge.
if (jobs[MERGE]) {
  const job = jobs[MERGE];
  need(job.stage === "report", [MERGE], `job ${MERGE}: stage must be report`);
  need([].concat(job.needs ?? []).some((n) => n?.job === SHARD && n?.artifacts === true), [MERGE, "needs"],
    `job ${MERGE}: must need ${SHARD} with artifacts: true`);
  need((job.rules ?? []).length > 0 && job.rules.every((r) => r.when === "always"), [MERGE, "rules"],
    `job ${MERGE}: every rule must say when: always (merge when a shard failed too)`);
  const script = scriptOf(job);
  need(/sandbox-harness"? merge --out out\/merged /.test(script), [MERGE, "script"], `job ${MERGE}: must merge into out/merged`);
  need(/\/jobs\/artifacts\/\$ref\/raw\/out\/merged\/report\.json\?job=\$CI_JOB_NAME/.test(script) && /JOB-TOKEN: \$CI_JOB_TOKEN/.test(script),
    [MERGE, "script"], `job ${MERGE}: must fetch the last successful pipeline's out/merged/report.json (jobs/artifacts API, job token)`);
  need(/sandbox-harness"? compare /.test(script), [MERGE, "script"], `job ${MERGE}: must compare with the baseline`);
  need(/cat out\/merged\/summary\.md/.test(script), [MERGE, "script"], `job ${MERGE}: must print summary.md`);
  need(job.artifacts?.reports?.junit === "out/merged/junit.xml", [MERGE, "artifacts", "reports", "junit"],
    `job ${MERGE}: artifacts:reports:junit must be out/merged/junit.xml`);
  need(job.artifacts?.when === "always" && [].concat(job.artifacts?.paths ?? []).some((p) => /^out\/merged\/?$/.test(p)),
    [MERGE, "artifacts"], `job ${MERGE}: must keep out/merged/ (report.json, report.html) as an artifact, when: always`);
}

// shellcheck of every job's scripts, as the runner runs them: before_script and script in one
// shell, after_script in another; each line placed on the YAML line it comes from.
/** The node of `key` for a job: its own, else the one it inherits through extends. */
function ownerNode(name, key, seen = new Set()) {
  if (seen.has(name) || !config[name]) return undefined;
  seen.add(name);
  if (key in config[name]) return nodeAt(doc, [name, key]);
  for (const parent of [].concat(config[name].extends ?? []).reverse()) {
    const node = ownerNode(parent, key, seen);
    if (node) return node;
  }
  return undefined;
}
function piece(name, keys) {
  let text = "";
  const lines = [];
  for (const key of keys) {
    const node = ownerNode(name, key);
    for (const entry of node?.items ?? (node ? [node] : [])) {
      if (typeof entry?.value !== "string") continue;
      const first = scriptFirstLine(entry, pos);
      entry.value.replace(/\n$/, "").split("\n").forEach((l, i) => {
        text += `${l}\n`;
        lines.push(first + i);
      });
    }
  }
  return { name: `${name} ${keys.join("+")}`, text, lines };
}
const scripts = concrete.flatMap((name) => [piece(name, ["before_script", "script"]), piece(name, ["after_script"])])
  .filter((s) => s.lines.length > 0);
const seenFinding = new Set();
for (const f of shellcheckScripts(file, scripts, "sh", ["-o", "check-extra-masked-returns"])) {
  const key = `${f.line}:${f.col}:${f.message.replace(/ in .*?: /, ": ")}`;
  if (!seenFinding.has(key)) findings.push(f);
  seenFinding.add(key);
}

const n = report(file, findings);
console.log(`${file}: ${n === 0 ? "has the nightly shape" : `${n} finding(s)`}`);
process.exit(n === 0 ? 0 : 1);
