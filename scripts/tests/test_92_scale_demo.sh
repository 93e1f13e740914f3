# scripts/scale-demo --fast: three http-serve instances behind HAProxy with health checks; ab and http-fetch
# through it while one instance is stopped; no request fails once HAProxy has marked it down, and
# http-fetch's half-close works through HAProxy's defaults (and --no-half-close through abortonclose).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
export HTTP_SERVE HTTP_FETCH
out="$("$REPO_ROOT/scripts/scale-demo" --fast 2>&1)" || fail "scale-demo failed: $out"
echo "$out"
assert_contains "$out" "scale-demo: all checks passed"
[ "$(grep -c '^  ok ' <<<"$out")" -eq 8 ] || fail "expected 8 passed checks: $out"
