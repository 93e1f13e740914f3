# https (issue 15): with --tls-cert/--tls-key, http-serve answers every request exactly as over plain TCP (byte for
# byte against a plain server on the same folder, Date aside: GET, HEAD, ranges, gzip, 304, 404, 501, listings,
# HTTP/0.9), with curl and http-fetch as clients; a plain HTTP request on the TLS port gets a plain-text 400; a
# handshake that never completes is closed at the head timeout, and a flood of them does not stop service;
# SIGHUP reloads the certificate (a failed reload keeps the old one); start-up errors are one line with exit 1,
# flag errors exit 64. The access log ends each line with the TLS version.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
for tool in openssl curl; do
    command -v "$tool" >/dev/null || { echo "skipped: no $tool"; exit 77; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ca="$tmp/ca"
"$REPO_ROOT/scripts/make-test-ca" "$ca"
site="$tmp/site"
cp -r "$WWW" "$site"
head -c 20000000 /dev/urandom >"$site/big.bin"
mkdir "$site/listed"
echo "one" >"$site/listed/a.txt"
chmod -R a+rX "$site"
cp "$ca/server.pem" "$tmp/cert.pem"
cp "$ca/server.key" "$tmp/key.pem"

# The plain server the TLS one is compared with.
start_server --root "$site" --workers 1 --quiet
plain="$PORT"
plain_pid="$SERVER_PID"
SERVER_PID=""
add_exit_trap "stop_job $plain_pid"

# start_tls_server FLAGS...: start_server, and TLS_URL for its port.
start_tls_server() {
    start_server "$@"
    TLS_URL="https://localhost:$PORT"
}
start_tls_server --root "$site" --workers 1 --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
assert_equal "listening on https://127.0.0.1:$PORT/" "$(head -n 1 "$SERVER_LOG")"
tls_curl() { curl -s --http1.0 --cacert "$ca/ca.pem" "$@"; }

# same_answer PATH [curl flags...]: the head (without Date) and body over TLS equal those over plain TCP.
same_answer() {
    local path="$1"
    shift
    curl -s --http1.0 -D "$tmp/plain.head" -o "$tmp/plain.body" "$@" "http://127.0.0.1:$plain$path"
    tls_curl -D "$tmp/tls.head" -o "$tmp/tls.body" "$@" "$TLS_URL$path"
    sed -i '/^Date: /d' "$tmp/plain.head" "$tmp/tls.head"
    # With -I curl writes the head to -o too, and the two requests may straddle a second.
    case " $* " in *" -I "*) sed -i '/^Date: /d' "$tmp/plain.body" "$tmp/tls.body" ;; esac
    assert_equal_files "$tmp/plain.head" "$tmp/tls.head"
    assert_equal_files "$tmp/plain.body" "$tmp/tls.body"
}
for file in index.html hello.txt app.js style.css logo.png big.bin; do
    same_answer "/$file"
    cmp "$site/$file" "$tmp/tls.body" || fail "GET /$file over TLS differs from the file"
done
same_answer /index.html -I
same_answer /index.html -H "Range: bytes=10-99"
same_answer /big.bin -H "Range: bytes=1000000-5999999"
same_answer /big.bin -H "Range: bytes=-100"
same_answer /index.html -H "Range: bytes=999999-"
same_answer /app.js -H "Accept-Encoding: gzip"
same_answer /app.js --compressed
same_answer /app.js
etag="$(sed -n 's/^ETag: //p' "$tmp/tls.head" | tr -d '\r')"
same_answer /app.js -H "If-None-Match: $etag"
assert_contains "$(head -n 1 "$tmp/tls.head")" "304"
same_answer /no-such-file
same_answer /listed/
same_answer /docs
same_answer /index.html -X POST
same_answer /../ --path-as-is

