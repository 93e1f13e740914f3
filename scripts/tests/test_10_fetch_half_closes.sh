# http-fetch sends its request, then shutdown(fd, SHUT_WR), and only then reads the response.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v strace >/dev/null || fail "strace is not installed (scripts/install-deps)"
start_server --root "$WWW" --quiet
trace="$(mktemp)"
strace -f -o "$trace" -e trace=shutdown,sendto,recvfrom,connect "$HTTP_FETCH" "$BASE" >/dev/null || fail "fetch failed"
grep -qE 'shutdown\([0-9]+, SHUT_WR\) += 0' "$trace" || { cat "$trace" >&2; fail "no shutdown(SHUT_WR)"; }
shutdown_line=$(grep -m 1 -n 'shutdown(' "$trace" | cut -d: -f1)
send_line=$(grep -m 1 -n 'sendto(' "$trace" | cut -d: -f1)
recv_line=$(grep -m 1 -n 'recvfrom(' "$trace" | cut -d: -f1)
[ "$send_line" -lt "$shutdown_line" ] || fail "shutdown came before the request was sent"
[ "$shutdown_line" -lt "$recv_line" ] || fail "the response was read before shutdown"
