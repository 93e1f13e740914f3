# A POST with a body gets the whole 501 (with Allow), never a reset: the server closes lingeringly. Two clients:
# one that sends 1 MiB before reading, and one that reads only after the server has answered and would have
# closed (an abortive close then discards the reply in the client's kernel).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
start_server --root "$WWW" --quiet
out="$(hc post-linger --port "$PORT" --body-bytes $((1 << 20)))" || fail "501 not received intact: $out"
echo "$out"
out="$(hc post-linger --port "$PORT" --body-bytes 50000 --pause 0.5)" || fail "501 not received intact: $out"
echo "$out"
