#!/usr/bin/env bash
# The scripts of .github/workflows/nightly.yml and ci/gitlab-ci.yml, taken out of the YAML as the
# CI runs them (tests/ci/ci_script.mjs), run against a fake sandbox-harness, docker, gh and curl:
#   - merge: a missing shard report, shards of different runs, no shard at all and a shard job that
#     failed without a failing case are harness errors (2); the harness's own merge and compare
#     statuses pass through; the baseline is the last successful run's report, and its absence is
#     no error while a failed fetch is; the job summary says what each status means;
#   - images: every secure-python image (the rootfs, base, science, canary) goes into the cached
#     tarball, and a missing one stops the job; on GitLab the tarball of the same recipe is loaded,
#     and a changed recipe saves a new one in place of the old.
# No Docker needed.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_tools

script() { node "$CI_TESTS/ci_script.mjs" "$@"; }
script github "$WORKFLOW" merge merge >"$TMP/gh-merge.sh"
script github "$WORKFLOW" merge baseline >"$TMP/gh-baseline.sh"
script github "$WORKFLOW" merge summary >"$TMP/gh-summary.sh"
script github "$WORKFLOW" images save >"$TMP/gh-save.sh"
script gitlab "$GITLAB_CI" sandbox-harness-merge >"$TMP/gl-merge.sh"
script gitlab "$GITLAB_CI" sandbox-harness-images >"$TMP/gl-images.sh"

# The fake harness: logs its arguments; `build` passes; `merge --out DIR ...` writes DIR/report.json and
# DIR/summary.md and exits FAKE_MERGE; `compare` prints a verdict and exits FAKE_COMPARE.
mkdir -p "$TMP/bin" "$TMP/build"
cat >"$TMP/build/sandbox-harness" <<'FAKE'
#!/bin/bash
printf '%s\n' "$*" >>"$FAKE_LOG"
case $1 in
  build) exit 0 ;;
  merge)
    mkdir -p "$3"
    echo '{"schema_version": 1}' >"$3/report.json"
    echo '# merged summary' >"$3/summary.md"
    exit "${FAKE_MERGE:-0}" ;;
  compare)
    if [[ ${FAKE_COMPARE:-0} == 1 ]]; then echo REGRESSION; else echo "no regression"; fi
    exit "${FAKE_COMPARE:-0}" ;;
esac
exit 2
FAKE
# gh: `run list` prints FAKE_GH_RUN (may be empty); `api` prints FAKE_GH_KEPT; `run download`
# writes --dir/report.json; FAKE_GH_FAILS=1 makes every call fail.
cat >"$TMP/bin/gh" <<'FAKE'
#!/bin/bash
printf 'gh %s\n' "$*" >>"$FAKE_LOG"
[[ ${FAKE_GH_FAILS:-0} != 1 ]] || { echo "gh: HTTP 401: Bad credentials" >&2; exit 1; }
case "$1 $2" in
  "run list") printf '%s\n' "${FAKE_GH_RUN:-}" ;;
  "api "*) printf '%s\n' "${FAKE_GH_KEPT:-0}" ;;
  "run download")
    while (($#)); do [[ $1 != --dir ]] || { mkdir -p "$2"; echo '{"schema_version": 1}' >"$2/report.json"; }; shift; done ;;
esac
FAKE
# curl -sS -o FILE -w '%{http_code}' -H HEADER URL: writes a report to FILE and prints FAKE_CURL_CODE.
cat >"$TMP/bin/curl" <<'FAKE'
#!/bin/bash
printf 'curl %s\n' "$*" >>"$FAKE_LOG"
echo '{"schema_version": 1}' >"$4"
printf '%s' "${FAKE_CURL_CODE:-404}"
FAKE
# docker: `image ls` prints FAKE_IMAGES; `save -o FILE REF...` logs and writes FILE; `load` logs.
cat >"$TMP/bin/docker" <<'FAKE'
#!/bin/bash
printf 'docker %s\n' "$*" >>"$FAKE_LOG"
case "$1 $2" in
  "image ls") printf '%s\n' "$FAKE_IMAGES" ;;
  "save -o") echo tar >"$3" ;;
  "load -i") ;;
  *) exit 1 ;;
