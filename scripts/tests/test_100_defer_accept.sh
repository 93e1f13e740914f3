# --defer-accept (TCP_DEFER_ACCEPT on the listener, 1 s by default): a client that has connected but sent nothing
# stays in the kernel (its server side in SYN-RECV, ss(8)) and reaches the server once the second is up; a client
# that sends is served at once; --defer-accept 0 hands a silent client over as soon as its handshake completes.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
# server_side STATE: how many of this server's connections ss lists in STATE (the listener not counted).
server_side() { ss -Htn state "$1" "( sport = :$PORT )" | wc -l; }

start_server --root "$WWW" --quiet --timeout 5
exec 5<>"/dev/tcp/127.0.0.1/$PORT"  # connected, silent
sleep 0.3
assert_equal 1 "$(server_side syn-recv)" "silent client kept in the kernel (SYN-RECV) during the deferral"
assert_equal 0 "$(server_side established)" "silent client handed to the server during the deferral"
assert_equal "$(cat "$WWW/hello.txt")" "$(curl -sf --max-time 2 "$BASE/hello.txt")" "a client that sends, meanwhile"
sleep 1.7  # the SYN-ACK retransmission at 1 s draws the client's ACK: the kernel hands the connection over
assert_equal 0 "$(server_side syn-recv)" "silent client still in the kernel after the deferral"
assert_equal 1 "$(server_side established)" "silent client held by the server after the deferral"
exec 5>&-
stop_server

# The same on an IPv6 listener (one code path, one option: checked all the same).
start_server --root "$WWW" --quiet --timeout 5 --host ::1
exec 5<>"/dev/tcp/::1/$PORT"
sleep 0.3
assert_equal 1 "$(server_side syn-recv)" "IPv6: silent client kept in the kernel during the deferral"
exec 5>&-
stop_server

start_server --root "$WWW" --quiet --timeout 5 --defer-accept 0
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
sleep 0.3
assert_equal 0 "$(server_side syn-recv)" "--defer-accept 0: silent client kept in the kernel"
assert_equal 1 "$(server_side established)" "--defer-accept 0: silent client accepted at once"
exec 5>&-
echo "ok: deferred accept (default 1 s, IPv4 and IPv6) and --defer-accept 0"
