# Targets that climb out of the root are 400; symbolic links whose real path is outside the root are 404, links
# inside are served; dotfiles and dot-folders are 404 (unless --dotfiles) except /.well-known/.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
site="$(mktemp -d)"
outside="$(mktemp -d)"
printf 'outside secret\n' >"$outside/secret.txt"
printf 'hello\n' >"$site/hello.txt"
printf 'SECRET=1\n' >"$site/.env"
mkdir -p "$site/.git" "$site/.well-known" "$site/docs"
printf '[core]\n' >"$site/.git/config"
printf 'Contact: mailto:x@example.com\n' >"$site/.well-known/security.txt"
ln -s "$outside/secret.txt" "$site/out-file"
ln -s "$outside" "$site/out-dir"
ln -s hello.txt "$site/in-link"
ln -s .env "$site/env-link"
start_server --root "$site" --quiet
code() { curl -s --path-as-is -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$1"; }
for target in "/../" "/..%2f" "/%2e%2e/" "/%2E%2E%2Fetc%2Fpasswd" "/docs/../../" "/docs/%2e%2e/%2e%2e/etc/passwd" \
    "/a%00b" "/%zz" "/%4"; do
    assert_equal 400 "$(code "$target")" "$target"
done
assert_equal 200 "$(code /docs/../hello.txt)" "dot-segments inside the root"
assert_equal 200 "$(code //hello.txt)" "repeated slashes"
assert_equal 200 "$(code '/hello.txt?x=../../etc')" "query stripped"
assert_equal 404 "$(code /out-file)" "link to a file outside"
assert_equal 404 "$(code /out-dir/secret.txt)" "file through a link to a folder outside"
assert_equal 200 "$(code /in-link)" "link inside"
assert_equal "hello" "$(curl -s "${BASE}in-link")"
for target in /.env /.git/config /.git/ /env-link /%2eenv /docs/../.env; do
    assert_equal 404 "$(code "$target")" "$target"
done
assert_equal 200 "$(code /.well-known/security.txt)" ".well-known"
stop_server
start_server --root "$site" --quiet --dotfiles
assert_equal 200 "$(code /.env)" "--dotfiles"
assert_equal 200 "$(code /.git/config)" "--dotfiles"
assert_equal 404 "$(code /out-file)" "--dotfiles keeps the link rule"
rm -rf "$site" "$outside"
