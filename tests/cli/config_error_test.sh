#!/usr/bin/env bash
# Configuration refused before anything starts: exit code 2 and a line saying why, for the
# .env file, the intents and the test gateway's flags. A memory limit and a timeout keep a
# regression (reading /dev/zero without end) from taking the machine with it.
set -uo pipefail
gatehouse="$1"
failed=0
ulimit -v 4000000
unset DISCORD_TOKEN
api=(--api-base http://127.0.0.1:1/api/v10)

# expect WANT COMMAND...: the command exits with 2 and its output holds WANT.
expect() {
  local want="$1"
  shift
  local out rc
  out="$(timeout 20 "$@" 2>&1 </dev/null)"
  rc=$?
  if [[ $rc -ne 2 || $out != *"$want"* ]]; then
    echo "${*:2}: exit $rc, expected 2 and \"$want\", output: $out"
    failed=1
  fi
}

expect "cannot read /dev/zero: not a regular file" "$gatehouse" run "${api[@]}" --env-file /dev/zero
expect "cannot read /nonexistent/.env: No such file or directory" \
  "$gatehouse" run "${api[@]}" --env-file /nonexistent/.env
expect "cannot read /: Is a directory" "$gatehouse" run "${api[@]}" --env-file /

token=(env DISCORD_TOKEN=test-token-not-real.abc.def)
expect "intents 99999999999999999999 out of range" \
  "${token[@]}" "$gatehouse" run "${api[@]}" --intents 99999999999999999999
expect "intents -1 out of range" "${token[@]}" "$gatehouse" run "${api[@]}" --intents -1
expect 'empty intent name in "GUILDS,,"' "${token[@]}" "$gatehouse" run "${api[@]}" --intents GUILDS,,

for token in "" "a b" "Bot abc" "\"abc\""; do
  expect "--token: takes the bare token" "$gatehouse" serve --token "$token" --generate-only 1
done
expect "--rate: takes a finite number" "$gatehouse" serve --rate -1 --generate-only 1
expect "--rate: takes a finite number" "$gatehouse" serve --rate nan --generate-only 1
for flag in --heartbeat-interval --max-concurrency --shards; do
  expect "$flag: takes a whole number, 1 or more" "$gatehouse" serve "$flag" 0 --generate-only 1
done
for flag in --heartbeat-grace --session-window --identify-window --session-starts --guilds \
  --users --max-guilds-per-shard --traffic-count --bench-events --seed --generate-only; do
  expect "$flag: takes a whole number, 0 or more" "$gatehouse" serve "$flag" -1
done
exit "$failed"
