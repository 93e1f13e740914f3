# SIGTERM during a large transfer: the server stops accepting, lets the download finish, then exits 0.
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
head -c $((20 * 1024 * 1024)) /dev/urandom >"$site/big.bin"
start_server --root "$site"
# After start_server, whose own EXIT trap this replaces.
trap 'stop_server; rm -rf "$site"' EXIT
# A reader with a small receive buffer, paced at 10 MiB/s so it takes 2 s (loopback buffers can grow to tens of MiB,
# which would let the server hand the whole file to the kernel before the signal).
python3 - "$PORT" "$site/out.bin" "$site/started" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
data = bytearray()
start = time.monotonic()
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    if not data:
        open(sys.argv[3], "w").close()  # The response has started.
    data += chunk
    ahead = len(data) / (10 * 1024 * 1024) - (time.monotonic() - start)
    if ahead > 0:
        time.sleep(ahead)
open(sys.argv[2], "wb").write(data.split(b"\r\n\r\n", 1)[1])
PY
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
assert_contains "$(cat "$SERVER_LOG")" '"GET /big.bin HTTP/1.0" 200 20971520 '
assert_equal 1 "$(grep -c 'GET /big.bin' "$SERVER_LOG")" "requests served (none after SIGTERM)"
status=0
wait "$SERVER_PID" || status=$?
assert_equal 0 "$status" "exit status after SIGTERM"
SERVER_PID=""
