# A server that aborts the response once the client half-closes (nginx's habit, issue 9), against the built
# http-fetch: the body is resumed with Range + If-Range even on standard output, silently without -v; a server
# that then ignores the range gets the whole body fetched again into -o FILE, and exit 18 on standard output,
# where the bytes already written are only ever a prefix of the file, never a mixed body.
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
head -c 3000000 /dev/urandom >"$tmp/file.bin"

# /ranges honours Range with If-Range "v1"; /noranges always sends the whole file. Either sends only the head
# and the first 100000 body bytes when the client half-closed, then closes.
python3 - "$tmp/file.bin" "$tmp/port" <<'PY' &
import socket, socketserver, sys
data = open(sys.argv[1], "rb").read()

class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = s.recv(4096)
            if not chunk:
                return
            request += chunk
        lines = request.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
        path = lines[0].split(" ")[1]
        fields = {l.split(":", 1)[0].lower(): l.split(":", 1)[1].strip() for l in lines[1:] if ":" in l}
        s.settimeout(0.3)
        try:
            half_closed = s.recv(1) == b""
        except socket.timeout:
            half_closed = False
        s.settimeout(10)
        start = 0
        if path == "/ranges" and fields.get("range", "").startswith("bytes=") and fields.get("if-range") == '"v1"':
            start = int(fields["range"][6:].rstrip("-"))
        if start:
            head = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %d-%d/%d\r\n" % (start, len(data) - 1, len(data))
        else:
            head = "HTTP/1.1 200 OK\r\n"
        head += 'Content-Length: %d\r\nETag: "v1"\r\nConnection: close\r\n\r\n' % (len(data) - start)
        body = data[start:]
        s.sendall(head.encode() + (body[:100000] if half_closed else body))

socketserver.TCPServer.allow_reuse_address = True
server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
open(sys.argv[2] + ".tmp", "w").write(str(server.server_address[1]))
import os
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
PY
server_pid=$!
for _ in $(seq 1 200); do
    [ -s "$tmp/port" ] && break
    sleep 0.05
done
base="http://127.0.0.1:$(cat "$tmp/port")"

# Standard output, ranges honoured: the whole file, exit 0, and not a word on stderr.
"$HTTP_FETCH" -s "$base/ranges" >"$tmp/out" 2>"$tmp/err" || fail "stdout resume failed: $(cat "$tmp/err")"
assert_equal_files "$tmp/file.bin" "$tmp/out"
assert_equal "" "$(cat "$tmp/err")" "stderr without -v"
"$HTTP_FETCH" "$base/ranges" >"$tmp/out" 2>"$tmp/err" || fail "stdout resume failed: $(cat "$tmp/err")"
assert_equal "" "$(cat "$tmp/err")" "stderr without -s and -v"

# -v says what happened, and shows the Range request.
"$HTTP_FETCH" -v -o "$tmp/out" "$base/ranges" 2>"$tmp/err" || fail "resume to a file failed: $(cat "$tmp/err")"
assert_equal_files "$tmp/file.bin" "$tmp/out"
assert_contains "$(cat "$tmp/err")" "* transfer closed with 2900000 bytes remaining to read on a half-closed connection"
assert_contains "$(cat "$tmp/err")" "> Range: bytes=100000-"
assert_contains "$(cat "$tmp/err")" '> If-Range: "v1"'
assert_contains "$(cat "$tmp/err")" "* appended the matching 206"

# Ranges ignored: -o FILE gets the whole file again; FILE.part never holds a mixed body.
"$HTTP_FETCH" -s -v -o "$tmp/out2" "$base/noranges" 2>"$tmp/err" || fail "refetch failed: $(cat "$tmp/err")"
assert_equal_files "$tmp/file.bin" "$tmp/out2"
assert_contains "$(cat "$tmp/err")" "* fetching the whole body again"
[ ! -e "$tmp/out2.part" ] || fail "out2.part left behind"

# Ranges ignored, standard output: what was written cannot be taken back, so exit 18 with a clean prefix.
"$HTTP_FETCH" -s "$base/noranges" >"$tmp/out3" 2>"$tmp/err"
assert_equal 18 "$?" "stdout without a matching 206"
assert_equal 100000 "$(wc -c <"$tmp/out3")" "bytes on stdout"
cmp -s "$tmp/out3" <(head -c 100000 "$tmp/file.bin") || fail "stdout is not a prefix of the file"

# --no-half-close: the server sends it all at once, one request.
"$HTTP_FETCH" -s --no-half-close "$base/noranges" >"$tmp/out4" || fail "--no-half-close failed"
assert_equal_files "$tmp/file.bin" "$tmp/out4"
