# Least privilege (issue 15): with --user, http-serve binds and opens its log as root, then drops to the user
# (setgroups, setgid, setuid; root cannot be regained), serves what that user may read, keeps logging to the
# log it opened, and warns (and keeps the old file) when SIGHUP asks it to reopen a log the user cannot
# create. Bad --user/--group input and a non-root start are one-line errors with exit 1.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ]; then
    echo "skipped: switching users needs root"
    exit 77
fi
getent passwd nobody >/dev/null || fail "no user 'nobody' on this machine"
nobody_uid="$(id -u nobody)"
nobody_gid="$(id -g nobody)"

site="$(mktemp -d)"
logs="$(mktemp -d)"
trap 'rm -rf "$site" "$logs"' EXIT
chmod 755 "$site"
echo "for everyone" >"$site/public.txt"
echo "root only" >"$site/secret.txt"
chmod 644 "$site/public.txt"
chmod 600 "$site/secret.txt"
chmod 755 "$logs"  # root's folder: nobody cannot create a file in it.

start_server --root "$site" --user nobody --access-log "$logs/access.log"
# Every id the kernel keeps (real, effective, saved, filesystem) is nobody's, and the only group is its own.
assert_equal "Uid:	$nobody_uid	$nobody_uid	$nobody_uid	$nobody_uid" "$(grep '^Uid:' "/proc/$SERVER_PID/status")"
assert_equal "Gid:	$nobody_gid	$nobody_gid	$nobody_gid	$nobody_gid" "$(grep '^Gid:' "/proc/$SERVER_PID/status")"
assert_equal "Groups:	$nobody_gid" "$(grep '^Groups:' "/proc/$SERVER_PID/status" | sed 's/ *$//')"

assert_equal "for everyone" "$(curl -sf --http1.0 "$BASE/public.txt")"
assert_equal "403" "$(curl -s -o /dev/null -w '%{http_code}' --http1.0 "$BASE/secret.txt")"

# The log was opened as root before the drop and still takes lines.
for _ in $(seq 1 50); do [ "$(wc -l <"$logs/access.log")" -ge 2 ] && break; sleep 0.05; done
assert_equal 2 "$(wc -l <"$logs/access.log")" "lines in the access log"
# logrotate moves it away and sends SIGHUP; nobody may not create a new file in root's folder: a warning,
# and the lines keep going to the file it has.
mv "$logs/access.log" "$logs/access.log.1"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 100); do grep -q "cannot reopen the access log" "$SERVER_ERR" && break; sleep 0.05; done
assert_contains "$(cat "$SERVER_ERR")" "http-serve: warning: cannot reopen the access log: open: Permission denied"
curl -s -o /dev/null --http1.0 "$BASE/public.txt"
for _ in $(seq 1 50); do [ "$(wc -l <"$logs/access.log.1")" -ge 3 ] && break; sleep 0.05; done
assert_equal 3 "$(wc -l <"$logs/access.log.1")" "lines in the kept log after a failed reopen"
[ ! -e "$logs/access.log" ] || fail "a new log file appeared although nobody cannot create it"
kill -0 "$SERVER_PID" || fail "server died after SIGHUP"
stop_server

# start_error EXPECTED-STDERR FLAGS...: http-serve must refuse to start with exit 1 and exactly this message.
start_error() {
    local expected="$1" code=0 err
    shift
    err="$("$HTTP_SERVE" --port 0 --root "$site" "$@" 2>&1 >/dev/null)" || code=$?
    assert_equal 1 "$code" "exit status for $*"
    assert_equal "$expected" "$err" "message for $*"
}
start_error "http-serve: error: --user 'no-such-user-here': no such user" --user no-such-user-here
start_error "http-serve: error: --group 'no-such-group-here': no such group" --user nobody --group no-such-group-here
start_error "http-serve: error: --group needs --user" --group nogroup
chmod 700 "$site"
start_error "http-serve: error: --root '$site' is not readable by nobody after dropping root" --user nobody
chmod 755 "$site"
code=0
err="$($AS_NOBODY "$HTTP_SERVE" --port 0 --root "$site" --user nobody 2>&1 >/dev/null)" || code=$?
assert_equal 1 "$code"
assert_equal "http-serve: error: --user needs root: only root can switch to another user" "$err"
# A number works as well as a name (darkhttpd accepts both).
start_server --root "$site" --user "$nobody_uid"
assert_equal "Uid:	$nobody_uid	$nobody_uid	$nobody_uid	$nobody_uid" "$(grep '^Uid:' "/proc/$SERVER_PID/status")"
echo "ok"
