# Unreadable files and folders get 403. Root reads everything, so the server runs as nobody (setpriv); a readable
# file next to them still gets 200, which proves the 403s come from permissions and not from a broken setup.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
chmod 755 "$site"
printf 'public\n' >"$site/public.txt"
printf 'secret\n' >"$site/secret.txt"
chmod 644 "$site/public.txt"
chmod 000 "$site/secret.txt"
mkdir "$site/locked" "$site/noindex" "$site/nosearch"
printf 'inner\n' >"$site/nosearch/inner.txt"
chmod 000 "$site/locked"
chmod 311 "$site/noindex"   # searchable but not readable: no listing
chmod 644 "$site/nosearch"  # readable but not searchable: nothing inside can be reached
start_server_as_nobody --root "$site" --quiet
code() { curl -s -o /dev/null -w '%{http_code}' "$BASE$1"; }
assert_equal 200 "$(code public.txt)" "readable file"
assert_equal 403 "$(code secret.txt)" "unreadable file"
assert_equal 403 "$(code locked/)" "unreadable folder"
assert_equal 403 "$(code noindex/)" "folder that may not be listed"
assert_equal 403 "$(code nosearch/inner.txt)" "file in a folder that may not be searched"
raw_reply 'GET /secret.txt HTTP/1.0\r\n\r\n'
assert_equal "HTTP/1.0 403 Forbidden" "${REPLY%%$'\r\n'*}"
assert_contains "$REPLY" $'\r\nContent-Type: text/html; charset=utf-8\r\n'
case "$REPLY" in *secret$'\n'*) fail "served the secret" ;; esac
chmod 755 "$site/locked" "$site/noindex" "$site/nosearch"
rm -rf "$site"
