# Clients that reset in the middle of a response (SO_LINGER 0), clients that half-close before sending anything,
# and clients that send their request one byte at a time: the server answers the trickle in full, closes the
# half-closed ones at once without a reply, survives the resets, and ends with the descriptors it started with.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
trap 'stop_server; rm -rf "$site"' EXIT
cp "$WWW/index.html" "$site/"
head -c $((8 * 1024 * 1024)) /dev/urandom >"$site/big.bin"
start_server --root "$site" --access-log "$site/access.log" --timeout 3
before="$(server_fds)"
out="$(hc resets --port "$PORT" --path /big.bin --count 50 --read 100000)" || fail "resets: $out"
echo "$out"
out="$(hc half-close --port "$PORT" --count 50 --timeout 2)" || fail "half-close: $out"
echo "$out"
ms=$(sed -n 's/.*slowest_ms=\([0-9]*\).*/\1/p' <<<"$out")
[ "$ms" -lt 1000 ] || fail "a half-closed connection stayed open ${ms} ms (the server must not wait for its timeout)"
# 51 bytes, 20 ms apart: about 1 s, well within the 3 s head timeout, which covers the whole head.
out="$(hc trickle --port "$PORT" --path /index.html --expect "$site/index.html" --count 2 --pause 0.02)" ||
    fail "trickle: $out"
echo "$out"
# Slower than the timeout allows: 408, not a hang and not a held connection.
out="$(hc trickle --port "$PORT" --path /index.html --status 408 --pause 0.1)" || fail "slow trickle: $out"
echo "$out"
kill -0 "$SERVER_PID" || fail "server died"
out="$(hc fetch-loop --port "$PORT" --path /big.bin --expect "$site/big.bin" --count 5)" || fail "after: $out"
for _ in $(seq 1 40); do [ "$(server_fds)" = "$before" ] && break; sleep 0.1; done
assert_equal "$before" "$(server_fds)" "descriptors after resets, half-closes and trickles"
# One log line per request (50 resets, 3 trickles, 5 fetches), none for the half-closes; a reset transfer
# is logged with the bytes that really went out, never as the whole 8 MiB.
for _ in $(seq 1 40); do [ "$(wc -l <"$site/access.log")" -ge 58 ] && break; sleep 0.1; done
assert_equal 58 "$(wc -l <"$site/access.log" | tr -d ' ')" "access-log lines"
assert_equal 55 "$(grep -c '"GET /big.bin HTTP/1.0" 200 ' "$site/access.log")" "big.bin lines"
assert_equal 5 "$(grep -c '"GET /big.bin HTTP/1.0" 200 8388608 ' "$site/access.log")" "complete big.bin lines"
