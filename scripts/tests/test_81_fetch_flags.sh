# http-fetch's curl flags against http-serve: -I, -i, -o, -O, -L, -w, -v, -H, -A, -d, -X, -u.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW"
tmp="$(mktemp -d)"
trap 'stop_server; rm -rf "$tmp"' EXIT

# -I: the head only, ending in the empty line; the same head curl sees.
"$HTTP_FETCH" -I "${BASE}hello.txt" >"$tmp/head" || fail "-I failed"
assert_equal "HTTP/1.0 200 OK" "$(head -n 1 "$tmp/head" | tr -d '\r')"
assert_contains "$(cat "$tmp/head")" "Content-Length: 69"
[ "$(tail -c 4 "$tmp/head" | od -An -c | tr -d ' ')" = '\r\n\r\n' ] || fail "-I output does not end with CRLF CRLF"
# -i: head then the exact body.
"$HTTP_FETCH" -i "${BASE}hello.txt" >"$tmp/full"
tail -c 69 "$tmp/full" | cmp -s - "$WWW/hello.txt" || fail "-i body differs"
# -o and -O write exact bytes.
"$HTTP_FETCH" -o "$tmp/logo" "${BASE}logo.png" && cmp -s "$tmp/logo" "$WWW/logo.png" || fail "-o differs"
(cd "$tmp" && "$HTTP_FETCH" -O "${BASE}logo.png") && cmp -s "$tmp/logo.png" "$WWW/logo.png" || fail "-O differs"
[ ! -e "$tmp/logo.part" ] || fail "FILE.part left after success"
# Without -L a 301 is the output; with -L the folder's index, and -w reports the redirect.
assert_equal "301" "$("$HTTP_FETCH" -s -o /dev/null -w '%{http_code}' "${BASE}docs")"
out="$("$HTTP_FETCH" -sL -o /dev/null -w '%{http_code} %{num_redirects} %{url_effective}' "${BASE}docs")"
assert_equal "200 1 ${BASE}docs/" "$out"
# -w size_download and time_total.
out="$("$HTTP_FETCH" -s -o /dev/null -w '%{size_download} %{time_total}\n' "${BASE}hello.txt")"
case "$out" in 69\ [0-9]*.[0-9][0-9][0-9][0-9][0-9][0-9]) ;; *) fail "unexpected -w output '$out'" ;; esac
# -v: request and response heads on stderr, body alone on stdout.
"$HTTP_FETCH" -v -H 'X-Test: yes' -A 'agent/1' "${BASE}hello.txt" >"$tmp/body" 2>"$tmp/verbose"
cmp -s "$tmp/body" "$WWW/hello.txt" || fail "-v changed stdout"
assert_contains "$(cat "$tmp/verbose")" "> GET /hello.txt HTTP/1.0"
assert_contains "$(cat "$tmp/verbose")" "> X-Test: yes"
assert_contains "$(cat "$tmp/verbose")" "> User-Agent: agent/1"
assert_contains "$(cat "$tmp/verbose")" "< HTTP/1.0 200 OK"
wait_for_log 'agent/1'
grep -q 'agent/1' "$SERVER_LOG" || fail "the server did not log the -A user agent"
# -H 'Accept:' removes the default field.
"$HTTP_FETCH" -v -H 'Accept:' "${BASE}hello.txt" 2>"$tmp/verbose" >/dev/null
grep -q '^> Accept' "$tmp/verbose" && fail "-H 'Accept:' did not remove Accept"
# -d POSTs (http-serve answers 501); -u sends basic auth; -X sets the method.
"$HTTP_FETCH" -v -d 'a=1' -u 'me:pw' "${BASE}hello.txt" 2>"$tmp/verbose" >/dev/null
assert_contains "$(cat "$tmp/verbose")" "> POST /hello.txt HTTP/1.0"
assert_contains "$(cat "$tmp/verbose")" "> Authorization: Basic bWU6cHc="
assert_contains "$(cat "$tmp/verbose")" "> Content-Length: 3"
assert_contains "$(cat "$tmp/verbose")" "< HTTP/1.0 501"
expect_exit 22 "$HTTP_FETCH" -sf -X DELETE "${BASE}hello.txt" >/dev/null
# -C - on a finished-looking file the server will not resume: exit 33, the file untouched.
printf 'Hello' >"$tmp/partial"
status=0
"$HTTP_FETCH" -s -C - -o "$tmp/partial" "${BASE}hello.txt" || status=$?
if [ "$status" -ne 0 ]; then
    assert_equal 33 "$status" "resume refused"
    assert_equal "Hello" "$(cat "$tmp/partial")" "a refused resume must not touch the file"
else
    cmp -s "$tmp/partial" "$WWW/hello.txt" || fail "resume produced a wrong file"
fi
# --help shows examples; --version prints a version.
assert_contains "$("$HTTP_FETCH" --help)" "Examples:"
"$HTTP_FETCH" --version | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+' || fail "--version"
# A FIFO as -o is written directly: no FIFO.part, the reader gets the exact bytes.
mkfifo "$tmp/fifo"
cat "$tmp/fifo" >"$tmp/from-fifo" &
reader=$!
"$HTTP_FETCH" -s -o "$tmp/fifo" "${BASE}logo.png" || fail "-o FIFO failed"
wait "$reader"
cmp -s "$tmp/from-fifo" "$WWW/logo.png" || fail "bytes through the FIFO differ"
[ ! -e "$tmp/fifo.part" ] || fail "a FIFO got a .part file"
# A proxy (http-serve accepts the absolute form): from http_proxy or -x; no_proxy and -x '' go direct.
proxy="${BASE%/}"
out="$(http_proxy="$proxy" "$HTTP_FETCH" -s -v http://origin.invalid/hello.txt 2>"$tmp/verbose")"
assert_equal "$(cat "$WWW/hello.txt")" "$out" "body through http_proxy"
assert_contains "$(cat "$tmp/verbose")" "> GET http://origin.invalid/hello.txt HTTP/1.0"
assert_contains "$(cat "$tmp/verbose")" "> Host: origin.invalid"
"$HTTP_FETCH" -s -x "$proxy" http://origin.invalid/hello.txt | cmp -s - "$WWW/hello.txt" || fail "-x differs"
# no_proxy: direct, so the name must resolve (6); -x '' disables http_proxy; HTTP_PROXY (upper case) is ignored.
no_proxy=origin.invalid http_proxy="$proxy" expect_exit 6 "$HTTP_FETCH" -s http://origin.invalid/hello.txt >/dev/null
http_proxy="$proxy" expect_exit 6 "$HTTP_FETCH" -s -x '' http://origin.invalid/hello.txt >/dev/null
HTTP_PROXY="$proxy" expect_exit 6 "$HTTP_FETCH" -s http://origin.invalid/hello.txt >/dev/null
