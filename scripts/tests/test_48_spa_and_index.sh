# --spa answers a GET or HEAD of a missing path without an extension with the root index (200), so client-side
# routes survive a reload; missing assets, dotfiles and folders keep their answers. --index NAME (repeatable)
# is tried in order in every folder; a bad name exits 64.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
printf '<p>app</p>\n' >"$site/index.html"
touch -d '2024-01-01 00:00:00 UTC' "$site/index.html"
printf 'x' >"$site/real.js"
mkdir -p "$site/docs" "$site/both" "$site/plain" "$site/.git"
printf 'default\n' >"$site/docs/default.htm"
printf 'htm\n' >"$site/both/index.htm"
printf 'default\n' >"$site/both/default.htm"
printf 'html\n' >"$site/plain/index.html"
printf '[core]\n' >"$site/.git/config"

start_server --root "$site" --quiet --spa
index_head=$'HTTP/1.0 200 OK\r\nDate: DATE\r\nServer: http-serve/0.3.0\r\nConnection: close\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 11\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nETag: "b-65920080.0"\r\nAccept-Ranges: bytes\r\nVary: Accept-Encoding\r\n\r\n'
for target in /users/42 /deep/client/route/ /v1.2/items; do
    raw_reply "GET $target HTTP/1.0\r\n\r\n"
    undated "$REPLY"
    assert_equal "$index_head"$'<p>app</p>\n' "$UNDATED" "--spa GET $target"
done
raw_reply 'HEAD /users/42 HTTP/1.0\r\n\r\n'
undated "$REPLY"
assert_equal "$index_head" "$UNDATED" "--spa HEAD"
for target in /app.js /styles/site.css /.git/route /.env; do
    code="$(curl -s -o /dev/null -w '%{http_code}' "$BASE${target#/}")"
    assert_equal 404 "$code" "--spa keeps the 404 of $target"
done
assert_equal x "$(curl -sf "${BASE}real.js")" "a file is still the file"
assert_equal 301 "$(curl -s -o /dev/null -w '%{http_code}' "${BASE}docs")" "a folder still redirects"
raw_reply 'POST /users/42 HTTP/1.0\r\nContent-Length: 0\r\n\r\n'
assert_contains "$REPLY" $'HTTP/1.0 501 Not Implemented\r\n' "--spa is for GET and HEAD"
stop_server

start_server --root "$site" --quiet
assert_equal 404 "$(curl -s -o /dev/null -w '%{http_code}' "${BASE}users/42")" "without --spa"
assert_contains "$(curl -s "${BASE}docs/")" "<title>Index of /docs/</title>" "default index name is index.html only"
stop_server

start_server --root "$site" --quiet --index index.htm --index default.htm
assert_equal "default" "$(curl -sf "${BASE}docs/")" "the second name when the first is missing"
assert_equal "htm" "$(curl -sf "${BASE}both/")" "the first name wins"
assert_contains "$(curl -s "${BASE}plain/")" "<title>Index of /plain/</title>" "index.html is not tried unless named"
stop_server

for bad in 'a/b' '..' ''; do
    status=0
    err="$("$HTTP_SERVE" --root "$site" --port 0 --index "$bad" 2>&1 >/dev/null)" || status=$?
    assert_equal 64 "$status" "exit status of --index '$bad'"
    assert_contains "$err" "Error: --index must be a file name without '/', such as index.htm, got '$bad'"
done
