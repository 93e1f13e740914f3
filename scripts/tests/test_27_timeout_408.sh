# A client that sends part of a request head and then nothing gets 408 after --timeout seconds; one that sends
# nothing at all is handed over by the kernel when the deferred accept ends (--defer-accept, 1 s) and closed
# silently --timeout later. Neither stops the server.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW" --quiet --timeout 1
# A head cut short, then silence: 408 once the timeout ends (seconds counted from the connect to the close).
first="$(hc exchange --port "$PORT" --send='GET /hello.txt HTTP/1.0\r\nHost: x' --summary)" || fail "exchange: $first"
assert_contains "$first" "first_line=HTTP/1.0 408 Request Timeout bytes="
took="${first##*seconds=}"
assert_between "$took" 0.9 4 "seconds until the 408"
# Nothing at all: closed silently, a second later (the deferral) than the 408.
second="$(hc exchange --port "$PORT" --summary)" || fail "exchange: $second"
assert_contains "$second" "first_line= bytes=0 " "bytes sent to a silent client"
took="${second##*seconds=}"
assert_between "$took" 0.9 4 "seconds until a silent client is closed"
curl -sf -o /dev/null "$BASE" || fail "server stopped serving"
