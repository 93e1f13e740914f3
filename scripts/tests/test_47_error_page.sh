# A 404.html at the root is the body of every 404 (status 404, its own type and length; HEAD and HTTP/0.9 as
# for any answer), read at each 404; --no-error-page keeps the built-in page; a 404.html that is a link out of
# the root, a link to a dotfile, not a file or unreadable is ignored with one warning at start-up.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
outside="$(mktemp -d)"
trap 'rm -rf "$site" "$outside"' EXIT
chmod 755 "$site"
printf 'hello\n' >"$site/hello.txt"
printf 'SECRET=1\n' >"$site/.env"
printf '<h1>Nothing here</h1>\n' >"$site/404.html"
page=$'<h1>Nothing here</h1>\n'
builtin=$'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>404 Not Found</title></head>\n<body><h1>404 Not Found</h1>\n<hr><address>http-serve</address></body></html>\n'
common=$'Date: DATE\r\nServer: http-serve/0.3.0\r\nConnection: close\r\n'
head_404() {  # length: sets HEAD404 to the head of a 404 whose HTML body has that length
    printf -v HEAD404 'HTTP/1.0 404 Not Found\r\n%sContent-Type: text/html; charset=utf-8\r\nContent-Length: %s\r\n\r\n' \
        "$common" "$1"
}

start_server --root "$site" --quiet --no-listing
[ ! -s "$SERVER_ERR" ] || fail "unexpected start-up output: $(cat "$SERVER_ERR")"
for target in /missing.html /.env /hello.txt/more /sub/ '/%2e%2e%2f'; do
    raw_reply "GET $target HTTP/1.0\r\n\r\n"
    undated "$REPLY"
    case "$target" in
        /%2e*) assert_contains "$REPLY" $'HTTP/1.0 400 Bad Request\r\n' "a 400 stays a 400" ;;
        *) head_404 ${#page} && assert_equal "$HEAD404$page" "$UNDATED" "404 page for $target" ;;
    esac
done
raw_reply 'HEAD /missing.html HTTP/1.0\r\n\r\n'
undated "$REPLY"
head_404 ${#page}
assert_equal "$HEAD404" "$UNDATED" "HEAD of a 404"
raw_reply 'GET /missing.html\r\n'
assert_equal "$page" "$REPLY" "HTTP/0.9: the page alone"
# The page is read at each 404: an edit shows at once.
printf '<p>moved</p>\n' >"$site/404.html"
raw_reply 'GET /missing.html HTTP/1.0\r\n\r\n'
undated "$REPLY"
head_404 13
assert_equal "$HEAD404"$'<p>moved</p>\n' "$UNDATED" "edited 404.html"
# The page itself is still a file that can be fetched.
code="$(curl -s -o /dev/null -w '%{http_code}' "${BASE}404.html")"
assert_equal 200 "$code" "GET /404.html"
stop_server

start_server --root "$site" --quiet --no-error-page
raw_reply 'GET /missing.html HTTP/1.0\r\n\r\n'
undated "$REPLY"
head_404 ${#builtin}
assert_equal "$HEAD404$builtin" "$UNDATED" "--no-error-page"
stop_server

# expect_ignored WARNING: the server starts, warns once, and 404s get the built-in page.
expect_ignored() {
    start_server --root "$site" --quiet
    assert_equal "http-serve: warning: $1" "$(cat "$SERVER_ERR")" "start-up warning"
    raw_reply 'GET /missing.html HTTP/1.0\r\n\r\n'
    undated "$REPLY"
    head_404 ${#builtin}
    assert_equal "$HEAD404$builtin" "$UNDATED" "built-in page when 404.html $1"
    raw_reply 'GET /other.html HTTP/1.0\r\n\r\n'
    assert_equal "http-serve: warning: $1" "$(cat "$SERVER_ERR")" "still one warning"
    stop_server
}
printf '<p>outside</p>\n' >"$outside/page.html"
rm "$site/404.html"
ln -s "$outside/page.html" "$site/404.html"
expect_ignored "404.html is a link out of the root; 404s get the built-in page"
rm "$site/404.html"
ln -s .env "$site/404.html"
expect_ignored "404.html is a link to a dotfile; 404s get the built-in page"
rm "$site/404.html"
mkdir "$site/404.html"
expect_ignored "404.html is not a regular file; 404s get the built-in page"
rmdir "$site/404.html"
if [ "$(id -u)" -eq 0 ]; then
    printf 'x\n' >"$site/404.html"
    chmod 000 "$site/404.html"
    SERVE_PREFIX="$AS_NOBODY" expect_ignored "404.html cannot be read: Permission denied; 404s get the built-in page"
else
    echo "note: not root; the unreadable 404.html case (as nobody) is skipped"
fi
