# The access log is written in batches (one write per batch of a loop's lines, nginx's buffer=/flush=): a line
# waits at most about a second, SIGHUP writes what waits before reopening, and a stop writes everything, so
# under load the log holds exactly one line per response, to a file and to a pipe.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v ab >/dev/null || { echo "skipped: ab (apache2-utils) not installed"; exit 77; }
tmp="$(mktemp -d)"
add_exit_trap "rm -rf '$tmp'"
count_lines() { if [ -e "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }

# One request, nothing else: the line is written by the timer, within the flush second (plus slack).
start_server --root "$WWW" --access-log "$tmp/a.log" --workers 1
curl -sf -o /dev/null --http1.0 "${BASE}hello.txt"
for _ in $(seq 1 40); do [ "$(count_lines "$tmp/a.log")" -ge 1 ] && break; sleep 0.05; done
assert_equal 1 "$(count_lines "$tmp/a.log")" "line written by the one-second flush"

# SIGHUP writes the waiting lines at once (well before the flush second), to the file being rotated away.
for _ in 1 2 3; do curl -sf -o /dev/null --http1.0 "${BASE}hello.txt"; done
mv "$tmp/a.log" "$tmp/a.log.1"
kill -HUP "$SERVER_PID"
for _ in $(seq 1 6); do [ "$(count_lines "$tmp/a.log.1")" -ge 4 ] && break; sleep 0.05; done
assert_equal 4 "$(count_lines "$tmp/a.log.1")" "lines written on SIGHUP to the rotated file"
curl -sf -o /dev/null --http1.0 "${BASE}hello.txt"
# A stop writes what waits, at once.
stop_server
assert_equal 1 "$(count_lines "$tmp/a.log")" "line written at exit to the reopened file"
grep -q '"GET /hello.txt HTTP/1.0" 200 ' "$tmp/a.log" || fail "malformed line: $(cat "$tmp/a.log")"

# Under load with two loops: exactly one line per response, none lost or torn, to a file and to a pipe.
for destination in file pipe; do
    rm -f "$tmp/b.log"
    if [ "$destination" = file ]; then
        start_server --root "$WWW" --access-log "$tmp/b.log" --workers 2
    else
        # stdout through a pipe: the first line is the listening line, then the access log.
        mkfifo "$tmp/fifo"
        cat "$tmp/fifo" >"$tmp/b.log" &
        reader=$!
        SERVER_LOG="$tmp/b.log"
        "$HTTP_SERVE" --port 0 --root "$WWW" --workers 2 >"$tmp/fifo" 2>"$tmp/err" &
        SERVER_PID=$!
        add_exit_trap stop_server
        wait_for_file "$tmp/b.log"
        first="$(head -n 1 "$tmp/b.log")"
        BASE="${first#listening on }"
    fi
    ab -q -n 20000 -c 32 "${BASE}hello.txt" >"$tmp/ab.txt" 2>&1 || fail "ab: $(tail -n 5 "$tmp/ab.txt")"
    grep -q '^Failed requests: *0$' "$tmp/ab.txt" || fail "ab failures: $(grep Failed "$tmp/ab.txt")"
    ab -q -n 300 -c 4 "${BASE}logo.png" >"$tmp/ab.txt" 2>&1 || fail "ab: $(tail -n 5 "$tmp/ab.txt")"
    stop_server
    if [ "$destination" = pipe ]; then
        wait "$reader"
        rm -f "$tmp/fifo"
        sed -i 1d "$tmp/b.log"  # the listening line
    fi
    assert_equal 20300 "$(count_lines "$tmp/b.log")" "$destination: one line per response"
    assert_equal 20000 "$(grep -Ec '^127\.0\.0\.1 - - \[[^]]+\] "GET /hello\.txt HTTP/1\.0" 200 [0-9]+ "-" "ApacheBench/[^"]+"$' "$tmp/b.log")" \
        "$destination: whole hello.txt lines"
    assert_equal 300 "$(grep -c '"GET /logo.png HTTP/1.0" 200 ' "$tmp/b.log")" "$destination: logo.png lines"
done
