#!/usr/bin/env node
// check_nightly_workflow.mjs [WORKFLOW.yml]: the nightly workflow (default
// .github/workflows/nightly.yml) has the shape the project relies on, each finding printed as
// file:line:col: message. Exit status 0 when it has, 1 when not, 2 when the check could not run.
//
//   - triggers: a schedule and workflow_dispatch; permissions: contents: read at the top, and no job
//     grants more than actions: read and checks: write;
//   - images: the cache key is a hash of every file sandbox/build_secure_python.sh builds from
//     ($here/FILE in the script), so that a changed recipe misses the cache and an unchanged one
//     hits it; the tarball is saved under that key;
//   - shards: a matrix of N >= 2 shards 1..N, restoring the images by that key (a miss fails),
//     running `run --shard K/N`, uploading their output as shard-K-of-N even when they fail;
//   - merge: needs the shards and runs when they fail too; downloads shard-*, merges, takes the
//     last successful run's report.json as the baseline (gh run list --status success, gh run
//     download) and compares with it, writes the job summary, publishes junit.xml and uploads the
//     merged report.json and report.html.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, cannotRun, nodeAt, parseYaml, report } from "./lib.mjs";

const file = process.argv[2] ?? join(ROOT, ".github/workflows/nightly.yml");
let text;
try {
  text = readFileSync(file, "utf8");
} catch (e) {
  cannotRun(`cannot read ${file}: ${e.message}`);
}
const { doc, pos } = await parseYaml(text);
if (doc.errors.length) cannotRun(`${file} is not valid YAML: ${doc.errors[0].message}`);
const wf = doc.toJS();
const findings = [];
const at = (path) => pos(nodeAt(doc, path));
const need = (ok, path, message) => {
  if (!ok) findings.push({ ...at(path), message });
  return ok;
};
const jobs = wf.jobs ?? {};
const steps = (id) => jobs[id]?.steps ?? [];
const findStep = (id, pred) => steps(id).findIndex(pred);
const usesAction = (action) => (s) => typeof s.uses === "string" && s.uses.split("@")[0] === action;
const runs = (re) => (s) => typeof s.run === "string" && re.test(s.run);
const runsWhenShardsFail = (cond) => typeof cond === "string" && /always\(\)|!\s*cancelled\(\)/.test(cond);

// Triggers and permissions.
need(Array.isArray(wf.on?.schedule) && wf.on.schedule.every((s) => typeof s.cron === "string"), ["on"],
  "the workflow must run on a schedule (on.schedule[].cron)");
need(wf.on && "workflow_dispatch" in wf.on, ["on"], "the workflow must also run on workflow_dispatch");
need(JSON.stringify(wf.permissions) === JSON.stringify({ contents: "read" }), ["permissions"],
  "top-level permissions must be exactly { contents: read }");
const allowedWrite = new Set(["checks", "security-events"]); // the JUnit check; report.sarif to code scanning
for (const [id, job] of Object.entries(jobs)) {
  if (job.permissions === undefined) continue;
  const p = job.permissions;
  if (!need(typeof p === "object", ["jobs", id, "permissions"], `job ${id}: permissions must list scopes`)) continue;
  for (const [scope, level] of Object.entries(p)) {
    need(level === "read" || level === "none" || (level === "write" && allowedWrite.has(scope)),
      ["jobs", id, "permissions", scope], `job ${id}: ${scope}: ${level} is more than it needs`);
  }
}