esac
FAKE
chmod +x "$TMP/build/sandbox-harness" "$TMP/bin/gh" "$TMP/bin/curl" "$TMP/bin/docker"

# in_work SHARDS_DIR K-of-N...: a fresh working directory holding SHARDS_DIR/shard-K-of-N/report.json
# for each K-of-N ("K-of-N-" makes the directory without a report).
in_work() {
  work=$TMP/work-$((++works))
  local base=$1 s
  shift
  mkdir -p "$work/$base"
  for s in "$@"; do
    mkdir -p "$work/$base/shard-${s%-}"
    [[ $s == *- ]] || echo '{}' >"$work/$base/shard-$s/report.json"
  done
  : >"$work/log"
  : >"$work/github-output"
}
works=0

# run_in_work "SHELL [OPTIONS]" SCRIPT ENV=VALUE...: runs SCRIPT in $work as the CI would; sets
# $status and $output.
run_in_work() {
  local shell=() file=$2
  read -r -a shell <<<"$1"
  shift 2
  status=0
  output=$(cd "$work" && env PATH="$TMP/bin:$PATH" FAKE_LOG="$work/log" GITHUB_OUTPUT="$work/github-output" \
    BUILD_DIR="$TMP/build" SH_BUILD_DIR="$TMP/build" MAX_SLOWDOWN=1.1 SH_MAX_SLOWDOWN=1.1 "$@" "${shell[@]}" "$file" 2>&1) ||
    status=$?
}
expect() { [[ $status == "$1" ]] || fail "$2: status $status, want $1; output: $output"; }
expect_out() { [[ $output == *"$1"* ]] || fail "$2: '$1' not in: $output"; }
expect_log() { [[ $(<"$work/log") == "$1" ]] || fail "$2: calls '$(<"$work/log")', want '$1'"; }
expect_gh_output() { [[ $(<"$work/github-output") == "$1" ]] || fail "$2: step outputs '$(<"$work/github-output")', want '$1'"; }

# GitHub: the merge step (bash -eo pipefail, as `shell: bash` runs it).
GH=(bash -eo pipefail)
in_work shards 1-of-3 2-of-3 3-of-3
run_in_work "${GH[*]}" "$TMP/gh-merge.sh" SHARDS_RESULT=success
expect 0 "github: three shards"
expect_log "merge --out out/merged --history out/history/history.sqlite shards/shard-1-of-3 shards/shard-2-of-3 shards/shard-3-of-3" "github: three shards"
expect_gh_output $'report=out/merged/report.json\nstatus=0' "github: three shards"
ok "github merge: every shard 1..N merged in order, the report handed on"

in_work shards 1-of-3 3-of-3 2-of-3-
run_in_work "${GH[*]}" "$TMP/gh-merge.sh" SHARDS_RESULT=failure
expect 2 "github: shard 2 without a report"
expect_out "shards without a report: 2/3" "github: shard 2 without a report"
expect_log "merge --out out/merged --history out/history/history.sqlite shards/shard-1-of-3 shards/shard-3-of-3" "github: shard 2 without a report"
expect_gh_output $'report=out/merged/report.json\nstatus=2' "github: shard 2 without a report"
in_work shards 1-of-3
run_in_work "${GH[*]}" "$TMP/gh-merge.sh" SHARDS_RESULT=failure
expect 2 "github: two shards never uploaded"
expect_out "shards without a report: 2/3 3/3" "github: two shards never uploaded"
ok "github merge: a shard without a report is a harness error (2), named, and the rest is still merged"

in_work shards
run_in_work "${GH[*]}" "$TMP/gh-merge.sh" SHARDS_RESULT=skipped
expect 2 "github: no shard"
expect_out "no shard uploaded its output" "github: no shard"
expect_log "" "github: no shard"
in_work shards 1-of-3 2-of-2 3-of-3
run_in_work "${GH[*]}" "$TMP/gh-merge.sh" SHARDS_RESULT=success
expect 2 "github: shards of different runs"
expect_out "shards of different sizes" "github: shards of different runs"
in_work shards 1-of-2 2-of-2
run_in_work "${GH[*]}" "$TMP/gh-merge.sh" SHARDS_RESULT=failure
expect 2 "github: a shard job failed, every case passed"
expect_out "a shard job ended 'failure' although every case in the reports passed" "github: shard job failed"
ok "github merge: no shard, shards of two runs, or a failed shard job whose cases all pass: harness error (2)"

