#!/usr/bin/env bash
# `gatehouse run` stopped by SIGINT delivered twice at once (to the process and to its group,
# as `timeout` and a terminal's Ctrl-C do) still closes cleanly and exits 0.
set -euo pipefail
gatehouse="$1"
work="$(mktemp -d)"
trap 'kill "$serve" 2>/dev/null || true; rm -rf "$work"' EXIT

token="test-token-not-real.abc.def"
"$gatehouse" serve --port 0 --token "$token" --log-level warn >"$work/serve.out" &
serve=$!
for _ in $(seq 100); do
  [[ -s "$work/serve.out" ]] && break
  sleep 0.1
done
api_base="$(sed -n 's/.*"api_base":"\([^"]*\)".*/\1/p' "$work/serve.out" | head -n1)"
[[ -n "$api_base" ]] || { echo "serve printed no api_base"; exit 1; }

DISCORD_TOKEN="$token" "$gatehouse" run --api-base "$api_base" --intents GUILDS \
  --compress none --env-file /nonexistent >"$work/run.out" 2>&1 &
bot=$!
for _ in $(seq 100); do
  grep -q "ready new_session" "$work/run.out" && break
  sleep 0.1
done
grep -q "ready new_session" "$work/run.out" || { echo "the bot never became ready"; cat "$work/run.out"; exit 1; }

# Back to back; the second may find the process already gone.
kill -INT "$bot"
kill -INT "$bot" 2>/dev/null || true
status=0
wait "$bot" || status=$?
echo "exit status: $status"
[[ "$status" -eq 0 ]] || { cat "$work/run.out"; exit 1; }
