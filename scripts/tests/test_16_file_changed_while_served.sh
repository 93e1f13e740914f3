# A file changed while it is being sent: rewritten in place, truncated or grown, the client gets an error
# (the server resets the connection after an fstat shows another version); deleted or replaced by a rename,
# the client gets exactly the original bytes (the open descriptor still reads it). The server survives.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
trap 'stop_server; rm -rf "$site"' EXIT
# 32 MiB: larger than any socket buffer, so the change lands while the server is still sending.
head -c $((32 * 1024 * 1024)) /dev/urandom >"$site/original.bin"
start_server --root "$site" --quiet
for action in rewrite truncate append delete replace; do
    cp "$site/original.bin" "$site/live.bin"
    out="$(hc midway --port "$PORT" --path /live.bin \
        --file "$site/live.bin" --action "$action" --after $((4 * 1024 * 1024)))" || fail "$action: $out"
    echo "$out"
    case "$action" in
        rewrite | truncate | append) assert_contains "$out" "outcome=ConnectionResetError" "$action" ;;
        *) assert_contains "$out" "whole=True" "$action" ;;
    esac
done
# Each in-place change was logged on stderr, once.
assert_equal 3 "$(grep -c 'changed while being sent' "$SERVER_ERR")" "warnings: $(cat "$SERVER_ERR")"
# curl sees the reset as an error too (56: receive failure), never exit 0.
cp "$site/original.bin" "$site/live.bin"
curl -s --limit-rate 4M -o /dev/null "${BASE}live.bin" &
curl_pid=$!
sleep 1
printf 'XXXXXXXX' | dd of="$site/live.bin" bs=1 seek=100 conv=notrunc status=none
status=0
wait "$curl_pid" || status=$?
assert_equal 56 "$status" "curl's exit status after an in-place rewrite"
cmp -s <(curl -s "${BASE}live.bin") "$site/live.bin" || fail "the rewritten file is served whole afterwards"
kill -0 "$SERVER_PID" || fail "server died"
