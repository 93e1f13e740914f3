# Start-up failures: one clear line on stderr and a non-zero exit. A missing root, a root that is a file, a port
# in use, a low port without privilege (as nobody) and an unwritable access log exit 1; bad flag values exit 64
# and name the valid range.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
expect_failure() {  # expected-exit expected-stderr-substring args...
    local want_status="$1" want="$2" status=0 err
    shift 2
    err="$(timeout 10 ${SERVE_PREFIX:-} "$HTTP_SERVE" "$@" 2>&1 >/dev/null)" || status=$?
    assert_equal "$want_status" "$status" "exit status of http-serve $*"
    assert_contains "$err" "$want" "stderr of http-serve $*"
}
file="$(mktemp)"
expect_failure 1 "http-serve: error: root '/no/such/folder': No such file or directory" --root /no/such/folder --port 0
expect_failure 1 "http-serve: error: root '$file' is not a folder" --root "$file" --port 0
start_server --root "$WWW" --quiet
expect_failure 1 "http-serve: error: cannot listen on 127.0.0.1:$PORT: bind: Address already in use (errno 98)" \
    --root "$WWW" --port "$PORT"
stop_server
if [ "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)" -gt 80 ]; then
    SERVE_PREFIX="$AS_NOBODY" expect_failure 1 \
        "http-serve: error: cannot listen on 127.0.0.1:80: bind: Permission denied (errno 13)" --root "$WWW" --port 80
else
    echo "note: unprivileged ports start at or below 80 here; low-port check skipped"
fi
expect_failure 1 "http-serve: error: cannot open access log: open: No such file or directory (errno 2)" \
    --root "$WWW" --port 0 --access-log /no/such/folder/log
expect_failure 64 "--port must be 0-65535, got 70000" --port 70000
expect_failure 64 "--port must be 0-65535, got -1" --port=-1
expect_failure 64 "--timeout must be 1-3600 seconds, got 0" --timeout 0
expect_failure 64 "--defer-accept must be 0-3600 seconds, got 3601" --defer-accept 3601
expect_failure 64 "--defer-accept must be 0-3600 seconds, got -1" --defer-accept=-1
expect_failure 64 "--max-request-line must be 256-1048576 bytes, got 10" --max-request-line 10
expect_failure 64 "--max-header-bytes must be 1024-16777216 bytes, got 99999999" --max-header-bytes 99999999
expect_failure 64 "--max-headers must be 1-10000, got 0" --max-headers 0
expect_failure 64 "--port" --port abc
expect_failure 64 "Unknown option '--frobnicate'" --frobnicate
rm -f "$file"
