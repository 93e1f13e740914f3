# Requests succeed while the server receives a storm of SIGHUP, a signal it handles
# (a handled signal interrupts blocking calls with EINTR; an ignored one proves nothing).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW" --quiet
( for _ in $(seq 1 2000); do kill -HUP "$SERVER_PID" 2>/dev/null || exit 0; done ) &
storm=$!
out="$(mktemp)"
for i in $(seq 1 200); do
    curl -sf -o "$out" "${BASE}logo.png" || fail "request $i failed during the signal storm"
    cmp -s "$out" "$WWW/logo.png" || fail "request $i returned wrong bytes"
done
wait "$storm" || true
kill -0 "$SERVER_PID" || fail "server died"
