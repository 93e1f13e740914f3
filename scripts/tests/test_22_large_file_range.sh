# A sparse 5 GiB file: the exact Content-Length, and a Range past 4 GiB returns the bytes written there
# (sizes and offsets are 64-bit end to end).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
truncate -s 5G "$site/big.bin"
printf 'past-4-GiB' | dd of="$site/big.bin" bs=1 seek=5000000000 conv=notrunc status=none
start_server --root "$site" --quiet
headers="$(curl -sI "${BASE}big.bin")"
assert_contains "$headers" $'\r\nContent-Length: 5368709120\r\n'
body="$(curl -s -H 'Range: bytes=5000000000-5000000009' "${BASE}big.bin")"
assert_equal "past-4-GiB" "$body"
headers="$(curl -s -o /dev/null -D - -H 'Range: bytes=5000000000-5000000009' "${BASE}big.bin")"
assert_contains "$headers" $'\r\nContent-Range: bytes 5000000000-5000000009/5368709120\r\n'
# The last byte, via a suffix range.
assert_equal "1" "$(curl -s -H 'Range: bytes=-1' "${BASE}big.bin" | wc -c | tr -d ' ')"
raw_reply 'GET /big.bin HTTP/1.0\r\nRange: bytes=5368709120-\r\n\r\n'
assert_contains "$REPLY" $'\r\nContent-Range: bytes */5368709120\r\n'
rm -rf "$site"
