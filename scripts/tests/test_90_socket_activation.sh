# systemd socket activation (sd_listen_fds(3)) with systemd-socket-activate(1): http-serve serves the
# passed socket instead of binding (--port names the very port, so binding it would fail), with two
# workers sharing it; logrotate with the shipped config (SIGHUP) makes it reopen the access log while it
# keeps serving; it stops on SIGTERM with status 0, and rejects bad LISTEN_* input.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v systemd-socket-activate >/dev/null || fail "systemd-socket-activate missing: scripts/install-deps systemd"
command -v logrotate >/dev/null || fail "logrotate missing: scripts/install-deps logrotate"

LOG="$(mktemp)"
ERR="$(mktemp)"
ACT_PID=""
trap 'stop_job "$ACT_PID"' EXIT

# activate PORT [http-serve flags...]: systemd-socket-activate listens on PORT and starts http-serve on
# the first connection.
activate() {
    local port="$1"
    shift
    systemd-socket-activate -l "127.0.0.1:$port" "$HTTP_SERVE" "$@" >"$LOG" 2>"$ERR" &
    ACT_PID=$!
    for _ in $(seq 1 100); do
        grep -q "Listening on 127.0.0.1:$port as 3" "$ERR" && return 0
        kill -0 "$ACT_PID" 2>/dev/null || fail "systemd-socket-activate exited: $(cat "$ERR")"
        sleep 0.05
    done
    fail "systemd-socket-activate did not listen: $(cat "$ERR")"
}

PORT="$(hc free-port)"
ACCESS="$(mktemp -d)"
activate "$PORT" --root "$WWW" --port "$PORT" --workers 2 --access-log "$ACCESS/access.log"
[ -s "$LOG" ] && fail "http-serve started before the first connection: $(cat "$LOG")"

# The first connection starts http-serve; it waits in the passed socket's queue and gets its answer.
body="$(mktemp)"
code="$(curl -sS --max-time 10 -o "$body" -w '%{http_code}' "http://127.0.0.1:$PORT/hello.txt")"
assert_equal 200 "$code" "first request through the passed socket"
assert_equal_files "$WWW/hello.txt" "$body"
assert_equal "listening on http://127.0.0.1:$PORT/" "$(head -n 1 "$LOG")" "first line"
# Lines are written in batches, within about a second.
for _ in $(seq 1 60); do [ -s "$ACCESS/access.log" ] && break; sleep 0.05; done
assert_contains "$(cat "$ACCESS/access.log")" '"GET /hello.txt HTTP/1.1" 200 69' "access log"
grep -q "error" "$ERR" && fail "stderr has an error: $(cat "$ERR")"

# The server process: systemd-socket-activate's child, or itself after exec.
SERVE_PID="$(ps -o pid= --ppid "$ACT_PID" | tr -d ' ' | sed -n 1p || true)"  # none after an exec
[ -n "$SERVE_PID" ] || SERVE_PID="$ACT_PID"
assert_contains "$(cat "/proc/$SERVE_PID/cmdline" | tr '\0' ' ')" "http-serve"
# It holds the passed socket as fd 3 and listens on no other socket of its own.
listening="$(ss -Hltnp "sport = :$PORT" | grep -c "pid=$SERVE_PID,fd=3" || true)"
assert_equal 1 "$listening" "http-serve listens on the passed fd 3"
others="$(ss -Hltnp | grep "pid=$SERVE_PID," | grep -vc "fd=3)" || true)"
assert_equal 0 "$others" "http-serve bound a socket of its own"

# Both workers' loops accept from it: 60 concurrent requests, every one a 200 with the whole body.
codes="$(seq 1 60 | xargs -P 20 -I{} curl -sS --max-time 10 -o /dev/null -w '%{http_code} %{size_download}\n' \
    "http://127.0.0.1:$PORT/logo.png" | sort | uniq -c | tr -s ' ')"
assert_equal " 60 200 $(stat -c %s "$WWW/logo.png")" "$codes" "concurrent requests"
[ "$(ls "/proc/$SERVE_PID/task" | wc -l)" -ge 2 ] || fail "fewer than 2 threads with --workers 2"

# logrotate with the shipped scripts/systemd/http-serve.logrotate (its path and its postrotate pointed at
# this server): it renames the log and sends SIGHUP; the server goes on serving the passed socket and
# writes to a new file of the old name.
sed -e "s|/var/log/http-serve/access.log|$ACCESS/access.log|" \
    -e "s|systemctl reload http-serve.service.*|kill -HUP $SERVE_PID|" \
    "$REPO_ROOT/scripts/systemd/http-serve.logrotate" >"$ACCESS/logrotate.conf"
