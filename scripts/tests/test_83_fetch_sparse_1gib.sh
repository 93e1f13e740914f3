# A 1 GiB (sparse) download arrives whole while http-fetch's memory stays flat: its peak RSS for 1 GiB
# is within a few MiB of its peak for 1 MiB.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
[ -x /usr/bin/time ] || fail "/usr/bin/time is missing (scripts/install-deps time)"
tmp="$(mktemp -d)"
trap 'stop_server; rm -rf "$tmp"' EXIT
truncate -s 1G "$tmp/sparse.bin"
head -c 1048576 /dev/zero >"$tmp/small.bin"
start_server --root "$tmp" --quiet

/usr/bin/time -f '%M' -o "$tmp/rss-small" "$HTTP_FETCH" -s -o /dev/null "${BASE}small.bin" || fail "small fetch"
# Through a pipe into cmp: every byte is checked, and http-fetch alone is measured.
/usr/bin/time -f '%M' -o "$tmp/rss-big" "$HTTP_FETCH" -s -w '%{size_download}' -o /dev/stdout "${BASE}sparse.bin" \
    | head -c 1073741824 | cmp -s - "$tmp/sparse.bin" || fail "the 1 GiB body differs"
small=$(tail -n 1 "$tmp/rss-small")
big=$(tail -n 1 "$tmp/rss-big")
echo "peak RSS: 1 MiB fetch ${small} KiB, 1 GiB fetch ${big} KiB"
[ $((big - small)) -lt 8192 ] || fail "memory grew with the download: ${small} KiB -> ${big} KiB"
size="$("$HTTP_FETCH" -s -o /dev/null -w '%{size_download}' "${BASE}sparse.bin")"
assert_equal 1073741824 "$size"
