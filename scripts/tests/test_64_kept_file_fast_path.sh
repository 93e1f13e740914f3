# The fast path for kept small files (README Engine): once the loop keeps a settled file and a full resolution
# has confirmed its path, GETs of that path within the second cost one fstatat (newfstatat ... AT_SYMLINK_NOFOLLOW)
# and no open; a same-size rewrite with its mtime put back, a touch, a chmod or a rename over the file is seen on
# the very next request (it opens the file again); a folder on the way moved out of the root and replaced by a
# symbolic link is 404 once the second has passed; dotfiles stay 404. Counted with strace on the server, then the
# same again without openat2 (HTTP10_NO_OPENAT2: the stat + realpath check confirms the paths).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
traced_scratch
mode="$(openat2_mode)"
old_mtime='2020-01-02 03:04:05'
mkdir "$site/a" "$site/b"
for name in rewrite touch chmod rename; do printf 'page %-7s of this test\n' "$name" >"$site/a/$name.html"; done
printf 'page in b\n' >"$site/b/page.html"
printf 'hidden\n' >"$site/.hidden.html"
touch -d "$old_mtime" "$site"/a/*.html "$site/b/page.html" "$site/.hidden.html"
settled "$site/.hidden.html"
start_server_traced "$trace" "-e trace=openat,openat2,newfstatat,statx" \
    --root "$site" --quiet --workers 1
# warm PATH: three GETs in one curl: read and kept, resolved and confirmed, then the fast path.
warm() {
    local body
    body="$(curl -sf "${BASE}$1" "${BASE}$1" "${BASE}$1")"
    assert_equal 3 "$(grep -c . <<<"$body")" "three bodies of $1 ($mode)"
    assert_equal fast "$(traced_last_access "$1")" "the third GET of $1 took the fast path ($mode)"
}
header() { curl -sf -o /dev/null -D - "${BASE}$1" | tr -d '\r' | sed -n "s/^$2: //p"; }

# Ten GETs in one curl: the first reads the file, the second confirms its path, the rest open nothing (one more
# open if a second passes in between).
expected="$(for _ in $(seq 10); do cat "$site/a/rewrite.html"; done)"
assert_equal "$expected" "$(curl -sf $(for _ in $(seq 10); do echo "${BASE}a/rewrite.html"; done))" "ten GETs ($mode)"
opened="$(traced_opens a/rewrite.html)"
assert_between "$opened" 2 3 "opens for ten GETs of a kept file ($mode)"
assert_equal $((10 - opened)) "$(traced_fast a/rewrite.html)" "fast-path fstatat calls for ten GETs ($mode)"

# In place, same size, the mtime put back: device, inode, size and mtime as before; only the ctime moved.
warm a/rewrite.html
before="$(traced_opens a/rewrite.html)"
printf 'PAGE REWRITE OF THIS TEST\n' | dd of="$site/a/rewrite.html" conv=notrunc status=none
touch -d "$old_mtime" "$site/a/rewrite.html"
assert_equal "PAGE REWRITE OF THIS TEST" "$(curl -sf "${BASE}a/rewrite.html")" "after a same-size rewrite ($mode)"
assert_equal $((before + 1)) "$(traced_opens a/rewrite.html)" "the rewritten file is opened again ($mode)"

warm a/touch.html
tag="$(header a/touch.html ETag)"
before="$(traced_opens a/touch.html)"
touch "$site/a/touch.html"
[ "$(header a/touch.html ETag)" != "$tag" ] || fail "the ETag of a touched file did not change ($mode)"
assert_equal $((before + 1)) "$(traced_opens a/touch.html)" "the touched file is opened again ($mode)"

warm a/chmod.html
before="$(traced_opens a/chmod.html)"
chmod 600 "$site/a/chmod.html"
assert_contains "$(curl -sf "${BASE}a/chmod.html")" "page chmod" "after a chmod ($mode)"
assert_equal $((before + 1)) "$(traced_opens a/chmod.html)" "a chmod (its ctime) makes the next GET open the file ($mode)"

warm a/rename.html
before="$(traced_opens a/rename.html)"
printf 'the replacement\n' >"$site/a/replacement.tmp"
touch -d "$old_mtime" "$site/a/replacement.tmp"
mv "$site/a/replacement.tmp" "$site/a/rename.html"
assert_equal "the replacement" "$(curl -sf "${BASE}a/rename.html")" "after a rename over the file ($mode)"
assert_equal $((before + 1)) "$(traced_opens a/rename.html)" "the renamed-over path is opened again ($mode)"

# The folder leaves the root and a symbolic link to its new place takes its name: the same inode, the same ctime.
# fstatat cannot refuse the link; the trust ends a second after the last confirmation, then the full path says 404.
warm b/page.html
mv "$site/b" "$outside/b"
ln -s "$outside/b" "$site/b"
code="$(curl -s -o /dev/null -w '%{http_code}' "${BASE}b/page.html")"
echo "right after the swap ($mode): $code (200 within the second the path was confirmed, else 404)"
sleep 2
for _ in 1 2; do
    assert_equal 404 "$(curl -s -o /dev/null -w '%{http_code}' "${BASE}b/page.html")" "a folder swapped for a link ($mode)"
done

for _ in 1 2 3; do
    assert_equal 404 "$(curl -s -o /dev/null -w '%{http_code}' "${BASE}.hidden.html")" "a dotfile ($mode)"
done
assert_equal 0 "$(traced_fast .hidden.html)" "no fast path for a dotfile ($mode)"
kill -0 "$SERVER_PID" || fail "server died"
echo "ok ($mode)"
also_without_openat2 "$0"
