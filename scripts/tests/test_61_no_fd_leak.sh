# 10,000 requests of every kind (files, errors, HEAD, HTTP/0.9, garbage, half-close, resets mid-body,
# clients that connect and leave) leave the server with exactly the descriptors it started with.
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
cp "$WWW/index.html" "$site/"
head -c $((1024 * 1024)) /dev/urandom >"$site/big.bin"
start_server --root "$site" --quiet --timeout 2
# After start_server, whose own EXIT trap this replaces.
trap 'stop_server; rm -rf "$site"' EXIT
count_fds() { ls "/proc/$SERVER_PID/fd" | wc -l; }
before="$(count_fds)"
python3 - "$PORT" <<'PY' || fail "client errors"
import socket, struct, sys
port = int(sys.argv[1])
kinds = [
    b"GET /index.html HTTP/1.0\r\n\r\n", b"GET /missing HTTP/1.0\r\n\r\n", b"HEAD /big.bin HTTP/1.0\r\n\r\n",
    b"GET /index.html\r\n", b"garbage\r\n\r\n", "half-close", "reset", "leave",
]
errors = 0
for i in range(10000):
    kind = kinds[i % len(kinds)]
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        if kind == "leave":
            pass
        elif kind == "reset":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n")
            s.recv(1000)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            s.sendall(b"GET /big.bin HTTP/1.0\r\n\r\n" if kind == "half-close" else kind)
            if kind == "half-close":
                s.shutdown(socket.SHUT_WR)
            total = 0
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                total += len(chunk)
            if total == 0 and kind != b"GET /index.html\r\n":
                errors += 1
    except OSError as error:
        errors += 1
        print("request", i, kind, error, file=sys.stderr)
    finally:
        s.close()
sys.exit(1 if errors else 0)
PY
# Lingering closes and idle connections finish within the 2 s timeout.
after=""
for _ in $(seq 1 40); do
    after="$(count_fds)"
    [ "$after" = "$before" ] && break
    sleep 0.1
done
assert_equal "$before" "$after" "open descriptors before and after 10,000 requests"
kill -0 "$SERVER_PID" || fail "server died"
