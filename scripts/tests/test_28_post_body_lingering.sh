# A POST with a body gets the whole 501 (with Allow), never a reset: the server closes lingeringly. Two clients:
# one that sends 1 MiB before reading, and one that reads only after the server has answered and would have
# closed (an abortive close then discards the reply in the client's kernel).
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW" --quiet
python3 - "$PORT" <<'PY' || fail "501 not received intact"
import socket, sys, time
port = int(sys.argv[1])
def post(body, pause):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /upload HTTP/1.0\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n" % len(body))
    s.sendall(body)
    time.sleep(pause)
    out = b""
    while True:
        chunk = s.recv(65536)  # a reset raises ConnectionResetError here
        if not chunk:
            break
        out += chunk
    s.close()
    head, _, page = out.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.0 501 Not Implemented", lines[0]
    assert b"Allow: GET, HEAD" in lines, lines
    assert b"Content-Length: %d" % len(page) in lines, (lines, len(page))
    assert page.endswith(b"</html>\n"), page[-40:]
post(b"x" * (1 << 20), 0)
post(b"y" * 50000, 0.5)
PY
