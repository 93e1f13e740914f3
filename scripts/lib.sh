# Shared helpers for the end-to-end scripts in scripts/tests. Source it; do not run it.
# Modelled on swift-nio's IntegrationTests/test_functions.sh. Every test runs with `set -euo pipefail`: a
# command expected to fail is run through expect_exit (or `code=0; cmd || code=$?`), never left bare.

# Where the built binaries are; run-tests.sh exports these after one `swift build`.
: "${HTTP_SERVE:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/debug/http-serve}"
: "${HTTP_FETCH:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/debug/http-fetch}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WWW="$REPO_ROOT/www"
# The scripts' one module of raw clients and throwaway servers.
HOSTILE_CLIENTS="$REPO_ROOT/scripts/hostile_clients.py"

# hc SUBCOMMAND [options...]: runs a subcommand of scripts/hostile_clients.py.
hc() { python3 "$HOSTILE_CLIENTS" "$@"; }

# A test stopped by run-tests.sh's timeout (SIGTERM) or by ^C must still run its EXIT trap: bash runs none when
# a signal it does not trap kills it, and the servers the test started would outlive it (holding ports, and
# any lock the test's parent held). Trapping the signal turns it into an ordinary exit.
trap 'exit 143' TERM
trap 'exit 130' INT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

assert_equal() {  # expected actual [message]
    if [ "$1" != "$2" ]; then
        fail "${3:-values differ}: expected '$1', got '$2'"
    fi
}

assert_contains() {  # haystack needle [message]
    case "$1" in
        *"$2"*) ;;
        *) fail "${3:-missing text}: '$2' not found in: $1" ;;
    esac
}

assert_between() {  # value low high [message]: low <= value <= high, decimals allowed
    awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }' ||
        fail "${4:-value out of range}: $1 is not within $2..$3"
}

# expect_exit CODE COMMAND...: runs COMMAND, whose failure does not stop the test, and fails unless it exits CODE.
expect_exit() {
    local want="$1" code=0
    shift
    "$@" || code=$?
    assert_equal "$want" "$code" "exit status of $*"
}

assert_equal_files() {  # expected-file actual-file
    if ! cmp -s "$1" "$2"; then
        diff -u "$1" "$2" | head -n 40 >&2 || true
        fail "files differ: $1 $2"
    fi
}

# start_server [http-serve flags...]: starts the server on a free port, sets SERVER_PID, PORT, BASE.
# The server's stdout (first line "listening on http://HOST:PORT/", https:// with --tls-cert, then the access
# log) goes to $SERVER_LOG.
# With SERVE_PREFIX set (see start_server_as_nobody), the server runs under that command.
start_server() {
    SERVER_LOG="$(mktemp)"
    SERVER_ERR="$(mktemp)"
    add_exit_trap "rm -f '$SERVER_LOG' '$SERVER_ERR'"  # after stop_server, which the trap below puts first
    ${SERVE_PREFIX:-} "$HTTP_SERVE" --port 0 "$@" >"$SERVER_LOG" 2>"$SERVER_ERR" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        if [ -s "$SERVER_LOG" ]; then break; fi
        kill -0 "$SERVER_PID" 2>/dev/null || fail "server exited at start: $(cat "$SERVER_ERR")"
        sleep 0.05
    done
    local first
    first="$(head -n 1 "$SERVER_LOG")"
    case "$first" in
        "listening on http://"* | "listening on https://"*) ;;
        *) fail "unexpected first line: '$first'" ;;
    esac
    BASE="${first#listening on }"
    PORT="${BASE##*:}"
    PORT="${PORT%/}"
    add_exit_trap stop_server
}

# start_server_traced TRACE_FILE STRACE_OPTIONS [http-serve flags...]: start_server under
# `strace -f -qq STRACE_OPTIONS -o TRACE_FILE` (the options one string, split into words: "-y -e trace=pread64").
start_server_traced() {
    local trace="$1" options="$2"
    shift 2
    SERVER_TRACE="$trace"
    SERVE_PREFIX="strace -f -qq $options -o $trace" start_server "$@"
    add_exit_trap stop_traced_server
}

# For a server started with start_server_traced tracing openat, openat2 and newfstatat (the kept files' fast path,
# README Engine). traced_opens PATH: the opens of the file at PATH (below the root) so far: openat2 relative to the
# root, or openat of the absolute path without openat2 (a PATH "x.html" counts "a/x.html" too).
traced_opens() { grep -cE "open(at|at2)\([^,]*, \"([^\"]*/)?$1\"" "$SERVER_TRACE" || true; }
# traced_fast PATH: the fast path's fstatats of PATH (relative to the root descriptor: no other call passes a number).
traced_fast() { grep -cE "newfstatat\([0-9]+, \"$1\"" "$SERVER_TRACE" || true; }
# traced_last_access PATH: what the last call on PATH was: "open" or "fast".
traced_last_access() {
    grep -E "open(at|at2)\([^,]*, \"([^\"]*/)?$1\"|newfstatat\([0-9]+, \"$1\"" "$SERVER_TRACE" | tail -n 1 |
        sed -E 's/.*(newfstatat).*/fast/; s/.*open(at|at2)\(.*/open/'
}

