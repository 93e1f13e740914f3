# Accept-Encoding negotiation on the wire: q=0, an empty field and no field give identity; gzip, x-gzip and *
# give gzip; a Range is answered from the identity bytes. Every answer for the script carries Vary.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
"$REPO_ROOT/scripts/sample-js" 20000 >"$site/app.js"
start_server --root "$site" --quiet
trap 'stop_server; rm -rf "$site"' EXIT

coding_of() {  # raw header line(s) → "gzip" or "identity"; checks the body either way
    raw_reply "GET /app.js HTTP/1.0\\r\\n$1\\r\\n"
    local head="${REPLY%%$'\r\n\r\n'*}"
    assert_contains "$head" $'\r\nVary: Accept-Encoding' "$1"
    printf '%s' "${REPLY#*$'\r\n\r\n'}" >"$site/body" 2>/dev/null || true
    case "$head" in
        *$'\r\nContent-Encoding: gzip'*) echo gzip ;;
        *) echo identity ;;
    esac
}
assert_equal identity "$(coding_of '')" "no Accept-Encoding"
assert_equal identity "$(coding_of 'Accept-Encoding: \r\n')" "empty Accept-Encoding"
assert_equal identity "$(coding_of 'Accept-Encoding: gzip;q=0\r\n')" "gzip;q=0"
assert_equal identity "$(coding_of 'Accept-Encoding: gzip; q=0.000, deflate\r\n')" "gzip; q=0.000"
assert_equal identity "$(coding_of 'Accept-Encoding: *;q=0\r\n')" "*;q=0"
assert_equal identity "$(coding_of 'Accept-Encoding: br\r\n')" "br only"
assert_equal identity "$(coding_of 'Accept-Encoding: identity;q=1, gzip;q=0.5\r\n')" "identity preferred"
assert_equal gzip "$(coding_of 'Accept-Encoding: gzip\r\n')" "gzip"
assert_equal gzip "$(coding_of 'Accept-Encoding: x-gzip\r\n')" "x-gzip"
assert_equal gzip "$(coding_of 'Accept-Encoding: *\r\n')" "*"
assert_equal gzip "$(coding_of 'Accept-Encoding: deflate, gzip;q=0.2\r\n')" "gzip;q=0.2"
assert_equal gzip "$(coding_of 'Accept-Encoding: br\r\nAccept-Encoding: GZIP\r\n')" "two fields"

# q=0 gets the file's exact bytes.
curl -sf --http1.0 -H 'Accept-Encoding: gzip;q=0' -o "$site/out" "${BASE}app.js" || fail "curl q=0"
assert_equal_files "$site/app.js" "$site/out"

# Range with gzip accepted: a 206 of the identity bytes.
curl -sf --http1.0 -H 'Accept-Encoding: gzip' -r 100-199 -D "$site/h" -o "$site/part" "${BASE}app.js" || fail "range"
assert_contains "$(cat "$site/h")" "HTTP/1.0 206"
assert_contains "$(cat "$site/h")" $'Content-Range: bytes 100-199/20000\r\n'
case "$(cat "$site/h")" in *Content-Encoding*) fail "a range came gzipped" ;; esac
head -c 200 "$site/app.js" | tail -c 100 >"$site/expected"
assert_equal_files "$site/expected" "$site/part"

# The gzip variant revalidates with its own tag.
tag="$(curl -s --http1.0 -H 'Accept-Encoding: gzip' -I "${BASE}app.js" | tr -d '\r' | sed -n 's/^ETag: //p')"
status="$(curl -s --http1.0 -o /dev/null -w '%{http_code}' -H 'Accept-Encoding: gzip' -H "If-None-Match: $tag" \
    "${BASE}app.js")"
assert_equal 304 "$status" "If-None-Match with the gzip tag"
