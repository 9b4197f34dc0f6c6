#!/bin/bash
# Runs every cmocka unit suite given on the command line, then every
# end-to-end script tests/e2e/*.sh, and prints one closing line:
#   tests: N passed, N failed, N skipped
# E2E scripts exit 0 (pass), 77 (skipped: they print why) or anything else
# (fail). Each test has a watchdog. TEST_FILTER=substr narrows the set.
set -u
cd "$(dirname "$0")/.."
: "${AMPSCOPE:=$PWD/ampscope}"
export AMPSCOPE
export AMPSCOPE_ROOT=$PWD
export TZ=UTC LC_ALL=C.UTF-8
export SHARED_CORPUS="${SHARED_CORPUS:-$PWD/../shared/corpus}"
pass=0 fail=0 skip=0 failed_names=""
log_dir=${BUILD:-build/rel}/test-logs
mkdir -p "$log_dir"
filter=${TEST_FILTER:-}

for bin in "$@"; do
    name=$(basename "$bin")
    [ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
    out="$log_dir/$name.log"
    timeout 900 "$bin" >"$out" 2>&1
    rc=$?
    p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$out" | awk '{s+=$4} END{print s+0}')
    f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$out" | awk '{s+=$4} END{print s+0}')
    s=$(grep -E '^\[  SKIPPED \] [0-9]+ test' "$out" | awk '{s+=$4} END{print s+0}')
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
    if [ $rc -ne 0 ]; then
        echo "FAIL  $name (exit $rc)"; sed -n '1,200p' "$out" | grep -E 'FAILED|ERROR|error|Sanitizer|runtime error' | head -20
        failed_names="$failed_names $name"
    else
        echo "ok    $name: $p passed${s:+, $s skipped}"
        grep -E '^SKIP: ' "$out" | sort -u | sed 's/^/      skipped: /' | head -10
    fi
done

for t in tests/e2e/*.sh; do
    [ -e "$t" ] || continue
    name=$(basename "$t" .sh)
    [ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
    out="$log_dir/e2e-$name.log"
    timeout 1200 bash "$t" >"$out" 2>&1
    rc=$?
    case $rc in
    0) pass=$((pass + 1)); echo "ok    e2e/$name" ;;
    77) skip=$((skip + 1)); echo "skip  e2e/$name: $(grep -E '^SKIP' "$out" | head -3 | tr '\n' ' ')" ;;
    *) fail=$((fail + 1)); failed_names="$failed_names e2e/$name"
       echo "FAIL  e2e/$name (exit $rc)"; tail -25 "$out" | sed 's/^/      /' ;;
    esac
done

echo
[ -n "$failed_names" ] && echo "failed:$failed_names (logs in $log_dir)"
echo "tests: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
