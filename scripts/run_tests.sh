#!/usr/bin/env bash
# Unit tests in one pytest run; each browser-test file in a pytest run of its own, so one
# file's servers and browsers never starve the next. Prints one closing tally for everything.
set -uo pipefail
PY=.venv/bin/python
passed=0; failed=0; status=0
tally() {  # add the counts from pytest's closing line
  local line="$1" p f e
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  e=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || echo 0)
  passed=$((passed + p)); failed=$((failed + f + e))
}
log=$(mktemp)
run() {
  "$PY" -m pytest -q -p no:cacheprovider "$@" 2>&1 | tee "$log"
  local code=${PIPESTATUS[0]}
  tally "$(tail -1 "$log")"
  [ "$code" -ne 0 ] && status=1
  return 0
}
run tests
for file in e2e/test_*.py; do
  run "$file"
done
rm -f "$log"
echo "$passed passed, $failed failed"
exit $status
