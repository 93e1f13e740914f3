# Out of descriptors under a hard limit of 128 (prlimit): 150 idle connections take every descriptor. The server
# does not spin, answers the connections it holds honestly (200, or 503 with Retry-After when it cannot open the
# file: never a 404 for a file that exists), and once the idle clients go it accepts again and serves the
# requests that waited in the backlog.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dir="$(mktemp -d)"
trap 'stop_server; rm -rf "$dir"' EXIT
SERVE_PREFIX="prlimit --nofile=128:128" start_server --root "$WWW" --quiet --timeout 30
out="$(hc fd-exhaustion --port "$PORT" --pid "$SERVER_PID" --path /logo.png --expect "$WWW/logo.png" --idle 150 \
    --waiting 5 --min-fds 120)" || fail "descriptor exhaustion: $out"
echo "$out"
assert_contains "$(cat "$SERVER_ERR")" "Too many open files"
out="$(curl -sf --max-time 5 "${BASE}hello.txt")" || fail "no answer afterwards"
assert_equal "$(cat "$WWW/hello.txt")" "$out"
