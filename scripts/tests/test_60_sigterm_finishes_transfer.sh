# SIGTERM during a large transfer: the server stops accepting, lets the download finish, then exits 0.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$site/big.bin"
start_server --root "$site"
# After start_server, whose own EXIT trap this replaces.
trap 'stop_server; rm -rf "$site"' EXIT
# A reader paced at 10 MiB/s, so the download takes 2 s.
hc paced-download --port "$PORT" --path /big.bin --out "$site/out.bin" --started "$site/started" \
    --rate $((10 * 1024 * 1024)) &
download=$!
for _ in $(seq 1 200); do [ -e "$site/started" ] && break; sleep 0.05; done
[ -e "$site/started" ] || fail "the download did not start"
kill -TERM "$SERVER_PID"
sleep 0.2
# Stopped means no longer accepting, even while the transfer goes on.
if curl -s -o /dev/null --max-time 2 "${BASE}big.bin"; then fail "a new connection was served after SIGTERM"; fi
kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited before the transfer finished"
wait "$download" || fail "the download failed"
assert_equal_files "$site/big.bin" "$site/out.bin"
# The access log agrees: the whole body went out, none of it was cut by the shutdown.
wait_for_log '"GET /big.bin HTTP/1.0" 200 '
assert_contains "$(cat "$SERVER_LOG")" '"GET /big.bin HTTP/1.0" 200 20971520 '
assert_equal 1 "$(grep -c 'GET /big.bin' "$SERVER_LOG")" "requests served (none after SIGTERM)"
status=0
wait "$SERVER_PID" || status=$?
assert_equal 0 "$status" "exit status after SIGTERM"
SERVER_PID=""
