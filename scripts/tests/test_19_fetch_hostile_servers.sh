# http-fetch against servers that attack it: an endless header line, endless header fields, a gigantic or
# overflowing Content-Length, an endless body, a gzip bomb (256 MiB of zeros in 256 KiB) with --compressed,
# and garbage instead of a status line. Each ends with a clear one-line error and curl's exit status, within
# bounded memory (peak RSS under 64 MiB whatever the server sends).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
evil() {  # MODE: starts the misbehaving server, sets EVIL to its URL
    start_fake_server evil-server --mode "$1" --seconds 60 --stream-seconds 8 --bomb-bytes $((256 * 1024 * 1024))
    EVIL="$FAKE_URL/"
}
# expect STATUS MESSAGE-PART ARGS...: runs http-fetch, checks its exit status, its error line and its peak RSS.
expect() {
    local status="$1" message="$2"
    shift 2
    out="$(hc measure -- "$HTTP_FETCH" -o "$tmp/body" "$@" 2>"$tmp/err")"
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
expect 8 "invalid Content-Length" "$EVIL"
evil endless-body
expect 63 "Maximum file size exceeded (10485760 bytes)" --max-filesize 10485760 "$EVIL"
expect 28 "timed out" -m 1 "$EVIL"
evil gzip-bomb
expect 63 "Maximum file size exceeded (10485760 bytes)" --compressed --max-filesize 10485760 "$EVIL"
[ "$(stat -c %s "$tmp/body.part" 2>/dev/null || echo 0)" -le 10485760 ] || fail "more than --max-filesize written"
evil garbage
expect 1 "Received HTTP/0.9 when not allowed" "$EVIL"
evil garbage-status
expect 1 "Unsupported response code in HTTP response" "$EVIL"
