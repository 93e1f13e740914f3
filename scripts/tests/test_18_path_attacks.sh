# A table of 65 hostile targets (scripts/hostile_clients.py PATH_TABLE): dot-segments in every spelling and
# encoding, double encoding, overlong UTF-8, backslashes, NUL, symbolic links out of the root and back up,
# '..' after a link, absolute-form targets naming other hosts. Each is refused (400), absent (404) or served
# from inside the root; none returns the secret that sits beside the root.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
parent="$(mktemp -d)"
trap 'stop_server; rm -rf "$parent"' EXIT
site="$parent/site"
outside="$parent/outside"
mkdir -p "$site/docs" "$outside"
printf 'secret-%s\n' "$RANDOM$RANDOM" >"$parent/secret.txt"
cp "$parent/secret.txt" "$outside/secret.txt"
printf 'hello\n' >"$site/hello.txt"
printf 'SECRET=1\n' >"$site/.env"
ln -s "$outside" "$site/out-dir"
ln -s "$outside/secret.txt" "$site/out-file"
ln -s loop "$site/loop"
ln -s .. "$site/up"
ln -s .. "$site/docs/up"
ln -s /etc "$site/abs-etc"
ln -s .env "$site/env-link"
for flags in "" "--dotfiles"; do
    # shellcheck disable=SC2086 # the flags are words
    start_server --root "$site" --quiet $flags
    out="$(hc paths --port "$PORT" --root "$site" \
        --secret "$parent/secret.txt" ${flags:+--dotfiles})" || fail "path table ($flags): $out"
    echo "$out"
    assert_contains "$out" "targets=65 bad=0"
    stop_server
done