in_work shards 1-of-2 2-of-2
run_in_work "${GH[*]}" "$TMP/gh-merge.sh" SHARDS_RESULT=failure FAKE_MERGE=1
expect 1 "github: a failing case"
expect_gh_output $'report=out/merged/report.json\nstatus=1' "github: a failing case"
ok "github merge: the harness's status 1 (a failure, an escape) passes through"

# GitHub: the baseline step.
in_work shards
run_in_work "${GH[*]}" "$TMP/gh-baseline.sh" GITHUB_WORKFLOW_REF=o/r/.github/workflows/nightly.yml@refs/heads/main \
  BRANCH=main GH_REPO=o/r FAKE_GH_RUN=
expect 0 "github baseline: no earlier run"
expect_out "no earlier successful run of nightly.yml on main" "github baseline: no earlier run"
expect_log "gh run list --workflow nightly.yml --branch main --status success --limit 1 --json databaseId --jq .[0].databaseId // empty" \
  "github baseline: no earlier run"
expect_gh_output "" "github baseline: no earlier run"
in_work shards
run_in_work "${GH[*]}" "$TMP/gh-baseline.sh" GITHUB_WORKFLOW_REF=o/r/.github/workflows/nightly.yml@refs/heads/main \
  BRANCH=main GH_REPO=o/r FAKE_GH_RUN=42 FAKE_GH_KEPT=0
expect 0 "github baseline: artifact expired"
expect_out "run 42 kept no nightly-report artifact" "github baseline: artifact expired"
expect_gh_output "" "github baseline: artifact expired"
in_work shards
run_in_work "${GH[*]}" "$TMP/gh-baseline.sh" GITHUB_WORKFLOW_REF=o/r/.github/workflows/nightly.yml@refs/heads/main \
  BRANCH=main GH_REPO=o/r FAKE_GH_RUN=42 FAKE_GH_KEPT=1
expect 0 "github baseline: found"
[[ $(tail -n1 "$work/log") == "gh run download 42 --name nightly-report --dir baseline" ]] ||
  fail "github baseline: found: calls $(<"$work/log")"
expect_gh_output $'report=baseline/report.json\nrun=42' "github baseline: found"
in_work shards
run_in_work "${GH[*]}" "$TMP/gh-baseline.sh" GITHUB_WORKFLOW_REF=o/r/.github/workflows/nightly.yml@refs/heads/main \
  BRANCH=main GH_REPO=o/r FAKE_GH_FAILS=1
[[ $status != 0 ]] || fail "github baseline: gh fails: the step passed: $output"
ok "github baseline: the last successful run's nightly-report; none or expired is no error, a failing gh is"

