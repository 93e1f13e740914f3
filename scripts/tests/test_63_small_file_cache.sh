# The loop's small-file cache on the wire (README Engine): a file left alone for a second or two is read once
# and then sent from memory (no pread64 for it, a Range too), while a file just written is read on every request;
# a file rewritten in place with the same size and its mtime put back with `touch -d` is sent with its new bytes
# (its ctime moved), then read again until it settles. Reads are counted with strace on the server.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v strace >/dev/null || fail "strace is not installed (scripts/install-deps)"
site="$(mktemp -d)"
trace="$(mktemp)"
trap 'rm -rf "$site" "$trace"' EXIT
old_mtime='2020-01-02 03:04:05'
printf 'old page of this test\n' >"$site/old.html"
touch -d "$old_mtime" "$site/old.html"
settled "$site/old.html"
start_server_traced "$trace" "-y -e trace=pread64" --root "$site" --quiet --workers 1
# reads NAME: how many pread64 calls the server made on files named NAME so far.
reads() { grep -c "pread64([0-9]*</[^>]*/$1>" "$trace" || true; }
body() { curl -sf "${BASE}$1" "${@:2}"; }

for _ in 1 2 3; do assert_equal "old page of this test" "$(body old.html)" "old.html"; done
assert_equal 1 "$(reads old.html)" "pread64 calls for three GETs of a settled file"
assert_equal "page" "$(body old.html -r 4-7)" "a Range of the kept bytes"
assert_equal 1 "$(reads old.html)" "pread64 calls after a Range of a kept file"

printf 'just written\n' >"$site/new.html"
for _ in 1 2 3; do assert_equal "just written" "$(body new.html)" "new.html"; done
assert_equal 3 "$(reads new.html)" "pread64 calls for three GETs of a file written just now"

# In place (same inode), same size, the mtime put back: device, inode, size and mtime all as before.
printf 'NEW page of this test\n' | dd of="$site/old.html" conv=notrunc status=none
touch -d "$old_mtime" "$site/old.html"
assert_equal "NEW page of this test" "$(body old.html)" "old.html after a rewrite with its mtime put back"
assert_equal "ge o" "$(body old.html -r 6-9)" "a Range after the rewrite"
assert_equal 3 "$(reads old.html)" "pread64 calls: the rewritten file is read again"
settled "$site/old.html"
for _ in 1 2 3; do assert_equal "NEW page of this test" "$(body old.html)" "the rewritten file, settled"; done
assert_equal 4 "$(reads old.html)" "pread64 calls: the settled new version is read once more, then kept"
kill -0 "$SERVER_PID" || fail "server died"
