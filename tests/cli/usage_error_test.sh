#!/usr/bin/env bash
# A value outside an option's list is a usage error for every subcommand: exit code 2 (the
# configuration code), and CLI11's line naming the bad value.
set -uo pipefail
gatehouse="$1"
failed=0
for command in run demo doctor serve "bench client --gateway-url ws://127.0.0.1:1"; do
  # shellcheck disable=SC2086 # the bench command is several words on purpose
  out="$("$gatehouse" $command --log-level bogus 2>&1 </dev/null)"
  rc=$?
  if [[ $rc -ne 2 || $out != *"bogus not in"* ]]; then
    echo "gatehouse $command --log-level bogus: exit $rc, output: $out"
    failed=1
  fi
done
exit "$failed"
