# http-fetch against servers that attack it: an endless header line, endless header fields, a gigantic or
# overflowing Content-Length, an endless body, a gzip bomb (256 MiB of zeros in 256 KiB) with --compressed,
# and garbage instead of a status line. Each ends with a clear one-line error and curl's exit status, within
# bounded memory (peak RSS under 64 MiB whatever the server sends).
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
evil_pid=""
trap '[ -n "$evil_pid" ] && kill "$evil_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
evil() {  # MODE: starts the misbehaving server, sets EVIL to its URL
    [ -n "$evil_pid" ] && kill "$evil_pid" 2>/dev/null && wait "$evil_pid" 2>/dev/null
    rm -f "$tmp/port"
    python3 "$REPO_ROOT/scripts/hostile_clients.py" evil-server --mode "$1" --seconds 60 --stream-seconds 8 \
        --bomb-bytes $((256 * 1024 * 1024)) >"$tmp/port" &
    evil_pid=$!
    for _ in $(seq 1 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
    EVIL="http://127.0.0.1:$(head -n 1 "$tmp/port")/"
}
# expect STATUS MESSAGE-PART ARGS...: runs http-fetch, checks its exit status, its error line and its peak RSS.
expect() {
    local status="$1" message="$2"
    shift 2
    out="$(python3 "$REPO_ROOT/scripts/hostile_clients.py" measure -- "$HTTP_FETCH" -o "$tmp/body" "$@" 2>"$tmp/err")"
    echo "$* -> $out: $(head -c 200 "$tmp/err")"
    assert_contains "$out" "exit=$status " "http-fetch $*: $(cat "$tmp/err")"
    assert_contains "$(cat "$tmp/err")" "$message"
    local rss
    rss=$(sed -n 's/.*maxrss_kib=\([0-9]*\).*/\1/p' <<<"$out")
    [ "$rss" -lt 65536 ] || fail "http-fetch $* peaked at $rss KiB"
}
evil endless-header
expect 56 "response head larger than 262144 bytes" "$EVIL"
evil many-headers
expect 56 "response head larger than" "$EVIL"
evil huge-length
expect 18 "transfer closed with 9223372036854774783 bytes remaining" "$EVIL"
expect 63 "Maximum file size exceeded" --max-filesize 1000000 "$EVIL"
evil overflow-length
expect 56 "invalid Content-Length" "$EVIL"
evil endless-body
expect 63 "Maximum file size exceeded (10485760 bytes)" --max-filesize 10485760 "$EVIL"
expect 28 "timed out" -m 1 "$EVIL"
evil gzip-bomb
expect 63 "Maximum file size exceeded (10485760 bytes)" --compressed --max-filesize 10485760 "$EVIL"
[ "$(stat -c %s "$tmp/body.part" 2>/dev/null || echo 0)" -le 10485760 ] || fail "more than --max-filesize written"
evil garbage
expect 56 "no status line" "$EVIL"
evil garbage-status
expect 56 "malformed response head" "$EVIL"
