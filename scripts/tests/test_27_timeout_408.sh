# A client that sends part of a request head and then nothing gets 408 after --timeout seconds; one that sends
# nothing at all is closed silently after the same time. Neither stops the server.
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW" --quiet --timeout 1
result="$(python3 - "$PORT" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
def talk(data):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    start = time.monotonic()
    if data:
        s.sendall(data)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    return out, time.monotonic() - start
reply, took = talk(b"GET /hello.txt HTTP/1.0\r\nHost: x")
print(reply.split(b"\r\n")[0].decode(), "%.1f" % took, sep="|")
reply, took = talk(b"")
print(len(reply), "%.1f" % took, sep="|")
PY
)"
first="$(printf '%s\n' "$result" | sed -n 1p)"
second="$(printf '%s\n' "$result" | sed -n 2p)"
assert_equal "HTTP/1.0 408 Request Timeout" "${first%%|*}"
took="${first#*|}"
awk -v t="$took" 'BEGIN { exit !(t >= 0.9 && t < 4) }' || fail "408 after $took s, expected about 1 s"
assert_equal 0 "${second%%|*}" "bytes sent to a silent client"
took="${second#*|}"
awk -v t="$took" 'BEGIN { exit !(t >= 0.9 && t < 4) }' || fail "silent client closed after $took s"
curl -sf -o /dev/null "$BASE" || fail "server stopped serving"
