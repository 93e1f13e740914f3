# SIGTERM and SIGINT stop the server cleanly with exit status 0.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
for signal in TERM INT; do
    start_server --root "$WWW"
    curl -sf -o /dev/null "$BASE" || fail "server not serving"
    kill -"$signal" "$SERVER_PID"
    status=0
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.05; done
    wait "$SERVER_PID" || status=$?
    assert_equal 0 "$status" "exit status after SIG$signal"
    SERVER_PID=""
done
