# Basic authentication: --auth USER:PASSWORD and --auth-file (htpasswd: bcrypt from htpasswd -B, sha512-crypt
# from openssl passwd -6). Wrong, missing, malformed and unknown-user credentials all get the same 401 with
# the challenge; the access log names the user; an unknown hash format stops the start naming the line; a
# wrong password costs the same order of time for an existing and a missing user.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
htpasswd -cbB -C 10 "$dir/users" alice 'open sesame' 2>/dev/null
printf 'bob:%s\n' "$(openssl passwd -6 'hunter2')" >>"$dir/users"
start_server --root "$WWW" --auth-file "$dir/users" --auth 'carol:pa:ss' --auth-realm 'files "here"'
url="${BASE}hello.txt"
code() { curl -s -o /dev/null -w '%{http_code}' "$@" "$url"; }
assert_equal 200 "$(code -u 'alice:open sesame')" "bcrypt, right password"
assert_equal 200 "$(code -u 'bob:hunter2')" "sha512-crypt, right password"
assert_equal 200 "$(code -u 'carol:pa:ss')" "--auth, a password with a colon"
assert_equal 401 "$(code -u 'alice:wrong')" "bcrypt, wrong password"
assert_equal 401 "$(code -u 'bob:hunter3')" "sha512-crypt, wrong password"
assert_equal 401 "$(code -u 'carol:pa')" "--auth, wrong password"
assert_equal 401 "$(code -u 'mallory:open sesame')" "unknown user"
assert_equal 401 "$(code)" "no credentials"
assert_equal 401 "$(code -H 'Authorization: Basic !!notbase64!!')" "malformed base64"
assert_equal 401 "$(code -H 'Authorization: Basic YWxpY2U=')" "no colon"
assert_equal 401 "$(code -H 'Authorization: Bearer abc')" "other scheme"
assert_equal 401 "$(code -H 'Authorization: Basic')" "no token"
# The same page and challenge whatever was wrong: nothing tells whether the user exists.
wrong="$(curl -s -D - -u 'alice:wrong' "$url" | grep -v '^Date:')"
missing="$(curl -s -D - -u 'mallory:wrong' "$url" | grep -v '^Date:')"
assert_equal "$wrong" "$missing" "wrong password and unknown user answer alike"
assert_contains "$wrong" $'WWW-Authenticate: Basic realm="files \\"here\\"", charset="UTF-8"\r'
assert_contains "$wrong" "<h1>401 Unauthorized</h1>"
assert_equal "$(cat "$WWW/hello.txt")" "$(curl -s -u 'alice:open sesame' "$url")" "the body"
# HEAD: the 401 head without its page.
head_reply="$(curl -s -I "$url")"
assert_contains "$head_reply" "HTTP/1.0 401 Unauthorized"
# The access log's third field is the user, '-' when none was let in.
curl -s -o /dev/null -u 'bob:hunter2' "$url"
curl -s -o /dev/null -u 'bob:nope' "$url"
wait_for_log '^127\.0\.0\.1 - bob \[.*\] "GET /hello\.txt HTTP/1\.1" 200 '
wait_for_log '" 401 [0-9]+ "-" "curl/'
grep -Eq '^127\.0\.0\.1 - bob \[.*\] "GET /hello\.txt HTTP/1\.1" 200 ' "$SERVER_LOG" || fail "no log line for bob: $(cat "$SERVER_LOG")"
grep -Eq '^127\.0\.0\.1 - - \[.*\] "GET /hello\.txt HTTP/1\.1" 401 ' "$SERVER_LOG" ||
    fail "no 401 line without a user: $(cat "$SERVER_LOG")"
if grep -Eq ' - bob .* 401 ' "$SERVER_LOG"; then fail "401 logged with a user: $(cat "$SERVER_LOG")"; fi
# Timing: a wrong password for an existing bcrypt user and for a missing user, median of 11 each. The
# missing user is checked against a dummy hash, so both cost a bcrypt run (about 100 ms at cost 10, against
# well under 1 ms without it). Only the order of magnitude is asserted: no tight bound on a shared machine.
timing="$(hc auth-timing --port "$PORT" --existing alice --missing mallory --rounds 11)" ||
    fail "timing differs by an order of magnitude: $timing"
echo "wrong password: $timing"
stop_server
# An unknown hash format is a start-up error naming the file and line; so is a missing file.
printf '# users\nalice:%s\ndave:$apr1$abc$def\n' "$(openssl passwd -6 x)" >"$dir/bad"
code=0
out="$("$HTTP_SERVE" --port 0 --root "$WWW" --auth-file "$dir/bad" 2>&1)" || code=$?
assert_equal 1 "$code" "exit status with an \$apr1\$ hash"
assert_equal "http-serve: error: $dir/bad:3: unsupported hash for user 'dave' (use htpasswd -B or openssl passwd -6)" "$out"
expect_exit 1 "$HTTP_SERVE" --port 0 --root "$WWW" --auth-file "$dir/none" 2>/dev/null
expect_exit 1 "$HTTP_SERVE" --port 0 --root "$WWW" --auth nocolon 2>/dev/null
# Passwords in clear on a non-loopback address: a warning on stderr (0.0.0.0 is only bound, never sent to).
start_server --root "$WWW" --host 0.0.0.0 --auth 'a:b'
sleep 0.1
assert_contains "$(cat "$SERVER_ERR")" "warning: --auth on plain HTTP on 0.0.0.0: passwords travel in clear"
