# http-fetch exits with curl's numbers: 0, 1, 3, 6, 7, 22, 23, and -o never leaves FILE after a failure.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW" --quiet
tmp="$(mktemp -d)"
trap 'stop_server; rm -rf "$tmp"' EXIT

run() {  # expected-status args...: runs http-fetch, checks its status, keeps stdout in $tmp/out, stderr in $tmp/err
    local expected="$1"
    shift
    local status=0
    "$HTTP_FETCH" "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
    assert_equal "$expected" "$status" "exit status of http-fetch $*"
}

# 404 without -f: the error page is the output, exit 0 (curl's default).
run 0 "${BASE}missing"
assert_contains "$(cat "$tmp/out")" "404"
# 404 with -f: nothing written, exit 22, curl's message.
run 22 -f "${BASE}missing"
assert_equal 0 "$(wc -c <"$tmp/out")" "-f writes no body"
assert_contains "$(cat "$tmp/err")" "The requested URL returned error: 404"
# -f -o: no FILE and no FILE.part.
run 22 -f -o "$tmp/page" "${BASE}missing"
[ ! -e "$tmp/page" ] && [ ! -e "$tmp/page.part" ] || fail "-f -o left a file behind"
# -s hides the message, -sS shows it.
run 22 -sf "${BASE}missing"
assert_equal "" "$(cat "$tmp/err")" "-s is silent"
run 22 -sSf "${BASE}missing"
assert_contains "$(cat "$tmp/err")" "(22)"
# Schemes and malformed URLs.
run 1 "ftp://127.0.0.1:$PORT/"
assert_contains "$(cat "$tmp/err")" "unsupported protocol 'ftp'"
run 35 "https://127.0.0.1:$PORT/"  # a plain HTTP server: the TLS handshake fails
run 3 "http://127.0.0.1:99999/"
run 3 "http://[::1/"
# A name that does not resolve.
run 6 "http://no-such-host.invalid/"
# Connection refused: a port nobody listens on (the server's, once stopped), and -o leaves no file.
stop_server
run 7 -o "$tmp/refused" "http://127.0.0.1:$PORT/"
[ ! -e "$tmp/refused" ] && [ ! -e "$tmp/refused.part" ] || fail "a refused fetch left a file behind"
# A directory as output: exit 23.
run 23 -o "$tmp" "http://127.0.0.1:$PORT/"
# The write-out still prints after a failure, with http_code 000.
run 7 -s -w '%{http_code} %{exitcode}' "http://127.0.0.1:$PORT/"
assert_equal "000 7" "$(cat "$tmp/out")"
