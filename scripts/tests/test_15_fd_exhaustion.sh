# Out of descriptors under a hard limit of 128 (prlimit): 150 idle connections take every descriptor. The server
# does not spin, answers the connections it holds honestly (200, or 503 with Retry-After when it cannot open the
# file: never a 404 for a file that exists), and once the idle clients go it accepts again and serves the
# requests that waited in the backlog.
source "$(dirname "$0")/../lib.sh"
dir="$(mktemp -d)"
trap 'stop_server; rm -rf "$dir"' EXIT
SERVE_PREFIX="prlimit --nofile=128:128" start_server --root "$WWW" --quiet --timeout 30
python3 - "$PORT" "$SERVER_PID" "$WWW/logo.png" <<'PY' || fail "descriptor exhaustion"
import os, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
fds = lambda: len(os.listdir(f"/proc/{pid}/fd"))
ticks = lambda: sum(int(x) for x in open(f"/proc/{pid}/stat").read().split()[13:15])
idle = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(150)]
time.sleep(0.5)
print("server descriptors with 150 idle clients:", fds())
assert fds() >= 120, "the idle clients never exhausted the descriptors"
# Requests that wait in the backlog while the server cannot accept.
waiting = []
for _ in range(5):
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(b"GET /logo.png HTTP/1.0\r\n\r\n")
    waiting.append(s)
before = ticks()
time.sleep(1)
spent = ticks() - before
print("CPU ticks in 1 s at EMFILE:", spent)
assert spent <= 20, f"the server spins at EMFILE ({spent} ticks in 1 s)"
# A connection the server holds asks for a file: a true answer, 200 or 503, never 404.
held = idle.pop(0)
held.sendall(b"GET /logo.png HTTP/1.0\r\n\r\n")
reply = b""
while chunk := held.recv(65536):
    reply += chunk
status = reply.split(b" ", 2)[1]
print("held connection answered", status.decode())
assert status in (b"200", b"503"), reply[:200]
if status == b"503":
    assert b"\r\nRetry-After: 1\r\n" in reply, reply[:300]
# The idle clients go: the server accepts again and serves every request that waited.
for s in idle:
    s.close()
logo = open(sys.argv[3], "rb").read()
for s in waiting:
    reply = b""
    while chunk := s.recv(65536):
        reply += chunk
    assert reply.startswith(b"HTTP/1.0 200 OK\r\n") and reply.endswith(logo), reply[:100]
print("all 5 waiting requests served after descriptors freed up")
PY
assert_contains "$(cat "$SERVER_ERR")" "Too many open files"
out="$(curl -sf --max-time 5 "${BASE}hello.txt")" || fail "no answer afterwards"
assert_equal "$(cat "$WWW/hello.txt")" "$out"