rotated="$(logrotate -v -f -s "$ACCESS/state" "$ACCESS/logrotate.conf" 2>&1)" || fail "logrotate failed: $rotated"
grep -q "^error" <<<"$rotated" && fail "logrotate: $rotated"
[ -e "$ACCESS/access.log.1" ] || fail "logrotate did not rotate: $rotated"
for _ in $(seq 1 100); do [ -e "$ACCESS/access.log" ] && break; sleep 0.05; done
assert_equal 200 "$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")" "after SIGHUP"
for _ in $(seq 1 100); do grep -q '"GET / HTTP/1.1" 200' "$ACCESS/access.log" 2>/dev/null && break; sleep 0.05; done
assert_equal 1 "$(grep -c '"GET / HTTP/1.1" 200' "$ACCESS/access.log")" "request after SIGHUP in the reopened log"
assert_equal 61 "$(wc -l <"$ACCESS/access.log.1")" "lines in the rotated log (1 + 60 before the SIGHUP)"
rm -rf "$ACCESS"
# SIGTERM stops it with status 0.
kill -TERM "$SERVE_PID"
status=0
if [ "$SERVE_PID" = "$ACT_PID" ]; then
    wait "$ACT_PID" || status=$?
else
    for _ in $(seq 1 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$SERVE_PID" 2>/dev/null && fail "http-serve still running after SIGTERM"
    stop_job "$ACT_PID"
fi
assert_equal 0 "$status" "exit status after SIGTERM"

# Two passed sockets: refused with one line, exit 1.
P1="$(hc free-port)"
P2="$(hc free-port)"
systemd-socket-activate -l "127.0.0.1:$P1" -l "127.0.0.1:$P2" "$HTTP_SERVE" --root "$WWW" >"$LOG" 2>"$ERR" &
ACT_PID=$!
for _ in $(seq 1 100); do grep -q "as 4" "$ERR" && break; sleep 0.05; done
curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$P1/" || true
for _ in $(seq 1 100); do grep -q "http-serve:" "$ERR" && break; sleep 0.05; done
assert_contains "$(cat "$ERR")" "http-serve: error: socket activation: 2 sockets passed; http-serve serves one"
stop_job "$ACT_PID"

# LISTEN_PID of another process: the variables are not ours, so it binds --port as usual.
LISTEN_PID=1 LISTEN_FDS=1 start_server --root "$WWW"
assert_equal 200 "$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$BASE")" "LISTEN_PID of another process"
stop_server

# LISTEN_PID naming us, fd 3 not a socket; and a malformed LISTEN_FDS: exit 1 with one line each.
status=0
out="$(bash -c 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" --root "$1" --port 0 3</dev/null' "$HTTP_SERVE" "$WWW" 2>&1)" ||
    status=$?
assert_equal 1 "$status" "exit status, fd 3 not a socket"
assert_equal "http-serve: error: socket activation: passed descriptor 3 is not a socket" "$out"
status=0
out="$(bash -c 'LISTEN_PID=$$ LISTEN_FDS=x exec "$0" --root "$1" --port 0' "$HTTP_SERVE" "$WWW" 2>&1)" || status=$?
assert_equal 1 "$status" "exit status, malformed LISTEN_FDS"
assert_equal "http-serve: error: socket activation: LISTEN_FDS is not a descriptor count: 'x'" "$out"
# The shipped unit pair parses cleanly (no unknown keys, no warnings), pointed at the built binary.
units="$(mktemp -d)"
cp "$REPO_ROOT/scripts/systemd/http-serve.socket" "$REPO_ROOT/scripts/systemd/http-serve.service" "$units/"
sed -i "s|/usr/local/bin/http-serve|$HTTP_SERVE|" "$units/http-serve.service"
verify="$(cd "$units" && systemd-analyze verify --man=no ./http-serve.socket ./http-serve.service 2>&1)" ||
    fail "systemd-analyze verify failed: $verify"
assert_equal "" "$verify" "systemd-analyze verify output"
grep -q '^ListenStream=' "$units/http-serve.socket" || fail "no ListenStream= in the socket unit"
rm -rf "$units"
echo "socket activation: ok"
