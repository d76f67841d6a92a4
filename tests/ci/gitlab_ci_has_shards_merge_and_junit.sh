#!/usr/bin/env bash
# ci/gitlab-ci.yml parses as YAML and has the nightly shape: known keywords only, stages build, test
# and report, rules for scheduled and manual pipelines, the images cached by recipe hash, `parallel:`
# shards running `run --shard $CI_NODE_INDEX/$CI_NODE_TOTAL`, a merge that always runs, compares
# with the last successful pipeline and publishes artifacts:reports:junit, and scripts that are
# clean under shellcheck as POSIX sh (tests/ci/check_gitlab_ci.mjs). The check is shown able to fail: copies
# with one defect each must fail, with that defect named on its line. No Docker needed.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016 # $ in sed scripts and patterns is literal
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_tools

CHECK=(node "$CI_TESTS/check_gitlab_ci.mjs")

run_check "${CHECK[@]}" "$GITLAB_CI"
[[ $status == 0 ]] || fail "check_gitlab_ci.mjs found problems in $GITLAB_CI: $output"
printf '%s\n' "$output"
ok "ci/gitlab-ci.yml parses and has the nightly shape (stages, parallel shards, merge, baseline, junit), its scripts pass shellcheck"

copy=$(mutant duplicate.yml "$GITLAB_CI" 's|^  parallel: 3$|  parallel: 3\n  parallel: 4|')
expect_finding "duplicate key" "$copy" "$(line_of "$copy" '^  parallel: 4')" 'yaml: Map keys must be unique' "${CHECK[@]}"
ok "invalid YAML (a duplicate key) fails, on its line"

copy=$(mutant typo.yml "$GITLAB_CI" '0,/^  artifacts:/s//  artefacts:/')
expect_finding "misspelt keyword" "$copy" "$(line_of "$copy" '^  artefacts:')" 'unknown keyword "artefacts"' "${CHECK[@]}"
ok "a misspelt job keyword fails, on its line"

copy=$(mutant parallel.yml "$GITLAB_CI" 's|^  parallel: 3$|  parallel: 1|')
expect_finding "one shard" "$copy" "$(line_of "$copy" '^  parallel: 1')" 'parallel must be a number N >= 2' "${CHECK[@]}"
ok "a shard job without parallel shards fails"

copy=$(mutant junit.yml "$GITLAB_CI" 's|junit: out/merged/junit.xml|junit: out/junit.xml|')
expect_finding "junit path" "$copy" "$(line_of "$copy" 'junit: out/junit.xml')" 'artifacts:reports:junit must be out/merged/junit.xml' "${CHECK[@]}"
ok "artifacts:reports:junit that is not the merged junit.xml fails"

copy=$(mutant rules.yml "$GITLAB_CI" '/^sandbox-harness-merge:/,/^  timeout:/{/^      when: always$/d}')
# (a finding on a list is placed on its first item)
expect_finding "merge rules" "$copy" "$(($(line_of "$copy" '^  rules: # also when') + 1))" 'every rule must say when: always' "${CHECK[@]}"
ok "a merge job that does not run after a failed shard fails"

copy=$(mutant shell.yml "$GITLAB_CI" 's|"$SH_BUILD_DIR/sandbox-harness" merge|$SH_BUILD_DIR/sandbox-harness merge|')
expect_finding "unquoted variable" "$copy" "$(line_of "$copy" '^ *\$SH_BUILD_DIR/sandbox-harness merge')" 'shellcheck SC2086' "${CHECK[@]}"
ok "a shellcheck finding in a job's script fails, on the YAML file's line"

copy=$(mutant recipe.yml "$GITLAB_CI" '0,/sandbox\/\*\.Dockerfile)/s//sandbox\/secure_python.Dockerfile)/')
expect_finding "recipe hash" "$copy" "$(line_of "$copy" 'sums=\$\(sha256sum')" \
  'the recipe hash does not cover sandbox/secure_python_science.Dockerfile' "${CHECK[@]}"
ok "a recipe hash that misses a file of the image recipe fails"
