# gzip end to end with curl: --compressed gets bytes identical to each file; the raw gzip body is valid for
# gzip(1) and its Content-Length exact; both variants carry Vary; HEAD shows the GET head.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
trap 'stop_server; rm -rf "$site"' EXIT
"$REPO_ROOT/scripts/sample-js" 65536 >"$site/app.js"
"$REPO_ROOT/scripts/sample-js" 3000000 7 >"$site/big.json"
cp "$WWW/index.html" "$WWW/style.css" "$WWW/hello.txt" "$WWW/logo.png" "$site/"
start_server --root "$site" --quiet
trap 'stop_server; rm -rf "$site"' EXIT

for name in app.js big.json index.html style.css hello.txt logo.png; do
    curl -sf --http1.0 --compressed -D "$site/h" -o "$site/out" "${BASE}$name" || fail "curl --compressed $name"
    assert_equal_files "$site/$name" "$site/out"
done

# The raw gzip body of the 64 KiB script: valid gzip, exact length, decodes to the file.
curl -sf --http1.0 -H 'Accept-Encoding: gzip' -D "$site/h" -o "$site/app.js.raw" "${BASE}app.js" || fail "curl raw"
headers="$(cat "$site/h")"
assert_contains "$headers" $'Content-Encoding: gzip\r\n'
assert_contains "$headers" $'Vary: Accept-Encoding\r\n'
assert_contains "$headers" $'Content-Type: text/javascript; charset=utf-8\r\n'
assert_contains "$headers" $'Content-Length: '"$(stat -c %s "$site/app.js.raw")"$'\r\n'
gzip -t "$site/app.js.raw" || fail "gzip -t rejects the body"
gzip -dc "$site/app.js.raw" >"$site/app.js.decoded"
assert_equal_files "$site/app.js" "$site/app.js.decoded"
size=$(stat -c %s "$site/app.js.raw")
[ "$size" -lt 20000 ] || fail "64 KiB script compressed to $size bytes"
gzip_etag="$(tr -d '\r' <"$site/h" | sed -n 's/^ETag: //p')"

# Identity for a client that does not ask: the file, with Vary too, and another ETag.
curl -sf --http1.0 -D "$site/h" -o "$site/out" "${BASE}app.js" || fail "curl identity"
assert_equal_files "$site/app.js" "$site/out"
assert_contains "$(cat "$site/h")" $'Vary: Accept-Encoding\r\n'
assert_contains "$(cat "$site/h")" $'Content-Length: 65536\r\n'
case "$(cat "$site/h")" in *Content-Encoding*) fail "identity response has Content-Encoding" ;; esac
identity_etag="$(tr -d '\r' <"$site/h" | sed -n 's/^ETag: //p')"
[ -n "$identity_etag" ] && [ "$gzip_etag" != "$identity_etag" ] || fail "ETags: '$gzip_etag' vs '$identity_etag'"
assert_equal "${identity_etag%\"}-gz\"" "$gzip_etag" "gzip ETag"

# A PNG is never gzipped and does not vary.
curl -sf --http1.0 -H 'Accept-Encoding: gzip' -D "$site/h" -o /dev/null "${BASE}logo.png"
case "$(cat "$site/h")" in *Content-Encoding* | *Vary*) fail "PNG got gzip headers: $(cat "$site/h")" ;; esac

# HEAD shows the GET head: same fields, compressed length included; no body.
strip_date() { tr -d '\r' | grep -v '^Date:'; }
get_head="$(curl -s --http1.0 -H 'Accept-Encoding: gzip' -D - -o /dev/null "${BASE}app.js" | strip_date)"
head_head="$(curl -s --http1.0 -H 'Accept-Encoding: gzip' -I "${BASE}app.js" | strip_date)"
assert_equal "$get_head" "$head_head" "HEAD vs GET head"
raw_reply 'HEAD /app.js HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n'
assert_equal "" "${REPLY#*$'\r\n\r\n'}" "HEAD body"
