# scripts/browser-check in headless Chromium: /, a listing and a 404 render; every listing link answers 200
# with the file's bytes; human-readable sizes, ISO 8601 dates, no script; a page on another origin reads a
# file from a --cors server (with and without a preflight) and not from one without; --spa serves a route. scripts/install-deps installs
# Chromium; only where it cannot be installed does this test skip (exit 77: counted as skipped, not passed).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
if ! command -v chromium >/dev/null; then
    echo "skipped: chromium is not installed (scripts/install-deps chromium, then scripts/browser-check)"
    exit 77
fi
export HTTP_SERVE
shots="$(mktemp -d)"
trap 'rm -rf "$shots"' EXIT
out="$("$REPO_ROOT/scripts/browser-check" "$shots" 2>&1)" || fail "browser-check failed: $out"
echo "$out"
assert_contains "$out" "browser-check: all checks passed"
for shot in index listing not-found; do [ -s "$shots/$shot.png" ] || fail "no $shot.png"; done
