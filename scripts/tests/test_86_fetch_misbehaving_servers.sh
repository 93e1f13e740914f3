# http-fetch against throwaway servers that misbehave on purpose: short body (18), nothing (52), silence (28),
# no status line (56 unless --http0.9), chunked, a redirect loop (47), a redirect to https (1).
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
canned_pid=""
trap '[ -n "$canned_pid" ] && kill "$canned_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# canned REPLY: serves REPLY (Python escapes) to every connection after reading the request head; "SILENT"
# never answers. Sets CANNED to the base URL.
canned() {
    [ -n "$canned_pid" ] && kill "$canned_pid" 2>/dev/null && wait "$canned_pid" 2>/dev/null
    # Remove the old port first: the background job truncates the file only once it has started.
    rm -f "$tmp/port"
    python3 - "$1" >"$tmp/port" <<'PY' &
import socket, sys, threading, time
reply = sys.argv[1].encode("latin-1").decode("unicode_escape").encode("latin-1")
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print(listener.getsockname()[1], flush=True)
def serve(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    if reply == b"SILENT":
        time.sleep(30)
    else:
        conn.sendall(reply)
    conn.close()
deadline = time.time() + 60
while time.time() < deadline:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
PY
    canned_pid=$!
    for _ in $(seq 1 100); do [ -s "$tmp/port" ] && break; sleep 0.05; done
    CANNED="http://127.0.0.1:$(head -n 1 "$tmp/port")"
}

expect_status() {  # expected args...
    local expected="$1"
    shift
    "$HTTP_FETCH" "$@" >"$tmp/out" 2>"$tmp/err"
    assert_equal "$expected" "$?" "http-fetch $*: $(cat "$tmp/err")"
}

canned 'HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc'
expect_status 18 "$CANNED/"
assert_contains "$(cat "$tmp/err")" "transfer closed with 7 bytes remaining to read"
expect_status 18 -o "$tmp/short" "$CANNED/"
[ ! -e "$tmp/short" ] || fail "a short body produced FILE"
assert_equal "abc" "$(cat "$tmp/short.part")" "the .part keeps what arrived"

canned ''
expect_status 52 "$CANNED/"

canned 'SILENT'
start=$(date +%s%N)
expect_status 28 -m 1 "$CANNED/"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$elapsed_ms" -lt 5000 ] || fail "-m 1 took ${elapsed_ms} ms"

canned 'just bytes, no status line'
expect_status 56 "$CANNED/"
assert_contains "$(cat "$tmp/err")" "HTTP/0.9"
expect_status 0 --http0.9 "$CANNED/"
assert_equal "just bytes, no status line" "$(cat "$tmp/out")"

canned 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nchunky\r\n5\r\n body\r\n0\r\n\r\n'
expect_status 0 "$CANNED/"
assert_equal "chunky body" "$(cat "$tmp/out")"

canned 'HTTP/1.0 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n'
expect_status 47 -L --max-redirs 5 "$CANNED/"
assert_contains "$(cat "$tmp/err")" "Maximum (5) redirects followed"
expect_status 0 "$CANNED/"

canned 'HTTP/1.0 301 Moved\r\nLocation: https://127.0.0.1/\r\nContent-Length: 0\r\n\r\n'
expect_status 1 -L "$CANNED/"
assert_contains "$(cat "$tmp/err")" "https://127.0.0.1/"

canned 'HTTP/1.0 503 Busy\r\nContent-Length: 0\r\n\r\n'
expect_status 22 -f --retry 2 --retry-delay 0.1 "$CANNED/"
assert_equal 2 "$(grep -c 'Will retry' "$tmp/err")" "two retry warnings"
