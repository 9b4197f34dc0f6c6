#!/bin/bash
# The top level of the CLI: help that teaches, version, unknown commands, and
# the module dependency chain (tests/check-deps.sh).
set -u
cd "$AMPSCOPE_ROOT"
fail() { echo "FAIL: $*"; exit 1; }
out=$("$AMPSCOPE" --help) || fail "--help exit $?"
for c in run open analyze logs amp graph export env; do
    grep -q "^  $c " <<<"$out" || fail "--help does not list '$c'"
done
grep -q "exit codes" <<<"$out" || fail "--help does not document exit codes"
"$AMPSCOPE" --version | grep -qE '^ampscope [0-9]+\.[0-9]+' || fail "--version"
"$AMPSCOPE" frobnicate 2>/tmp/ampscope-cli-$$.err; rc=$?
[ $rc -eq 2 ] || fail "unknown command exit $rc, want 2"
grep -q "unknown command 'frobnicate'" /tmp/ampscope-cli-$$.err || fail "unknown command message"
rm -f /tmp/ampscope-cli-$$.err
"$AMPSCOPE" >/dev/null 2>&1; [ $? -eq 2 ] || fail "no arguments should exit 2"
tests/check-deps.sh || fail "dependency chain broken"
echo "cli basics ok"