# GitHub: the job summary.
in_work shards
mkdir -p "$work/out/merged"
echo "# merged summary" >"$work/out/merged/summary.md"
echo "**REGRESSION** in hello" >"$work/out/merged/compare.md"
run_in_work "${GH[*]}" "$TMP/gh-summary.sh" GITHUB_STEP_SUMMARY="$work/summary" MERGE_STATUS=0 COMPARE_STATUS=1 BASELINE_RUN=42
expect 0 "github summary"
[[ $(<"$work/summary") == "# merged summary

## Nightly result

- merge: pass
- compared with run 42: a failure, an escape or a regression

**REGRESSION** in hello" ]] || fail "github summary: $(<"$work/summary")"
in_work shards
run_in_work "${GH[*]}" "$TMP/gh-summary.sh" GITHUB_STEP_SUMMARY="$work/summary" MERGE_STATUS=2 COMPARE_STATUS= BASELINE_RUN=
expect 0 "github summary, no report"
[[ $(<"$work/summary") == *"no merged report"*"- merge: a harness error"*"- no earlier successful night to compare with" ]] ||
  fail "github summary, no report: $(<"$work/summary")"
ok "github summary: summary.md, what the merge and compare statuses mean, and the comparison"

# GitHub: saving the images for the cache.
all_images="secure-python-setuid-canary:1
secure-python-setuid-canary:latest
secure-python-science:1
secure-python-science:latest
secure-python:1
secure-python:latest
secure-python-rootfs:bookworm-4ebd7201861f
secure-python:<none>
debian:12"
in_work shards
run_in_work "${GH[*]}" "$TMP/gh-save.sh" IMAGES_DIR=.sandbox-images FAKE_IMAGES="$all_images"
expect 0 "github save"
[[ $(tail -n1 "$work/log") == "docker save -o .sandbox-images/images.tar secure-python-setuid-canary:1 secure-python-setuid-canary:latest secure-python-science:1 secure-python-science:latest secure-python:1 secure-python:latest secure-python-rootfs:bookworm-4ebd7201861f" ]] ||
  fail "github save: calls $(<"$work/log")"
[[ -f $work/.sandbox-images/images.tar ]] || fail "github save: no tarball"
in_work shards
run_in_work "${GH[*]}" "$TMP/gh-save.sh" IMAGES_DIR=.sandbox-images FAKE_IMAGES="${all_images//secure-python-science:1$'\n'/}"
expect 2 "github save, science missing"
expect_out "no image secure-python-science:1 after the build" "github save, science missing"
ok "github images: every secure-python image and the rootfs saved in one tarball, nothing else; a missing one stops the job"

# GitLab: the images job's script, run in a copy of sandbox/ (the recipe files it hashes).
# gl_images OLD_TARBALL|"" ENV=VALUE...: a fresh $work whose cache holds OLD_TARBALL.
gl_images() {
  in_work shards
  cp -r "$ROOT/sandbox" "$work/sandbox"
  mkdir -p "$work/.sandbox-images"
  [[ -z $1 ]] || echo old >"$work/.sandbox-images/$1"
  shift
  run_in_work "sh -e" "$TMP/gl-images.sh" SH_IMAGES_DIR=.sandbox-images "$@"
}
gl_images images-0000000000000000.tar FAKE_IMAGES="$all_images"
expect 0 "gitlab images: cache miss"
tar=$(cd "$work/.sandbox-images" && echo images-*.tar)
[[ $tar =~ ^images-[0-9a-f]{16}\.tar$ ]] || fail "gitlab images: cache miss: the cache holds '$tar'"
expect_log "build all
docker image ls --format {{.Repository}}:{{.Tag}}
docker save -o .sandbox-images/$tar secure-python-setuid-canary:1 secure-python-setuid-canary:latest secure-python-science:1 secure-python-science:latest secure-python:1 secure-python:latest secure-python-rootfs:bookworm-4ebd7201861f" \
  "gitlab images: cache miss"

gl_images "$tar" FAKE_IMAGES="$all_images"
expect 0 "gitlab images: cache hit"
expect_log "docker load -i .sandbox-images/$tar
build all" "gitlab images: cache hit"

gl_images "$tar" FAKE_IMAGES="$all_images"
echo "# changed" >>"$work/sandbox/secure_python_science.Dockerfile"
: >"$work/log"
run_in_work "sh -e" "$TMP/gl-images.sh" SH_IMAGES_DIR=.sandbox-images FAKE_IMAGES="$all_images"
expect 0 "gitlab images: recipe changed"
[[ $(<"$work/log") != *"docker load"* && $(<"$work/log") == *"docker save"* ]] ||
  fail "gitlab images: recipe changed: calls $(<"$work/log")"
[[ ! -e $work/.sandbox-images/$tar ]] || fail "gitlab images: recipe changed: the old tarball was kept"

gl_images "" FAKE_IMAGES="${all_images//secure-python-rootfs:bookworm-4ebd7201861f/}"
expect 2 "gitlab images: rootfs missing"
expect_out "no image secure-python-rootfs: after the build" "gitlab images: rootfs missing"
ok "gitlab images: loaded from the tarball of the same recipe, saved (alone) under a changed recipe's hash; a missing image stops the job"

# GitLab: the merge job's script, under dash (sh) and bash, both with -e as the runner runs it.
for shell in "sh -e" "bash -eo pipefail"; do
  in_work out 1-of-3 2-of-3 3-of-3
  run_in_work "$shell" "$TMP/gl-merge.sh" CI_COMMIT_REF_NAME=feature/x CI_API_V4_URL=https://gl.invalid/api/v4 \
    CI_PROJECT_ID=7 CI_JOB_NAME=sandbox-harness-merge CI_JOB_TOKEN=t FAKE_CURL_CODE=404
  expect 0 "gitlab ($shell): three shards, no baseline"
  expect_out "# merged summary" "gitlab ($shell): summary.md printed"
  expect_out "nothing to compare with" "gitlab ($shell): no baseline"
  expect_log "merge --out out/merged --history out/history/history.sqlite out/shard-1-of-3 out/shard-2-of-3 out/shard-3-of-3
curl -sS -o out/baseline/report.json -w %{http_code} -H JOB-TOKEN: t https://gl.invalid/api/v4/projects/7/jobs/artifacts/feature%2Fx/raw/out/merged/report.json?job=sandbox-harness-merge" \
    "gitlab ($shell): three shards, no baseline"

  in_work out 1-of-2 2-of-2
  run_in_work "$shell" "$TMP/gl-merge.sh" CI_COMMIT_REF_NAME=main CI_API_V4_URL=https://gl.invalid/api/v4 \
    CI_PROJECT_ID=7 CI_JOB_NAME=sandbox-harness-merge CI_JOB_TOKEN=t FAKE_CURL_CODE=200 FAKE_COMPARE=1
  expect 1 "gitlab ($shell): a regression"
  expect_out "REGRESSION" "gitlab ($shell): compare.md printed"
  [[ $(tail -n1 "$work/log") == "compare --threshold 1.1 out/baseline/report.json out/merged/report.json" ]] ||
    fail "gitlab ($shell): a regression: calls $(<"$work/log")"

  in_work out 1-of-2 2-of-2-
  run_in_work "$shell" "$TMP/gl-merge.sh" CI_COMMIT_REF_NAME=main CI_API_V4_URL=https://gl.invalid/api/v4 \
    CI_PROJECT_ID=7 CI_JOB_NAME=sandbox-harness-merge CI_JOB_TOKEN=t FAKE_CURL_CODE=404
  expect 2 "gitlab ($shell): shard 2 without a report"
  expect_out "shards without a report: 2/2" "gitlab ($shell): shard 2 without a report"

  in_work out
  run_in_work "$shell" "$TMP/gl-merge.sh" CI_COMMIT_REF_NAME=main CI_API_V4_URL=https://gl.invalid/api/v4 \
    CI_PROJECT_ID=7 CI_JOB_NAME=sandbox-harness-merge CI_JOB_TOKEN=t
  expect 2 "gitlab ($shell): no shard"
  expect_out "no shard left its output" "gitlab ($shell): no shard"

  in_work out 1-of-2 2-of-2
  run_in_work "$shell" "$TMP/gl-merge.sh" CI_COMMIT_REF_NAME=main CI_API_V4_URL=https://gl.invalid/api/v4 \
    CI_PROJECT_ID=7 CI_JOB_NAME=sandbox-harness-merge CI_JOB_TOKEN=t FAKE_CURL_CODE=500
  expect 2 "gitlab ($shell): baseline fetch fails"
  expect_out "could not be fetched (HTTP 500)" "gitlab ($shell): baseline fetch fails"

  in_work out 1-of-2 2-of-2
  run_in_work "$shell" "$TMP/gl-merge.sh" CI_COMMIT_REF_NAME=main CI_API_V4_URL=https://gl.invalid/api/v4 \
    CI_PROJECT_ID=7 CI_JOB_NAME=sandbox-harness-merge CI_JOB_TOKEN=t FAKE_CURL_CODE=404 FAKE_MERGE=1
  expect 1 "gitlab ($shell): a failing case"
  ok "gitlab merge ($shell): shards 1..N merged, baseline by ref and job; missing shards, no shard and a failed fetch are 2; merge and compare statuses pass through"
done
