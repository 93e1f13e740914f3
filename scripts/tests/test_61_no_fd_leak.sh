# 10,000 requests of every kind (files, errors, HEAD, HTTP/0.9, garbage, half-close, resets mid-body,
# clients that connect and leave) leave the server with exactly the descriptors it started with.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
cp "$WWW/index.html" "$site/"
head -c $((1024 * 1024)) /dev/urandom >"$site/big.bin"
start_server --root "$site" --quiet --timeout 2
# After start_server, whose own EXIT trap this replaces.
trap 'stop_server; rm -rf "$site"' EXIT
before="$(server_fds)"
out="$(hc mixed-requests --port "$PORT" --count 10000)" || fail "client errors: $out"
echo "$out"
# Lingering closes and idle connections finish within the 2 s timeout.
after=""
for _ in $(seq 1 40); do
    after="$(server_fds)"
    [ "$after" = "$before" ] && break
    sleep 0.1
done
assert_equal "$before" "$after" "open descriptors before and after 10,000 requests"
kill -0 "$SERVER_PID" || fail "server died"
