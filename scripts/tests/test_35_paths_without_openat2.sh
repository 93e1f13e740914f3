# The path rules without openat2 (a kernel before 5.6, or a seccomp filter that refuses it): with
# HTTP10_NO_OPENAT2 set, http-serve takes the full path check (stat + realpath) for every target, and the
# path-attack, symlink and dotfile tests give the same answers as with the openat2 fast path.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
export HTTP10_NO_OPENAT2=1
for test in test_05_dotdot_refused test_18_path_attacks test_25_paths_symlinks_dotfiles; do
    output="$(bash "$(dirname "$0")/$test.sh" 2>&1)" || fail "$test without openat2: $output"
    case "$output" in *skipped*) fail "$test skipped: $output" ;; esac
    echo "ok $test without openat2"
done
