# 11,000 requests in a row (1,000 warm-up, then 10,000 measured) for files of three sizes: every reply is a 200
# with the right bytes, open descriptors return to their starting count, and resident memory reaches a
# plateau: it grows by less than 2 MiB over the 10,000 after the warm-up.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
trap 'stop_server; rm -rf "$site"' EXIT
cp "$WWW/index.html" "$WWW/logo.png" "$site/"
head -c $((256 * 1024)) /dev/urandom >"$site/quarter.bin"
printf 'tiny\n' >"$site/tiny.txt"
start_server --root "$site" --quiet
status=0
out="$(hc soak --port "$PORT" --pid "$SERVER_PID" \
    --file "/index.html=$site/index.html" --file "/logo.png=$site/logo.png" --file "/quarter.bin=$site/quarter.bin" \
    --file "/tiny.txt=$site/tiny.txt" --warmup 1000 --count 10000 --max-growth-kib 2048)" || status=$?
echo "$out"
[ "$status" -eq 0 ] || fail "soak: $out"
assert_contains "$out" "requests=11000 failures=0"
kill -0 "$SERVER_PID" || fail "server died"
