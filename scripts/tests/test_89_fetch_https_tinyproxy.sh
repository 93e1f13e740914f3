# https through a real CONNECT proxy from Debian (issue 14): tinyproxy on a free loopback port, in front of
# `openssl s_server` with a throwaway CA. http-fetch and curl run with the same flags and must exit alike: the
# tunnel (CONNECT host:port, then TLS end to end, the name checked), plain http through the same proxy
# (absolute-form), and tinyproxy's BasicAuth (407 without credentials: 56; with them: the file).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
if ! command -v tinyproxy >/dev/null; then
    echo "skipped: tinyproxy is not installed (scripts/install-deps tinyproxy)"
    exit 77
fi
command -v openssl >/dev/null || fail "openssl missing: scripts/install-deps openssl"

tmp="$(mktemp -d)"
add_exit_trap "rm -rf '$tmp'"
chmod 755 "$tmp"
ca="$tmp/ca"
"$REPO_ROOT/scripts/make-test-ca" "$ca"
site="$tmp/site"
mkdir -p "$site"
printf 'hello through the tunnel\n' >"$site/hello.txt"

TLS_PORT="$(hc free-port)"
(cd "$site" && exec openssl s_server -accept "127.0.0.1:$TLS_PORT" -cert "$ca/server.pem" -key "$ca/server.key" \
    -WWW) >"$tmp/s_server.log" 2>&1 &
TLS_PID=$!
add_exit_trap 'stop_job "${TLS_PID:-}"'
for _ in $(seq 1 100); do
    grep -qs '^ACCEPT' "$tmp/s_server.log" && break
    sleep 0.05
done
grep -qs '^ACCEPT' "$tmp/s_server.log" || fail "openssl s_server did not start: $(cat "$tmp/s_server.log")"

# start_tinyproxy [CONFIG LINES...]: tinyproxy in the foreground on PROXY_PORT with its own config and log; no
# ConnectPort line, so CONNECT may reach any port (tinyproxy(8)).
stop_tinyproxy() { stop_job "${PROXY_PID:-}"; }
add_exit_trap stop_tinyproxy
start_tinyproxy() {
    stop_tinyproxy
    PROXY_PORT="$(hc free-port)"
    {
        printf '%s\n' "Port $PROXY_PORT" "Listen 127.0.0.1" "Timeout 30" "MaxClients 16" "Allow 127.0.0.1" \
            "LogFile \"$tmp/tinyproxy.log\"" "LogLevel Info" "PidFile \"$tmp/tinyproxy.pid\"" "$@"
        # As root tinyproxy needs a user to switch to.
        [ "$(id -u)" -ne 0 ] || printf '%s\n' "User nobody" "Group nogroup"
    } >"$tmp/tinyproxy.conf"
    : >"$tmp/tinyproxy.log"
    chmod 666 "$tmp/tinyproxy.log"
    tinyproxy -d -c "$tmp/tinyproxy.conf" >"$tmp/tinyproxy.out" 2>&1 &
    PROXY_PID=$!
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$PROXY_PORT") 2>/dev/null; then return 0; fi
        kill -0 "$PROXY_PID" 2>/dev/null || fail "tinyproxy exited: $(cat "$tmp/tinyproxy.out" "$tmp/tinyproxy.log")"
        sleep 0.05
    done
    fail "tinyproxy did not start: $(cat "$tmp/tinyproxy.out" "$tmp/tinyproxy.log")"
}

url="https://localhost:$TLS_PORT/hello.txt"
start_tinyproxy
fetch_and_curl 0 -x "http://127.0.0.1:$PROXY_PORT" --cacert "$ca/ca.pem" -w ' %{http_code} %{ssl_verify_result}' "$url"
assert_equal "hello through the tunnel
 200 0" "$(cat "$tmp/ours.out")"
assert_equal "$(cat "$tmp/curl.out")" "$(cat "$tmp/ours.out")" "http-fetch and curl"
assert_contains "$(cat "$tmp/tinyproxy.log")" "CONNECT localhost:$TLS_PORT HTTP/1."
# The tunnel does not weaken the check: the name and the trust are still the origin's.
fetch_and_curl 60 -x "http://127.0.0.1:$PROXY_PORT" "$url"
fetch_and_curl 0 -x "http://127.0.0.1:$PROXY_PORT" -k "$url"
# An origin that refuses the connection behind the proxy: tinyproxy answers the CONNECT with an error (56).
fetch_and_curl 56 -x "http://127.0.0.1:$PROXY_PORT" --cacert "$ca/ca.pem" "https://localhost:$(hc free-port)/hello.txt"
assert_contains "$(cat "$tmp/ours.err")" "CONNECT tunnel failed, response 5"
# Plain http through the same proxy: an absolute-form request, no tunnel.
start_server --root "$site" --quiet
fetch_and_curl 0 -x "http://127.0.0.1:$PROXY_PORT" "$BASE/hello.txt"
assert_equal "hello through the tunnel" "$(cat "$tmp/ours.out")"

# tinyproxy's BasicAuth: the CONNECT needs Proxy-Authorization (407 otherwise: 56, as curl).
start_tinyproxy "BasicAuth pu pp"
fetch_and_curl 56 -x "http://127.0.0.1:$PROXY_PORT" --cacert "$ca/ca.pem" "$url"
assert_contains "$(cat "$tmp/ours.err")" "CONNECT tunnel failed, response 407"
fetch_and_curl 0 -x "http://pu:pp@127.0.0.1:$PROXY_PORT" --cacert "$ca/ca.pem" "$url"
assert_equal "hello through the tunnel" "$(cat "$tmp/ours.out")"
echo "ok"
