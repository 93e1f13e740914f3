# The fast path for a folder's kept index file (README Engine): once the loop keeps a settled index and a full
# resolution of the folder has found it, GETs of `/` or `/a/` within the second cost one fstatat of the index's path
# (newfstatat ... AT_SYMLINK_NOFOLLOW) and no open; HEAD, a Range and a conditional GET too, with the full path's
# exact head (--cors, --max-age, ETag, Last-Modified, the precompressed .gz with Vary); --auth answers 401 before
# any lookup; with `--index index.html --index index.htm`, an index.html created beside the index.htm served is
# answered once the second since the last full resolution has passed, and the index served going away is seen on
# the very next request; a folder without the slash is redirected, a listed folder finds an index created at once,
# a folder swapped for a link is 404 once the second has passed, a hidden folder stays 404. Counted with strace on
# the server, then all again without openat2 (HTTP10_NO_OPENAT2: the stat + realpath check confirms the folders).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
traced_scratch
mode="$(openat2_mode)"
old_mtime='2020-01-02 03:04:05'
mkdir "$site/a" "$site/b" "$site/c" "$site/.hidden"
for _ in $(seq 40); do printf '<p>the root index of this test</p>\n'; done >"$site/index.html"
gzip -k -9 "$site/index.html"
printf 'a/index.htm\n' >"$site/a/index.htm"
printf 'b/index.html\n' >"$site/b/index.html"
printf 'c/plain.txt\n' >"$site/c/plain.txt"
printf 'hidden\n' >"$site/.hidden/index.html"
touch -d "$old_mtime" "$site/index.html" "$site"/*/index.htm* "$site/c/plain.txt"
touch -d '2020-01-02 03:04:06' "$site/index.html.gz"  # No older than the page: it may be sent.
settled "$site/index.html.gz"
start_server_traced "$trace" "-e trace=openat,openat2,newfstatat,statx" \
    --root "$site" --quiet --workers 1 --index index.html --index index.htm \
    --auth 'ann:secret' --cors --max-age 60
get() { curl -sf -u ann:secret "$@"; }
# head_of ARGS...: the response head (Date masked) of a curl with ARGS.
head_of() {
    undated "$(curl -s -u ann:secret -o /dev/null -D - "$@")"
    printf '%s' "$UNDATED"
}

# Ten GETs of / in one curl: the first reads the index, the second confirms the folder, the rest open nothing (one
# more open if a second passes in between).
before="$(traced_opens index.html)"
expected="$(for _ in $(seq 10); do cat "$site/index.html"; done)"
assert_equal "$expected" "$(get $(for _ in $(seq 10); do echo "$BASE"; done))" "ten GETs of / ($mode)"
opened=$(($(traced_opens index.html) - before))
assert_between "$opened" 2 3 "opens of index.html for ten GETs of / ($mode)"
assert_equal $((10 - opened)) "$(traced_fast index.html)" "fast-path fstatat calls for ten GETs of / ($mode)"

# HEAD, a Range and a conditional GET right after a GET: from the kept index, each with the full path's head.
sleep 1.1
full="$(head_of "$BASE")"  # The second is over: this one resolves the folder (and confirms it again).
assert_equal open "$(traced_last_access index.html)" "a GET a second later takes the full resolution ($mode)"
assert_equal "$full" "$(head_of "$BASE")" "the fast path's head is the full path's ($mode)"
assert_equal fast "$(traced_last_access index.html)" "the GET right after it takes the fast path ($mode)"
assert_contains "$full" $'Access-Control-Allow-Origin: *\r' "--cors ($mode)"
assert_contains "$full" $'Cache-Control: public, max-age=60\r' "--max-age ($mode)"
assert_contains "$full" $'Vary: Accept-Encoding\r' "Vary on a compressible index ($mode)"
tag="$(sed -n 's/^ETag: \(.*\)\r$/\1/p' <<<"$full")"
before_fast="$(traced_fast index.html)"
head_reply="$(head_of -I "$BASE")"
assert_equal "$full" "${head_reply}" "HEAD / has GET's head ($mode)"
assert_equal "$(head -c 10 "$site/index.html")" "$(get -r 0-9 "$BASE")" "a Range of / ($mode)"
assert_equal 304 "$(curl -s -u ann:secret -o /dev/null -w '%{http_code}' -H "If-None-Match: $tag" "$BASE")" \
    "If-None-Match with the ETag ($mode)"
assert_between $(($(traced_fast index.html) - before_fast)) 2 3 "HEAD, Range and 304 from the fast path ($mode)"
cmp -s "$site/index.html" <(get --compressed "$BASE") || fail "GET / --compressed ($mode)"
assert_contains "$(head_of --compressed "$BASE")" $'Content-Encoding: gzip\r' "the precompressed index.html.gz ($mode)"
# No credentials: 401, before any lookup (no fstatat, no open).
before_fast="$(traced_fast index.html)"
before="$(traced_opens index.html)"
assert_equal 401 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE")" "--auth before the fast path ($mode)"
assert_equal "$before_fast $before" "$(traced_fast index.html) $(traced_opens index.html)" "no lookup for a 401 ($mode)"

# --index index.html --index index.htm: a/ serves index.htm until index.html appears and a full resolution finds it.
for _ in 1 2 3; do assert_equal "a/index.htm" "$(get "${BASE}a/")" "a/ ($mode)"; done
assert_equal fast "$(traced_last_access a/index.htm)" "the third GET of a/ took the fast path ($mode)"
printf 'a/index.html\n' >"$site/a/index.html"
echo "a/ right after index.html was created ($mode): $(get "${BASE}a/") (index.htm within the second)"
sleep 1.1
assert_equal "a/index.html" "$(get "${BASE}a/")" "a/ a second after index.html appeared ($mode)"
rm "$site/a/index.html"
assert_equal "a/index.htm" "$(get "${BASE}a/")" "a/ right after index.html went ($mode)"
assert_equal 301 "$(curl -s -u ann:secret -o /dev/null -w '%{http_code}' "${BASE}a")" "a without the slash ($mode)"
assert_equal "/a/" "$(curl -s -u ann:secret -o /dev/null -w '%header{location}' "${BASE}a")" "its Location ($mode)"

# A listed folder: no index to keep; one created is served at once.
for _ in 1 2 3; do assert_contains "$(get "${BASE}c/")" "plain.txt" "the listing of c/ ($mode)"; done
printf 'c/index.html\n' >"$site/c/index.html"
assert_equal "c/index.html" "$(get "${BASE}c/")" "c/ right after its index was created ($mode)"

# The folder leaves the root and a symbolic link to its new place takes its name: 404 once the second has passed.
for _ in 1 2 3; do get "${BASE}b/" >/dev/null; done
assert_equal fast "$(traced_last_access b/index.html)" "the third GET of b/ took the fast path ($mode)"
mv "$site/b" "$outside/b"
ln -s "$outside/b" "$site/b"
code="$(curl -s -u ann:secret -o /dev/null -w '%{http_code}' "${BASE}b/")"
echo "b/ right after the swap ($mode): $code (200 within the second the folder was confirmed, else 404)"
sleep 1.1
for _ in 1 2; do
    assert_equal 404 "$(curl -s -u ann:secret -o /dev/null -w '%{http_code}' "${BASE}b/")" "b/ swapped ($mode)"
done

for _ in 1 2 3; do
    assert_equal 404 "$(curl -s -u ann:secret -o /dev/null -w '%{http_code}' "${BASE}.hidden/")" \
        "a hidden folder ($mode)"
done
assert_equal 0 "$(traced_fast .hidden/index.html)" "no fast path for a hidden folder ($mode)"
kill -0 "$SERVER_PID" || fail "server died"
echo "ok ($mode)"
also_without_openat2 "$0"
