# Shared helpers for the end-to-end scripts in scripts/tests. Source it; do not run it.
# Modelled on swift-nio's IntegrationTests/test_functions.sh.

# Where the built binaries are; run-tests.sh exports these after one `swift build`.
: "${HTTP_SERVE:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/debug/http-serve}"
: "${HTTP_FETCH:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.build/debug/http-fetch}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WWW="$REPO_ROOT/www"

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

assert_equal_files() {  # expected-file actual-file
    if ! cmp -s "$1" "$2"; then
        diff -u "$1" "$2" | head -n 40 >&2 || true
        fail "files differ: $1 $2"
    fi
}

# start_server [http-serve flags...]: starts the server on a free port, sets SERVER_PID, PORT, BASE.
# The server's stdout (first line "listening on http://HOST:PORT/", then the access log) goes to $SERVER_LOG.
# With SERVE_PREFIX set (see start_server_as_nobody), the server runs under that command.
start_server() {
    SERVER_LOG="$(mktemp)"
    SERVER_ERR="$(mktemp)"
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
        "listening on http://"*) ;;
        *) fail "unexpected first line: '$first'" ;;
    esac
    BASE="${first#listening on }"
    PORT="${BASE##*:}"
    PORT="${PORT%/}"
    # Chain, never replace, a cleanup the caller set before starting the server (temp folders).
    local previous=""
    if [ -n "$(trap -p EXIT)" ]; then
        eval "set -- $(trap -p EXIT)"
        previous="$3"
    fi
    # shellcheck disable=SC2064
    trap "stop_server; $previous" EXIT
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

# raw_request BYTES: sends BYTES (backslash escapes like \r\n decoded) to the server, half-closes,
# prints the reply. Command substitution drops trailing newlines, so capture with raw_reply.
raw_request() {
    python3 - "$PORT" "$1" <<'PY'
import socket, sys
port, data = int(sys.argv[1]), sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1")
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    out += chunk
sys.stdout.buffer.write(out)
PY
}

# raw_reply BYTES: sets REPLY to the exact reply to BYTES, trailing CRLFs included.
raw_reply() {
    REPLY="$(raw_request "$1"; echo .)"
    REPLY="${REPLY%.}"
}