# `strace -o FILE PROG` blocks SIGTERM (its -I 3): at exit, first stop the server under it (then strace ends).
stop_traced_server() {
    local child
    for child in $(pgrep -P "$SERVER_PID" || true); do kill -TERM "$child" 2>/dev/null || true; done
}

# add_exit_trap COMMAND: runs COMMAND at exit before whatever EXIT trap was set already (chains, never replaces
# the caller's cleanup of temp folders).
add_exit_trap() {
    local command="$*" previous=""
    if [ -n "$(trap -p EXIT)" ]; then
        eval "set -- $(trap -p EXIT)"
        previous="$3"
    fi
    # shellcheck disable=SC2064
    trap "$command; $previous" EXIT
}

# As nobody (uid/gid 65534, no groups): root reads chmod-000 files, so permission tests must drop root.
AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# start_server_as_nobody [http-serve flags...]: start_server with the server running as nobody.
start_server_as_nobody() {
    SERVE_PREFIX="$AS_NOBODY" start_server "$@"
}

stop_server() {
    if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

# server_fds: how many descriptors the server holds now.
server_fds() { ls "/proc/$SERVER_PID/fd" | wc -l; }

# wait_for_file FILE [TRIES]: waits (TRIES x 50 ms, default 200) until FILE exists and is not empty.
wait_for_file() {
    for _ in $(seq 1 "${2:-200}"); do
        if [ -s "$1" ]; then return 0; fi
        sleep 0.05
    done
    fail "$1 never appeared"
}

# wait_for_log PATTERN [FILE]: waits (up to 3 s) until FILE (default $SERVER_LOG) has a line matching the
# extended regex PATTERN. Access-log lines are written in batches, within about a second of their response
# (and in that second, lines of different workers may come in either order). Returns 0 either way: the
# caller's assertion says what is missing.
wait_for_log() {
    local file="${2:-$SERVER_LOG}"
    for _ in $(seq 1 60); do
        if grep -Eq -- "$1" "$file" 2>/dev/null; then return 0; fi
        sleep 0.05
    done
}

# stop_job PID: stops a background job of the test (TERM, then reaps it); quiet if it has already ended.
stop_job() {
    if [ -n "${1:-}" ]; then
        kill "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}

# start_fake_server SUBCOMMAND [options...]: starts a throwaway server of hostile_clients.py (evil-server,
# canned-server, range-server) in the background, stopping the previous one; sets FAKE_PID and FAKE_URL
# (http://127.0.0.1:PORT, no slash). It is stopped at exit.
start_fake_server() {
    stop_fake_server
    local port_file
    port_file="$(mktemp)"
    # Not through hc: a function runs in a subshell, and $! would be that shell, not the server it leaves behind.
    python3 "$HOSTILE_CLIENTS" "$@" >"$port_file" &
    FAKE_PID=$!
    wait_for_file "$port_file"
    FAKE_URL="http://127.0.0.1:$(head -n 1 "$port_file")"
    rm -f "$port_file"
    if [ -z "${FAKE_TRAP:-}" ]; then
        FAKE_TRAP=1
        add_exit_trap stop_fake_server
    fi
}

stop_fake_server() {
    stop_job "${FAKE_PID:-}"
    FAKE_PID=""
}

# raw_request BYTES: sends BYTES (backslash escapes like \r\n decoded) to the server, half-closes,
# prints the reply. Command substitution drops trailing newlines, so capture with raw_reply.
raw_request() {
    hc exchange --port "$PORT" --half-close --send="$1"
}

# raw_reply BYTES: sets REPLY to the exact reply to BYTES, trailing CRLFs included.
raw_reply() {
    raw_exchange --half-close --send="$1"
}

# raw_exchange [exchange options...]: sets REPLY to the exact bytes the server sent back (hostile_clients.py
# exchange: --send, --fill, --half-close, --pause); fails the test if the exchange failed (a reset, say).
raw_exchange() {
    local file
    file="$(mktemp)"
    hc exchange --port "$PORT" "$@" >"$file" || fail "raw exchange failed: $*"
    REPLY="$(cat "$file"; echo .)"
    REPLY="${REPLY%.}"
    rm -f "$file"
}

# traced_scratch: how a test that counts a server's calls under strace begins (test_64, test_65): fails without
# strace; sets site and outside (new folders) and trace (a new file), all removed at exit.
traced_scratch() {
    command -v strace >/dev/null || fail "strace is not installed (scripts/install-deps)"
    site="$(mktemp -d)"
    outside="$(mktemp -d)"
    trace="$(mktemp)"
    add_exit_trap "rm -rf '$site' '$outside' '$trace'"
}

# openat2_mode: "openat2", or "no openat2" in a run with HTTP10_NO_OPENAT2 set (the stat + realpath check instead).
openat2_mode() { if [ -n "${HTTP10_NO_OPENAT2:-}" ]; then echo "no openat2"; else echo openat2; fi; }

# also_without_openat2 SCRIPT: at the end of a test's first run, runs SCRIPT again with HTTP10_NO_OPENAT2=1 and prints
# its output (failing if it fails); in that second run, does nothing.
also_without_openat2() {
    [ -z "${HTTP10_NO_OPENAT2:-}" ] || return 0
    local output
    output="$(HTTP10_NO_OPENAT2=1 bash "$1" 2>&1)" || fail "without openat2: $output"
    echo "$output"
}

# settled FILE: waits until FILE's ctime lies before the clock's previous whole second (at most 3 s): from then on
# the server's loops keep its bytes (SmallFileCache.isSettled, README Engine).
settled() {
    local changed
    changed="$(stat -c %Z "$1")"
    while [ "$(date +%s)" -lt $((changed + 2)) ]; do sleep 0.1; done
}

# undated TEXT: sets UNDATED to TEXT with the Date field's value replaced by DATE, so a whole response head
# can be compared byte for byte.
undated() {
    UNDATED="${1/Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] [0-9][0-9][0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] GMT/Date: DATE}"
}

# nginx_conf DIR HTTP-BLOCK: writes DIR/nginx.conf for an nginx of our own (one worker, in the foreground, every
# path under DIR, as root when we are root) whose http block holds HTTP-BLOCK; start it with nginx_start DIR.
nginx_conf() {
    local dir="$1" user_line=""
    [ "$(id -u)" -eq 0 ] && user_line="user root root;"
    mkdir -p "$dir/logs"
    cat >"$dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 64; }
http {
    access_log $dir/logs/access.log;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
$2
}
CONF
}

# nginx_start DIR [PREFIX...]: starts the nginx that nginx_conf wrote, in the background, under PREFIX (a command
# such as `taskset -c 0`) if given; sets NGINX_PID.
nginx_start() {
    local dir="$1"
    shift
    "$@" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
    NGINX_PID=$!
}

# fetch_and_curl CODE ARGS...: http-fetch and curl (the reference) with ARGS both exit CODE; their outputs stay in
# the test's $tmp as {ours,curl}.{out,err}.
fetch_and_curl() {
    local expected="$1" code=0
    shift
    "$HTTP_FETCH" "$@" >"${tmp:?}/ours.out" 2>"$tmp/ours.err" || code=$?
    assert_equal "$expected" "$code" "http-fetch $* exit status ($(cat "$tmp/ours.err"))"
    code=0
    curl -sS "$@" >"$tmp/curl.out" 2>"$tmp/curl.err" || code=$?
    assert_equal "$expected" "$code" "curl $* exit status, the reference ($(cat "$tmp/curl.err"))"
}

# Helpers of the benchmark scripts (scripts/bench, bench-tls, bench-log).

# bench_page FILE: writes the benchmarks' small page, exactly 1024 bytes of HTML (a head, numbered lines cut short,
# the closing tags).
bench_page() {
    local page
    page="$(
        printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>bench</title></head><body>\n'
        for i in $(seq 0 39); do printf '<p>line %03d of a small page</p>\n' "$i"; done
    )"
    printf '%s</body></html>\n' "${page:0:$((1024 - 15))}" >"$1"
    [ "$(wc -c <"$1")" -eq 1024 ] || fail "bench_page: $1 is not 1024 bytes"
}

# wait_http URL [CURL-FLAGS...]: waits up to 5 s until URL answers with a 2xx; fails otherwise.
wait_http() {
    local url="$1"
    shift
    for _ in $(seq 1 100); do
        curl -sf -o /dev/null "$@" "$url" && return 0
        sleep 0.05
    done
    fail "$url did not answer"
}

# process_tree PID: PID and its children (nginx's master and its worker).
process_tree() { echo "$1" $(pgrep -P "$1" || true); }

# cpu_ticks PID: user + system CPU time of PID and its children so far, in clock ticks (fields 14 and 15 of
# /proc/PID/stat, all threads included; proc(5)).
cpu_ticks() {
    local total=0 p
    for p in $(process_tree "$1"); do total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
    echo "$total"
}

# us_per_request TICKS REQUESTS: CPU clock ticks spread over REQUESTS, in microseconds each.
us_per_request() {
    awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }'
}

# peak_kib PID: the peak resident memory (VmHWM) of PID and its children, summed, in KiB.
peak_kib() {
    local total=0 p
    for p in $(process_tree "$1"); do total=$((total + $(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status"))); done
    echo "$total"
}

# ab_rps REQUESTS URL [AB-FLAGS...]: `ab -n REQUESTS -c 32` on core 1; prints requests/s, and failures on stderr.
ab_rps() {
    local count="$1" url="$2"
    shift 2
    taskset -c 1 ab -q "$@" -n "$count" -c 32 "$url" 2>&1 |
        awk '/^Requests per second:/ { print $4 } /^Failed requests:/ { if ($3 > 0) print "failed " $3 > "/dev/stderr" }'
}

# median: the median of the numbers on standard input (whitespace-separated; the lower middle of an even count).
median() { tr -s ' \t' '\n\n' | sort -n | awk 'NF { a[++n] = $1 } END { print a[int((n + 1) / 2)] }'; }

# ratio A B: A/B as "1.23x", or "-" when B is not positive.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
