# --chroot (issue 15): as root, http-serve binds, opens its log and reads its TLS key, then chroots to the served
# folder and drops to --user, like darkhttpd. The folder is then the process's "/": files and relative links
# inside it are served as before, an absolute symbolic link resolves inside the new root (so one naming the
# folder's outside path is 404), the open log keeps its lines, and a SIGHUP reopen of a log outside the folder
# warns and keeps the old file. --chroot without --user is refused (root can leave a chroot).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: chroot(2) needs root"
    exit 77
fi
getent passwd nobody >/dev/null || fail "no user 'nobody' on this machine"
nobody_uid="$(id -u nobody)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
site="$tmp/site"
mkdir -p "$site/sub" "$tmp/logs"
echo "inside" >"$site/sub/file.txt"
ln -s sub/file.txt "$site/relative"
ln -s "$site/sub/file.txt" "$site/absolute-in"   # the folder's outside path: not a path inside the chroot
ln -s /sub/file.txt "$site/absolute-root"        # a path that exists only inside the chroot
chmod -R a+rX "$site"

# Without --chroot, for comparison: the absolute link into the folder is served, the chroot-only one is not.
start_server --root "$site" --user nobody --quiet
assert_equal "inside" "$(curl -sf --http1.0 "$BASE/absolute-in")"
assert_equal "404" "$(curl -s -o /dev/null -w '%{http_code}' --http1.0 "$BASE/absolute-root")"
stop_server

start_server --root "$site" --user nobody --chroot --access-log "$tmp/logs/access.log"
assert_equal "$site" "$(readlink "/proc/$SERVER_PID/root")" "the server's root folder"
assert_equal "$site" "$(readlink "/proc/$SERVER_PID/cwd")" "the server's working folder (its new /)"
assert_equal "Uid:	$nobody_uid	$nobody_uid	$nobody_uid	$nobody_uid" "$(grep '^Uid:' "/proc/$SERVER_PID/status")"
assert_equal "inside" "$(curl -sf --http1.0 "$BASE/sub/file.txt")"
assert_equal "inside" "$(curl -sf --http1.0 "$BASE/relative")"
assert_equal "inside" "$(curl -sf --http1.0 "$BASE/absolute-root")"
assert_equal "404" "$(curl -s -o /dev/null -w '%{http_code}' --http1.0 "$BASE/absolute-in")"
assert_contains "$(curl -sf --http1.0 "$BASE/sub/")" 'href="file.txt"'
for _ in $(seq 1 50); do [ "$(wc -l <"$tmp/logs/access.log")" -ge 5 ] && break; sleep 0.05; done
assert_equal 5 "$(wc -l <"$tmp/logs/access.log")" "lines in the log opened before the chroot"
mv "$tmp/logs/access.log" "$tmp/logs/access.log.1"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 100); do grep -q "cannot reopen" "$SERVER_ERR" && break; sleep 0.05; done
assert_equal "http-serve: warning: cannot reopen the access log: open: No such file or directory (errno 2)" \
    "$(cat "$SERVER_ERR")"
curl -sf -o /dev/null --http1.0 "$BASE/sub/file.txt"
for _ in $(seq 1 50); do [ "$(wc -l <"$tmp/logs/access.log.1")" -ge 6 ] && break; sleep 0.05; done
assert_equal 6 "$(wc -l <"$tmp/logs/access.log.1")" "lines in the kept log"
stop_server

# https in a chroot: the certificate and key were read before it.
"$REPO_ROOT/scripts/make-test-ca" "$tmp/ca"
start_server --root "$site" --user nobody --chroot --quiet --tls-cert "$tmp/ca/server.pem" --tls-key "$tmp/ca/server.key"
assert_equal "inside" "$(curl -sf --cacert "$tmp/ca/ca.pem" "https://localhost:$PORT/sub/file.txt")"
stop_server

code=0
err="$("$HTTP_SERVE" --port 0 --root "$site" --chroot 2>&1 >/dev/null)" || code=$?
assert_equal 1 "$code" "exit status of --chroot without --user"
assert_equal "http-serve: error: --chroot needs --user" "$err"
echo "ok"
