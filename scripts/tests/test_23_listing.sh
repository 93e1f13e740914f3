# A folder without index.html is listed: sorted, folders marked with /, names HTML-escaped, hrefs percent-encoded
# from the raw bytes (a name that is not UTF-8 still links to its file), `..` first except at the root.
# --no-listing turns listings into 404; folders without a trailing slash get a relative 301.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
printf 'bold' >"$site/<b>&.txt"
printf 'latin1' >"$site/$(printf 'caf\xe9')"
printf 'z' >"$site/z.txt"
printf 'x' >"$site/.secret"
mkdir "$site/sub" "$site/sub/deeper"
start_server --root "$site" --quiet
page="$(curl -sf "$BASE")" || fail "listing failed"
assert_contains "$page" '<title>Index of /</title>'
assert_contains "$page" '<a href="%3Cb%3E%26.txt">&lt;b&gt;&amp;.txt</a></td><td class="size" title="4 bytes">4 B</td>'
assert_contains "$page" '<a href="caf%E9">caf'$'\xef\xbf\xbd''</a></td><td class="size" title="6 bytes">6 B</td>'
assert_contains "$page" '<a href="sub/">sub/</a></td><td class="size">-</td>'
case "$page" in *'<b>&'*) fail "unescaped name in listing" ;; esac
case "$page" in *secret*) fail "dotfile listed" ;; esac
case "$page" in *'href="../"'*) fail "root listing has ..";; esac
# Sorted by name bytes: <b>&.txt, caf\xe9, sub/, z.txt.
order="$(printf '%s\n' "$page" | sed -n 's/.*<a href="\([^"]*\)">.*/\1/p' | tr '\n' ' ')"
assert_equal "%3Cb%3E%26.txt caf%E9 sub/ z.txt " "$order"
# The percent-encoded href fetches the file whose name is not UTF-8.
assert_equal "latin1" "$(curl -sf "${BASE}caf%E9")"
assert_equal "bold" "$(curl -sf "${BASE}%3Cb%3E%26.txt")"
sub="$(curl -sf "${BASE}sub/")"
first="$(printf '%s\n' "$sub" | grep -m1 '<a href=')"
assert_contains "$first" '<a href="../">../</a>'
assert_contains "$sub" '<a href="deeper/">deeper/</a>'
# Folder without slash: 301 with a relative Location, query kept, never "//".
raw_reply 'GET /sub?a=1 HTTP/1.0\r\n\r\n'
assert_equal "HTTP/1.0 301 Moved Permanently" "${REPLY%%$'\r\n'*}"
assert_contains "$REPLY" $'\r\nLocation: /sub/?a=1\r\n'
raw_reply 'GET //sub HTTP/1.0\r\n\r\n'
assert_contains "$REPLY" $'\r\nLocation: /sub/\r\n'
assert_equal "sub-listing" "$(curl -sfL "${BASE}sub/deeper" | grep -q 'Index of /sub/deeper/' && echo sub-listing)"
stop_server
start_server --root "$site" --quiet --no-listing
assert_equal 404 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE")"
assert_equal 404 "$(curl -s -o /dev/null -w '%{http_code}' "${BASE}sub/")"
assert_equal 200 "$(curl -s -o /dev/null -w '%{http_code}' "${BASE}z.txt")"
stop_server
start_server --root "$site" --quiet --dotfiles
assert_contains "$(curl -sf "$BASE")" '<a href=".secret">.secret</a>'
rm -rf "$site"
