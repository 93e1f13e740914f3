# --help documents every flag with its default; --version prints the version.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
help="$("$HTTP_SERVE" --help)" || fail "--help exited non-zero"
help="$(printf '%s\n' "$help" | tr -s ' \n' '  ')"  # unwrap the columns
for expected in "--root <root> Folder to serve. (default: www)" "--host <host>" "(default: 127.0.0.1)" \
    "--port <port>" "(default: 8080)" "--timeout <timeout>" "(default: 10)" "--access-log" \
    "(default: standard output)" "--quiet Write no access log (default: off)." "--dotfiles" "--no-listing" \
    "--max-request-line" "(default: 8192)" "--max-header-bytes" "(default: 65536)" "--max-headers" \
    "(default: 100)" "--version" "--help"; do
    assert_contains "$help" "$expected" "--help"
done
# The switches of issue 16, with their value names and defaults.
for expected in "--header <field>" "--cors <origin>" "--max-age <seconds>" "--index <name>" \
    "(repeatable; default: index.html)" "--mime-types <file>" "--default-type <type>" \
    "(default: application/octet-stream)"; do
    assert_contains "$help" "$expected" "--help"
done
# Every option the command declares appears with a default (flags say "default: off").
for flag in --dotfiles --no-listing --no-cache --no-error-page --spa; do
    printf '%s\n' "$help" | grep -q -- "$flag [^-]*(default: off" || fail "$flag has no default in --help"
done
assert_equal "0.3.0" "$("$HTTP_SERVE" --version)"
# Both commands report the one version (HTTPCore's http10Version).
assert_equal "0.3.0" "$("$HTTP_FETCH" --version)" "http-fetch --version"