// The jobs, found by what they do.
const shardId = Object.keys(jobs).find((id) => Array.isArray(jobs[id].strategy?.matrix?.shard));
const mergeId = Object.keys(jobs).find((id) => steps(id).some(runs(/sandbox-harness"? merge /)));
const imagesId = Object.keys(jobs).find((id) => steps(id).some(usesAction("actions/cache/save")));
need(shardId, ["jobs"], "no shard job (strategy.matrix.shard)");
need(mergeId, ["jobs"], "no merge job (a step running `sandbox-harness merge`)");
need(imagesId, ["jobs"], "no images job (a step saving to the cache with actions/cache/save)");

// Images: keyed on the hash of the recipe files, saved under that key.
if (imagesId) {
  const script = readFileSync(join(ROOT, "sandbox/build_secure_python.sh"), "utf8");
  const inputs = [...new Set([...script.matchAll(/\$here\/([A-Za-z0-9_.\/-]+)/g)].map((m) => `sandbox/${m[1]}`))];
  inputs.push("sandbox/build_secure_python.sh");
  const hashStep = findStep(imagesId, (s) => Object.values(s.env ?? {}).some((v) => /hashFiles\(/.test(String(v))));
  if (need(hashStep >= 0, ["jobs", imagesId, "steps"], "images: no step hashes the recipe with hashFiles()")) {
    const expr = Object.values(steps(imagesId)[hashStep].env).find((v) => /hashFiles\(/.test(String(v)));
    const globs = [...String(expr).matchAll(/'([^']+)'/g)].map((m) => m[1]);
    const toRegex = (g) => new RegExp(`^${g.replace(/[.+^$()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\u0000/g, ".*")}$`);
    for (const input of inputs) {
      need(globs.some((g) => toRegex(g).test(input)), ["jobs", imagesId, "steps", hashStep, "env"],
        `images: the cache key does not hash ${input}, an input of the image recipe`);
    }
  }
  const save = findStep(imagesId, usesAction("actions/cache/save"));
  need(/outputs\.key|steps\.recipe/.test(String(steps(imagesId)[save]?.with?.key)), ["jobs", imagesId, "steps", save],
    "images: the cache is saved under another key than the recipe hash");
  need(/outputs\.key/.test(String(jobs[imagesId].outputs?.key)), ["jobs", imagesId],
    "images: the job must output the cache key (outputs.key) for the shards");
}

// Shards.
if (shardId) {
  const job = jobs[shardId];
  const shards = job.strategy.matrix.shard;
  need(shards.length >= 2 && shards.every((k, i) => k === i + 1), ["jobs", shardId, "strategy", "matrix", "shard"],
    "shards: the matrix must list shards 1..N, N >= 2");
  need(job.strategy["fail-fast"] === false, ["jobs", shardId, "strategy"],
    "shards: fail-fast must be false (one failing shard must not cancel the others)");
  need([].concat(job.needs ?? []).includes(imagesId), ["jobs", shardId], "shards: must need the images job");
  const restore = findStep(shardId, usesAction("actions/cache/restore"));
  if (need(restore >= 0, ["jobs", shardId, "steps"], "shards: no step restores the images from the cache")) {
    const w = steps(shardId)[restore].with ?? {};
    need(String(w.key).includes(`needs.${imagesId}.outputs.key`), ["jobs", shardId, "steps", restore],
      "shards: the images must be restored under the images job's key");
    need(w["fail-on-cache-miss"] === true, ["jobs", shardId, "steps", restore],
      "shards: a cache miss must fail (fail-on-cache-miss: true), not rebuild the images on every shard");
  }
  need(findStep(shardId, runs(/docker load/)) >= 0, ["jobs", shardId, "steps"], "shards: no step runs docker load");
  const run = findStep(shardId, runs(/sandbox-harness"? run .*--shard "\$SHARD"/));
  need(run >= 0, ["jobs", shardId, "steps"], 'shards: no step runs `sandbox-harness run ... --shard "$SHARD"`');
  need(String(job.env?.SHARD).replace(/\s/g, "") === "${{matrix.shard}}/${{strategy.job-total}}", ["jobs", shardId],
    "shards: env SHARD must be ${{ matrix.shard }}/${{ strategy.job-total }}");
  const up = findStep(shardId, usesAction("actions/upload-artifact"));
  if (need(up >= 0, ["jobs", shardId, "steps"], "shards: no step uploads the shard's output")) {
    const s = steps(shardId)[up];
    need(String(s.with?.name).replace(/\s/g, "") === "shard-${{matrix.shard}}-of-${{strategy.job-total}}",
      ["jobs", shardId, "steps", up], "shards: the artifact must be named shard-${{ matrix.shard }}-of-${{ strategy.job-total }}");
    need(runsWhenShardsFail(s.if), ["jobs", shardId, "steps", up], "shards: the output must be uploaded when the run fails too");
  }
}

// Merge.
if (mergeId && shardId) {
  const job = jobs[mergeId];
  need([].concat(job.needs ?? []).includes(shardId), ["jobs", mergeId], `merge: must need the ${shardId} job`);
  need(runsWhenShardsFail(job.if), ["jobs", mergeId], "merge: must run when a shard fails too (if: always() or !cancelled())");
  const down = findStep(mergeId, usesAction("actions/download-artifact"));
  need(down >= 0 && steps(mergeId)[down].with?.pattern === "shard-*", ["jobs", mergeId, "steps"],
    "merge: must download the artifacts shard-*");
  const merge = findStep(mergeId, runs(/sandbox-harness"? merge /));
  need(runsWhenShardsFail(steps(mergeId)[merge]?.if), ["jobs", mergeId, "steps", merge],
    "merge: the merge step must run even when a step before it failed");
  need(findStep(mergeId, runs(/gh run list [^\n]*--status success/)) >= 0, ["jobs", mergeId, "steps"],
    "merge: no step finds the last successful run (gh run list --status success)");
  need(findStep(mergeId, runs(/gh run download [^\n]*--name nightly-report/)) >= 0, ["jobs", mergeId, "steps"],
    "merge: no step downloads the last successful run's nightly-report");
  need(findStep(mergeId, runs(/sandbox-harness"? compare /)) >= 0, ["jobs", mergeId, "steps"],
    "merge: no step compares with the baseline (sandbox-harness compare)");
  need(findStep(mergeId, runs(/summary\.md[\s\S]*GITHUB_STEP_SUMMARY/)) >= 0, ["jobs", mergeId, "steps"],
    "merge: no step writes summary.md to $GITHUB_STEP_SUMMARY");
  const junit = findStep(mergeId, (s) => /junit/i.test(String(s.uses)));
  need(junit >= 0 && /junit\.xml$/.test(String(steps(mergeId)[junit].with?.report_paths ?? steps(mergeId)[junit].with?.files)),
    ["jobs", mergeId, "steps"], "merge: junit.xml is not published");
  const sarif = findStep(mergeId, usesAction("github/codeql-action/upload-sarif"));
  need(sarif >= 0 && /report\.sarif$/.test(String(steps(mergeId)[sarif].with?.sarif_file)), ["jobs", mergeId, "steps"],
    "merge: report.sarif is not uploaded to code scanning (github/codeql-action/upload-sarif)");
  need(job.permissions?.["security-events"] === "write", ["jobs", mergeId],
    "merge: needs security-events: write to upload report.sarif");
  const uploads = steps(mergeId).filter(usesAction("actions/upload-artifact"));
  const report = uploads.find((s) => s.with?.name === "nightly-report");
  need(report && /^out\/merged\/?$/.test(String(report.with?.path)), ["jobs", mergeId, "steps"],
    "merge: the merged reports (report.json, report.html) must be uploaded as nightly-report from out/merged/");
  need(job.permissions?.actions === "read", ["jobs", mergeId], "merge: needs actions: read to find the last night's run");
}

const n = report(file, findings);
console.log(`${file}: ${n === 0 ? "has the nightly shape" : `${n} finding(s)`}`);
process.exit(n === 0 ? 0 : 1);
