# --mime-types FILE (the /etc/mime.types format) adds to and overrides the built-in table, multi-dot
# extensions included; --default-type is the type of unknown extensions. An unreadable file or a malformed
# line stops the start (exit 1, naming FILE:LINE); a malformed --default-type exits 64.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
mkdir "$site/www"
for name in a.thing b.TXT c.spdx.json d.json e.unknownext README; do printf 'x' >"$site/www/$name"; done
cat >"$site/mime.types" <<'TYPES'
# comment lines and blank lines are skipped

text/x-thing        thing
application/x-mine  txt          # overrides the built-in text/plain
application/spdx+json  spdx.json
application/x-nothing
TYPES
type_of() { curl -s -o /dev/null -w '%{content_type}' "$BASE$1"; }

start_server --root "$site/www" --quiet --mime-types "$site/mime.types" --default-type 'text/plain; charset=utf-8'
assert_equal "text/x-thing; charset=utf-8" "$(type_of a.thing)" "a text type from the file gets the charset"
assert_equal "application/x-mine" "$(type_of b.TXT)" "the file overrides the built-in table, any case"
assert_equal "application/spdx+json" "$(type_of c.spdx.json)" "a multi-dot extension"
assert_equal "application/json" "$(type_of d.json)" "the built-in table still answers"
assert_equal "text/plain; charset=utf-8" "$(type_of e.unknownext)" "--default-type for an unknown extension"
assert_equal "text/plain; charset=utf-8" "$(type_of README)" "--default-type for no extension"
stop_server

start_server --root "$site/www" --quiet
assert_equal "application/octet-stream" "$(type_of e.unknownext)" "the default stays application/octet-stream"
assert_equal "text/plain; charset=utf-8" "$(type_of b.TXT)" "built-in .txt"
stop_server

if [ -r /etc/mime.types ]; then
    start_server --root "$site/www" --quiet --mime-types /etc/mime.types
    stop_server
fi

expect_failure() {  # status message args...
    local want_status="$1" want="$2" status=0 err
    shift 2
    err="$("$HTTP_SERVE" --root "$site/www" --port 0 "$@" 2>&1 >/dev/null)" || status=$?
    assert_equal "$want_status" "$status" "exit status of http-serve $*"
    assert_equal "$want" "$(head -n 1 <<<"$err")" "stderr of http-serve $*"
}
printf 'text/plain txt\nnonsense txt\n' >"$site/bad.types"
expect_failure 1 "http-serve: error: $site/bad.types:2: 'nonsense' is not a media type (type/subtype)" \
    --mime-types "$site/bad.types"
printf 'text/plain t/xt\n' >"$site/bad.types"
expect_failure 1 "http-serve: error: $site/bad.types:1: 't/xt' is not an extension" --mime-types "$site/bad.types"
expect_failure 1 "http-serve: error: --mime-types '/no/such/file': open: No such file or directory (errno 2)" \
    --mime-types /no/such/file
for bad in text 'text/' 'text/plain; charset' 'a b/c'; do
    expect_failure 64 "Error: --default-type must be a media type such as text/plain or text/plain; charset=utf-8, got '$bad'" \
        --default-type "$bad"
done