# http-fetch gets the same bytes.
"$HTTP_FETCH" -s --cacert "$ca/ca.pem" -o "$tmp/fetched" "$TLS_URL/big.bin"
cmp "$site/big.bin" "$tmp/fetched" || fail "http-fetch over TLS: big.bin differs"
assert_equal "$(cat "$site/hello.txt")" "$("$HTTP_FETCH" -s --cacert "$ca/ca.pem" "$TLS_URL/hello.txt")"
# A slow reader: every partial send of records resumes where it stopped.
curl -s --cacert "$ca/ca.pem" --limit-rate 2M -r 0-3999999 -o "$tmp/slow" "$TLS_URL/big.bin"
head -c 4000000 "$site/big.bin" | cmp - "$tmp/slow" || fail "a rate-limited download over TLS differs"

# HTTP/0.9 inside TLS: the body alone, as over plain TCP.
printf 'GET /hello.txt\r\n' | openssl s_client -quiet -connect "127.0.0.1:$PORT" -CAfile "$ca/ca.pem" \
    2>/dev/null >"$tmp/simple"
cmp "$site/hello.txt" "$tmp/simple" || fail "HTTP/0.9 over TLS differs"

# Resumption: one TLS 1.3 session ticket per connection (SSL_CTX_set_num_tickets 1, README "TLS"), and a
# connection that offers it is resumed ("Reused") and answered, and hands out a fresh ticket for the next one.
tls_client() {  # SESSION-FLAG FILE OUTPUT: one HTTP/1.0 GET of /hello.txt through openssl s_client -msg
    printf 'GET /hello.txt HTTP/1.0\r\n\r\n' | openssl s_client -connect "127.0.0.1:$PORT" -servername localhost \
        -CAfile "$ca/ca.pem" -tls1_3 -msg -ign_eof "$1" "$2" >"$3" 2>&1
}
tls_client -sess_out "$tmp/session" "$tmp/full"
assert_contains "$(cat "$tmp/full")" "New, TLSv1.3"
assert_equal 1 "$(grep -c 'NewSessionTicket' "$tmp/full")" "session tickets after a full handshake"
tls_client -sess_in "$tmp/session" "$tmp/resumed"
assert_contains "$(cat "$tmp/resumed")" "Reused, TLSv1.3"
assert_contains "$(cat "$tmp/resumed")" "HTTP/1.0 200 OK"
assert_equal 1 "$(grep -c 'NewSessionTicket' "$tmp/resumed")" "session tickets after a resumed handshake"

# The access log: Combined Log Format, then the TLS version.
for _ in $(seq 1 50); do grep -q '"GET /hello.txt" 200' "$SERVER_LOG" && break; sleep 0.05; done
assert_contains "$(cat "$SERVER_LOG")" "\"GET /hello.txt\" 200 $(wc -c <"$site/hello.txt") \"-\" \"-\" TLSv1.3"
tls_curl --tls-max 1.2 -o /dev/null "$TLS_URL/hello.txt"
for _ in $(seq 1 50); do grep -q 'TLSv1.2$' "$SERVER_LOG" && break; sleep 0.05; done
assert_contains "$(tail -n 1 "$SERVER_LOG")" "\"GET /hello.txt HTTP/1.0\" 200 $(wc -c <"$site/hello.txt") \"-\" \"curl/"
assert_contains "$(tail -n 1 "$SERVER_LOG")" "\" TLSv1.2"

