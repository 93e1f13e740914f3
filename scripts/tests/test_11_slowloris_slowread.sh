# Slowloris and slow read with slowhttptest: 200 connections trickling header lines and 50 reading a 4 MiB file
# a few bytes at a time, for 6 s, while a normal client keeps fetching. Every normal fetch succeeds, the server
# holds every slow connection (no worker is tied up by one), its memory stays bounded, and once the attack
# ends its descriptors return to where they started.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
"$REPO_ROOT/scripts/install-deps" slowhttptest >/dev/null || fail "slowhttptest is not installed"
tmp="$(mktemp -d)"
trap 'touch "$tmp/stop"; stop_server; rm -rf "$tmp"' EXIT
mkdir "$tmp/site"
cp "$WWW/index.html" "$WWW/logo.png" "$tmp/site/"
head -c $((4 * 1024 * 1024)) /dev/urandom >"$tmp/site/big.bin"
start_server --root "$tmp/site" --quiet
before="$(server_fds)"
hc sample --pid "$SERVER_PID" --seconds 30 --stop-file "$tmp/stop" >"$tmp/sample" &
sampler=$!
timeout 30 slowhttptest -H -c 200 -r 200 -i 1 -l 6 -p 3 -u "${BASE}index.html" >"$tmp/loris" 2>&1 &
loris=$!
timeout 30 slowhttptest -X -c 50 -r 50 -l 6 -p 3 -w 512 -y 1024 -n 1 -z 32 -k 1 -u "${BASE}big.bin" \
    >"$tmp/slowread" 2>&1 &
slowread=$!
sleep 1
fetches="$(hc fetch-loop --port "$PORT" --path /logo.png --expect "$tmp/site/logo.png" --seconds 5 --pause 0.02)" ||
    fail "normal fetches failed during the attack: $fetches"
during="$(server_fds)"
wait "$loris" "$slowread" || true  # their own exit status is not the point: the server is
touch "$tmp/stop"
wait "$sampler"
echo "$fetches"
echo "descriptors: before $before, during $during"
cat "$tmp/sample"
requests=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$fetches")
[ "$requests" -ge 20 ] || fail "only $requests normal fetches in 5 s"
# 200 slowloris and 50 slow-read connections held at once (a few may have finished or not yet connected).
[ "$during" -ge $((before + 200)) ] || fail "the server held only $((during - before)) slow connections"
first=$(sed -n 's/.*rss_first_kib=\([0-9]*\).*/\1/p' "$tmp/sample")
peak=$(sed -n 's/.*rss_peak_kib=\([0-9]*\).*/\1/p' "$tmp/sample")
[ $((peak - first)) -lt 16384 ] || fail "resident memory grew by $((peak - first)) KiB under the attack"
# The slow clients are gone: lingering closes and idle timeouts return every descriptor.
for _ in $(seq 1 120); do [ "$(server_fds)" = "$before" ] && break; sleep 0.1; done
assert_equal "$before" "$(server_fds)" "descriptors after the attack"
