# Precompressed name.br (brotli(1)) and name.zst (zstd(1)) beside name are sent byte for byte, like name.gz,
# when the client accepts the coding: highest q-value first, br, then zstd, then gzip at equal weight; each has
# its own Content-Encoding, length and ETag, Vary as for gzip; an older sibling is ignored; curl --compressed
# decodes each to the original bytes. --no-gzip sends identity only.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v brotli >/dev/null || fail "brotli missing: scripts/install-deps brotli"
command -v zstd >/dev/null || fail "zstd missing: scripts/install-deps zstd"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
"$REPO_ROOT/scripts/sample-js" 50000 >"$site/app.js"
brotli -k -q 11 "$site/app.js"
zstd -q -k -19 "$site/app.js"
gzip -k -9 "$site/app.js"
touch -d '2024-01-01 00:00:00 UTC' "$site/app.js"
touch -d '2024-01-02 00:00:00 UTC' "$site/app.js.br" "$site/app.js.zst" "$site/app.js.gz"
cp "$site/app.js" "$site/old.js"
printf 'stale' >"$site/old.js.br"
touch -d '2024-01-01 00:00:00 UTC' "$site/old.js.br"
touch -d '2024-01-02 00:00:00 UTC' "$site/old.js"

start_server --root "$site" --quiet
# fetch ACCEPT EXPECTED-CODING EXPECTED-BODY-FILE
fetch() {
    curl -sf --http1.0 -H "Accept-Encoding: $1" -D "$site/h" -o "$site/out" "${BASE}app.js" || fail "curl $1"
    assert_equal_files "$4" "$site/out"
    local headers
    headers="$(cat "$site/h")"
    if [ -n "$2" ]; then
        assert_contains "$headers" $'Content-Encoding: '"$2"$'\r\n' "Accept-Encoding: $1"
        assert_contains "$headers" $'ETag: "c350-65920080.0-'"$3"'-' "its own ETag"
    else
        case "$headers" in *Content-Encoding*) fail "Accept-Encoding: $1 got a coding" ;; esac
    fi
    assert_contains "$headers" $'Content-Type: text/javascript; charset=utf-8\r\n'
    assert_contains "$headers" $'Content-Length: '"$(stat -c %s "$4")"$'\r\n'
    assert_contains "$headers" $'Vary: Accept-Encoding\r\n'
    assert_contains "$headers" $'Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\n'
}
fetch 'gzip, deflate, br, zstd' br br "$site/app.js.br"
fetch 'br' br br "$site/app.js.br"
fetch 'zstd' zstd zst "$site/app.js.zst"
fetch 'gzip, zstd' zstd zst "$site/app.js.zst"
fetch 'br;q=0.5, zstd;q=0.8, gzip;q=0.2' zstd zst "$site/app.js.zst"
fetch 'br;q=0.5, gzip' gzip gz "$site/app.js.gz"
fetch '*' br br "$site/app.js.br"
fetch 'br;q=0, zstd;q=0, *' gzip gz "$site/app.js.gz"
fetch 'identity' '' '' "$site/app.js"
fetch 'deflate' '' '' "$site/app.js"
# What a client decodes is the file.
for coding in br zstd gzip; do
    curl -sf --http1.0 --compressed -H "Accept-Encoding: $coding" -o "$site/out" "${BASE}app.js" || fail "curl $coding"
    assert_equal_files "$site/app.js" "$site/out"
done
# If-None-Match is compared with the tag of the variant that would be sent.
etag="$(curl -sf --http1.0 -H 'Accept-Encoding: br' -D - -o /dev/null "${BASE}app.js" | tr -d '\r' | sed -n 's/^ETag: //p')"
code="$(curl -s --http1.0 -H 'Accept-Encoding: br' -H "If-None-Match: $etag" -o /dev/null -w '%{http_code}' "${BASE}app.js")"
assert_equal 304 "$code" "If-None-Match with the br tag"
code="$(curl -s --http1.0 -H 'Accept-Encoding: zstd' -H "If-None-Match: $etag" -o /dev/null -w '%{http_code}' "${BASE}app.js")"
assert_equal 200 "$code" "the br tag does not match the zstd variant"
# An older .br holds a previous version: not used (the on-the-fly gzip is not offered for br alone).
curl -sf --http1.0 -H 'Accept-Encoding: br' -D "$site/h" -o "$site/out" "${BASE}old.js" || fail "curl old.js"
assert_equal_files "$site/old.js" "$site/out"
case "$(cat "$site/h")" in *Content-Encoding*) fail "old .br was used" ;; esac
# The siblings themselves are served as what they are, with no coding.
curl -sf --http1.0 -H 'Accept-Encoding: br, zstd' -D "$site/h" -o "$site/out" "${BASE}app.js.zst" || fail "curl .zst"
assert_equal_files "$site/app.js.zst" "$site/out"
assert_contains "$(cat "$site/h")" $'Content-Type: application/zstd\r\n'
case "$(cat "$site/h")" in *Content-Encoding*) fail ".zst sent with Content-Encoding" ;; esac
# A Range is answered from the identity bytes.
curl -sf --http1.0 -H 'Accept-Encoding: br' -r 0-9 -o "$site/out" "${BASE}app.js" || fail "curl range"
assert_equal "$(head -c 10 "$site/app.js")" "$(cat "$site/out")" "range of the identity bytes"
stop_server

start_server --root "$site" --quiet --no-gzip
curl -sf --http1.0 -H 'Accept-Encoding: br, zstd, gzip' -D "$site/h" -o "$site/out" "${BASE}app.js" || fail "curl"
assert_equal_files "$site/app.js" "$site/out"
case "$(cat "$site/h")" in *Content-Encoding* | *Vary*) fail "--no-gzip sent a coding or Vary" ;; esac
