# Out of descriptors (EMFILE): the server stops accepting without spinning a core, warns once, and
# accepts again once descriptors free up.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dir="$(mktemp -d)"
holder=""
# A hard limit of 32 descriptors: the server cannot raise its soft limit above it (prlimit execs the server,
# so SERVER_PID is the server's).
SERVE_PREFIX="prlimit --nofile=32:32" start_server --root "$WWW" --quiet --workers 1
# After start_server, whose own EXIT trap this replaces.
trap 'stop_job "$holder"; stop_server; rm -rf "$dir"' EXIT
hc hold-idle --port "$PORT" --connections 60 --ready "$dir/ready" --go "$dir/go" --seconds 30 &
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
