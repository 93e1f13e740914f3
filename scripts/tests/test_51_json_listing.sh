# A folder asked for with Accept: application/json or ?format=json gets a JSON array (name, type, size, mtime,
# link) under the HTML listing's rules (no dotfiles, no links out of the root); names escaped (", \, control
# bytes; bytes that are not UTF-8 as \uFFFD with the raw bytes percent-encoded in the link, which works).
# ?sort=name|size|mtime&order=asc|desc sorts folders first, in HTML and JSON alike; no query keeps the order by
# name. Both forms carry Vary: Accept.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
outside="$(mktemp -d)"
trap 'rm -rf "$site" "$outside"' EXIT
mkdir "$site/d"
cd "$site/d"
printf '0123456789' >big.txt
printf '0' >small.txt
printf 'q' >$'say "hi"\\\x01.txt'
printf 'l' >$'caf\xff.txt'
printf 'h' >.hidden
mkdir zfolder afolder
ln -s "$outside" out-link
touch -d '2024-01-01 00:00:00 UTC' big.txt
touch -d '2024-01-03 00:00:00 UTC' small.txt
touch -d '2024-01-02 00:00:00 UTC' $'say "hi"\\\x01.txt' $'caf\xff.txt' afolder
touch -d '2024-01-04 00:00:00 UTC' zfolder
cd - >/dev/null

start_server --root "$site" --quiet
expected='[
{"name":"afolder","type":"folder","size":null,"mtime":"2024-01-02T00:00:00Z","link":"afolder/"},
{"name":"big.txt","type":"file","size":10,"mtime":"2024-01-01T00:00:00Z","link":"big.txt"},
{"name":"caf\uFFFD.txt","type":"file","size":1,"mtime":"2024-01-02T00:00:00Z","link":"caf%FF.txt"},
{"name":"say \"hi\"\\\u0001.txt","type":"file","size":1,"mtime":"2024-01-02T00:00:00Z","link":"say%20%22hi%22%5C%01.txt"},
{"name":"small.txt","type":"file","size":1,"mtime":"2024-01-03T00:00:00Z","link":"small.txt"},
{"name":"zfolder","type":"folder","size":null,"mtime":"2024-01-04T00:00:00Z","link":"zfolder/"}
]'
for way in query accept; do
    if [ "$way" = query ]; then
        raw_reply 'GET /d/?format=json HTTP/1.0\r\n\r\n'
    else
        raw_reply 'GET /d/ HTTP/1.0\r\nAccept: application/json\r\n\r\n'
    fi
    undated "$REPLY"
    assert_equal $'HTTP/1.0 200 OK\r\nDate: DATE\r\nServer: http-serve/0.3.0\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: '"$((${#expected} + 1))"$'\r\nVary: Accept\r\n\r\n'"$expected"$'\n' \
        "$UNDATED" "JSON listing by $way"
done
# The body is ASCII (U+FFFD goes out as the escape \uFFFD), so ${#expected} + 1 is its length in bytes.
# It parses as JSON, and every link answers 200.
curl -sf "${BASE}d/?format=json" >"$site/listing.json"
python3 -c 'import json,sys; [print(e["link"]) for e in json.load(open(sys.argv[1]))]' "$site/listing.json" >"$site/links"
while IFS= read -r link; do
    code="$(curl -s -o /dev/null -w '%{http_code}' "${BASE}d/$link")"
    assert_equal 200 "$code" "link $link"
done <"$site/links"
assert_equal 6 "$(wc -l <"$site/links")" "six entries"
# A browser's Accept gets HTML.
headers="$(curl -s -D - -o /dev/null -H 'Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' "${BASE}d/")"
assert_contains "$headers" $'Content-Type: text/html; charset=utf-8\r\n'
assert_contains "$headers" $'Vary: Accept\r\n'
assert_equal '[]' "$(curl -s "${BASE}d/afolder/?format=json")" "an empty folder"

# order QUERY: the names of the JSON listing in order, one line
order() { curl -s "${BASE}d/?format=json&$1" | python3 -c 'import json,sys; print(" ".join(e["link"] for e in json.load(sys.stdin)))'; }
assert_equal "afolder/ big.txt caf%FF.txt say%20%22hi%22%5C%01.txt small.txt zfolder/" "$(order '')" "default"
assert_equal "afolder/ zfolder/ big.txt caf%FF.txt say%20%22hi%22%5C%01.txt small.txt" "$(order sort=name)" "name"
assert_equal "zfolder/ afolder/ small.txt say%20%22hi%22%5C%01.txt caf%FF.txt big.txt" "$(order 'sort=name&order=desc')" "name desc"
assert_equal "afolder/ zfolder/ caf%FF.txt say%20%22hi%22%5C%01.txt small.txt big.txt" "$(order sort=size)" "size"
assert_equal "zfolder/ afolder/ big.txt small.txt say%20%22hi%22%5C%01.txt caf%FF.txt" "$(order 'sort=size&order=desc')" "size desc"
assert_equal "afolder/ zfolder/ big.txt caf%FF.txt say%20%22hi%22%5C%01.txt small.txt" "$(order sort=mtime)" "mtime"
assert_equal "zfolder/ afolder/ small.txt say%20%22hi%22%5C%01.txt caf%FF.txt big.txt" "$(order 'sort=mtime&order=desc')" "mtime desc"
assert_equal "$(order 'sort=mtime&order=desc')" "$(order 'sort=time&order=desc')" "caddy's sort=time"
assert_equal "afolder/ big.txt caf%FF.txt say%20%22hi%22%5C%01.txt small.txt zfolder/" "$(order 'sort=colour')" "unknown key"
# The HTML listing follows the same order.
html="$(curl -s "${BASE}d/?sort=size&order=desc")"
rows="$(grep -o '<tr><td><a href="[^"]*"' <<<"$html" | sed 's/.*href="//; s/"$//' | tr '\n' ' ')"
assert_equal "../ zfolder/ afolder/ big.txt small.txt say%20%22hi%22%5C%01.txt caf%FF.txt " "$rows" "HTML order"