# Plain HTTP on the TLS port: a plain-text 400 saying to use https, unencrypted, then the close.
raw_reply 'GET /hello.txt HTTP/1.0\r\nHost: localhost\r\n\r\n'
expected_body="400 Bad Request: this port speaks HTTPS. Use https:// instead of http:// in the URL."
assert_equal "HTTP/1.0 400 Bad Request
Server: http-serve/$("$HTTP_SERVE" --version)
Connection: close
Content-Type: text/plain; charset=utf-8
Content-Length: $((${#expected_body} + 1))

$expected_body" "$(printf '%s' "$REPLY" | tr -d '\r' | sed '/^Date: /d')"
for _ in $(seq 1 50); do grep -q '" 400 85 "-" "-" -$' "$SERVER_LOG" && break; sleep 0.05; done
assert_contains "$(tail -n 1 "$SERVER_LOG")" "\"GET /hello.txt HTTP/1.0\" 400 85 \"-\" \"-\" -"
assert_equal 400 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")"

# SIGHUP reloads the pair: a new connection gets the new certificate (for example.invalid only).
cp "$ca/wrongname.pem" "$tmp/cert.pem"
cp "$ca/wrongname.key" "$tmp/key.pem"
kill -HUP "$SERVER_PID"
renamed="https://example.invalid:$PORT/hello.txt"
code=1
for _ in $(seq 1 100); do
    code=0
    tls_curl -o /dev/null --resolve "example.invalid:$PORT:127.0.0.1" "$renamed" || code=$?
    [ "$code" -eq 0 ] && break
    sleep 0.05
done
assert_equal 0 "$code" "curl to example.invalid after the reload"
expect_exit 60 tls_curl -o /dev/null "$TLS_URL/hello.txt"
# A failed reload keeps the old pair and says why.
echo "not a key" >"$tmp/key.pem"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 100); do grep -q "cannot reload" "$SERVER_ERR" && break; sleep 0.05; done
assert_contains "$(cat "$SERVER_ERR")" \
    "http-serve: warning: cannot reload the TLS certificate, keeping the old one: --tls-key '$tmp/key.pem': no usable PEM private key"
tls_curl -o /dev/null --resolve "example.invalid:$PORT:127.0.0.1" "$renamed" || fail "old pair lost after a failed reload"
stop_server
cp "$ca/server.pem" "$tmp/cert.pem"
cp "$ca/server.key" "$tmp/key.pem"

# A handshake that never completes is closed at the head timeout (2 s here), however it trickles; a flood of
# them does not stop service meanwhile.
start_tls_server --root "$site" --timeout 2 --quiet --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
hc tls-stall --port "$PORT" --connections 200 --seconds 6 >"$tmp/stall" &
stall_pid=$!
sleep 0.8
for _ in 1 2 3; do
    assert_equal "$(cat "$site/hello.txt")" "$(tls_curl --max-time 2 "$TLS_URL/hello.txt")" "served during the stall"
done
wait "$stall_pid"
read -r connections closed first last < <(sed 's/[a-z_]*=//g' "$tmp/stall")
assert_equal 200 "$connections" "stalled connections opened"
assert_equal 200 "$closed" "stalled connections closed by the server"
assert_between "$first" 1.8 3.5 "first close of a stalled handshake (s)"
assert_between "$last" 1.8 3.5 "last close of a stalled handshake (s)"
stop_server

# --tls-min 1.3: a TLS 1.2-only client fails the handshake (curl 35).
start_tls_server --root "$site" --quiet --tls-min 1.3 --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
expect_exit 35 tls_curl -o /dev/null --tls-max 1.2 "$TLS_URL/hello.txt"
assert_equal "$(cat "$site/hello.txt")" "$(tls_curl "$TLS_URL/hello.txt")"
stop_server

# Basic authentication over TLS: no "passwords travel in clear" warning on a non-loopback address, and the
# access line has the user and the TLS version.
start_tls_server --root "$site" --host 0.0.0.0 --auth 'alice:secret' --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
assert_equal "" "$(cat "$SERVER_ERR")" "stderr of --auth over TLS on 0.0.0.0"
assert_equal 401 "$(tls_curl -o /dev/null -w '%{http_code}' "$TLS_URL/hello.txt")"
assert_equal "$(cat "$site/hello.txt")" "$(tls_curl -u alice:secret "$TLS_URL/hello.txt")"
for _ in $(seq 1 50); do [ "$(wc -l <"$SERVER_LOG")" -ge 3 ] && break; sleep 0.05; done
assert_contains "$(tail -n 1 "$SERVER_LOG")" "127.0.0.1 - alice ["
assert_contains "$(tail -n 1 "$SERVER_LOG")" "\" 200 $(wc -c <"$site/hello.txt") \"-\" \"curl/"
assert_contains "$(tail -n 1 "$SERVER_LOG")" "\" TLSv1.3"
stop_server

# An expired certificate is a warning at start, not an error; clients refuse it.
start_tls_server --root "$site" --quiet --tls-cert "$ca/expired.pem" --tls-key "$ca/expired.key"
assert_equal "http-serve: warning: --tls-cert '$ca/expired.pem' has expired; clients will refuse it" "$(cat "$SERVER_ERR")"
expect_exit 60 tls_curl -o /dev/null "$TLS_URL/hello.txt"
stop_server

# start_error CODE EXPECTED-FIRST-LINE FLAGS...: http-serve refuses to start with CODE and this first line.
start_error() {
    local want="$1" expected="$2" code=0 err
    shift 2
    err="$("$HTTP_SERVE" --port 0 --root "$site" "$@" 2>&1 >/dev/null)" || code=$?
    assert_equal "$want" "$code" "exit status for $*"
    assert_equal "$expected" "$(printf '%s\n' "$err" | head -n 1)" "message for $*"
}
start_error 64 "Error: --tls-cert and --tls-key go together" --tls-cert "$tmp/cert.pem"
start_error 64 "Error: --tls-cert and --tls-key go together" --tls-key "$tmp/key.pem"
start_error 64 "Error: --tls-min must be 1.2 or 1.3, got 1.1" --tls-min 1.1 --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
start_error 1 "http-serve: error: cannot read --tls-cert '$tmp/missing.pem': open: No such file or directory (errno 2)" \
    --tls-cert "$tmp/missing.pem" --tls-key "$tmp/key.pem"
start_error 1 "http-serve: error: cannot read --tls-key '$tmp/missing.key': open: No such file or directory (errno 2)" \
    --tls-cert "$tmp/cert.pem" --tls-key "$tmp/missing.key"
start_error 1 "http-serve: error: --tls-key '$ca/wrongname.key': the private key does not match the certificate" \
    --tls-cert "$tmp/cert.pem" --tls-key "$ca/wrongname.key"
code=0
err="$("$HTTP_SERVE" --port 0 --root "$site" --tls-cert "$site/hello.txt" --tls-key "$tmp/key.pem" 2>&1 >/dev/null)" ||
    code=$?
assert_equal 1 "$code" "exit status for a certificate that is not PEM"
assert_contains "$err" "http-serve: error: --tls-cert '$site/hello.txt': no PEM certificate: "
assert_equal 1 "$(printf '%s\n' "$err" | wc -l)" "lines of the not-PEM message"
if [ "$(id -u)" -ne 0 ]; then
    # Everything above passed, but the --user checks below cannot run: the test counts as skipped, not passed.
    echo "skipped: the --user checks need root (the checks before them passed)"
    exit 77
fi

# As root: the key stays root's (0600), is read before --user drops to nobody, and serving goes on; a reload
# after the drop cannot read it, warns, and keeps the pair.
chmod 600 "$tmp/key.pem"
chmod 755 "$tmp"
start_tls_server --root "$site" --quiet --user nobody --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem"
assert_equal "$(cat "$site/hello.txt")" "$(tls_curl "$TLS_URL/hello.txt")"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 100); do grep -q "cannot reload" "$SERVER_ERR" && break; sleep 0.05; done
assert_contains "$(cat "$SERVER_ERR")" \
    "http-serve: warning: cannot reload the TLS certificate, keeping the old one: cannot read --tls-key '$tmp/key.pem': open: Permission denied (errno 13)"
assert_equal "$(cat "$site/hello.txt")" "$(tls_curl "$TLS_URL/hello.txt")"
stop_server
code=0
err="$($AS_NOBODY "$HTTP_SERVE" --port 0 --root "$site" --tls-cert "$tmp/cert.pem" --tls-key "$tmp/key.pem" 2>&1)" ||
    code=$?
assert_equal 1 "$code" "exit status for a key nobody cannot read"
assert_equal "http-serve: error: cannot read --tls-key '$tmp/key.pem': open: Permission denied (errno 13)" "$err"
echo "ok"
