# Out of descriptors (EMFILE): the server stops accepting without spinning a core, warns once, and
# accepts again once descriptors free up.
source "$(dirname "$0")/../lib.sh"
dir="$(mktemp -d)"
holder=""
# A hard limit of 32 descriptors: the server cannot raise its soft limit above it (prlimit execs the server,
# so SERVER_PID is the server's).
SERVE_PREFIX="prlimit --nofile=32:32" start_server --root "$WWW" --quiet --workers 1
# After start_server, whose own EXIT trap this replaces.
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; stop_server; rm -rf "$dir"' EXIT
python3 - "$PORT" "$dir/ready" "$dir/go" <<'PY' &
import os, socket, sys, time
port, ready, go = int(sys.argv[1]), sys.argv[2], sys.argv[3]
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(60)]  # idle: never send
open(ready, "w").close()
deadline = time.monotonic() + 30  # never outlive a failed test
while not os.path.exists(go) and time.monotonic() < deadline:
    time.sleep(0.05)
for s in held:
    s.close()
PY
holder=$!
for _ in $(seq 1 100); do [ -e "$dir/ready" ] && break; sleep 0.05; done
[ -e "$dir/ready" ] || fail "could not open the idle connections"
sleep 0.5
ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
before="$(ticks)"
sleep 1
after="$(ticks)"
# Spinning on a ready listener would burn about 100 ticks a second; a paused one costs almost nothing.
[ $((after - before)) -le 15 ] || fail "the server used $((after - before)) ticks in 1 s at EMFILE: it spins"
assert_contains "$(cat "$SERVER_ERR")" "accept4: Too many open files"
assert_equal 1 "$(grep -c 'warning' "$SERVER_ERR")" "warnings printed"
touch "$dir/go"
wait "$holder"
holder=""
# Descriptors are free again: new requests are served.
out="$(curl -sf --max-time 5 "${BASE}hello.txt")" || fail "no answer after descriptors were freed"
assert_equal "$(cat "$WWW/hello.txt")" "$out"
