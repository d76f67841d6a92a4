#!/usr/bin/env node
// ci_script.mjs github WORKFLOW.yml JOB STEP_ID | gitlab GITLAB_CI.yml JOB
// Prints the shell script of one step of a GitHub workflow (its run:), or of one GitLab job (its
// script: entries, one after the other), exactly as the CI would run it, so that tests can run it
// against fakes. Exit status 2 when the file, the job or the step is not there.
import { readFileSync } from "node:fs";
import { cannotRun, parseYaml } from "./lib.mjs";

const [kind, file, job, stepId] = process.argv.slice(2);
if (!["github", "gitlab"].includes(kind) || !file || !job || (kind === "github" && !stepId)) {
  cannotRun("usage: ci_script.mjs github WORKFLOW.yml JOB STEP_ID | gitlab GITLAB_CI.yml JOB");
}
let text;
try {
  text = readFileSync(file, "utf8");
} catch (e) {
  cannotRun(`cannot read ${file}: ${e.message}`);
}
const { doc } = await parseYaml(text);
if (doc.errors.length) cannotRun(`${file} is not valid YAML: ${doc.errors[0].message}`);
const config = doc.toJS();
let script;
if (kind === "github") {
  script = config.jobs?.[job]?.steps?.find((s) => s.id === stepId)?.run;
} else {
  const entries = config[job]?.script;
  script = Array.isArray(entries) ? entries.join("\n") : entries;
}
if (typeof script !== "string") cannotRun(`${file}: no script for ${job}${stepId ? ` step ${stepId}` : ""}`);
process.stdout.write(script.endsWith("\n") ? script : `${script}\n`);
