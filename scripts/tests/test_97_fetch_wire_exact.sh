# http-fetch's exact bytes and exit codes on odd replies (issue 17, defects 1-5), with curl beside it: interim
# 1xx heads skipped and written by -i; a NUL in the head (8); -i writes every head as received (LF-only
# endings, no reason phrase, non-ASCII reason, field spacing) and chunked trailers after the body; -w
# %{size_download} counts a cut body; curl's codes 1 and 8 for HTTP/0.9 and malformed heads; the stricter
# refusals (Content-Lengths that differ, a space before the colon) are 8 and listed divergences. The table is
# run by scripts/diff-client, which checks http-fetch's exact result and that curl gives the same (or, for a
# `!` case, differs as the README says).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
command -v curl >/dev/null || { echo "skipped: curl is not installed"; exit 77; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/cases" <<'CASES'
interim-100-103	-i -w %{http_code}	HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello	0 HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello200
interim-body-only	-w %{http_code}:%{size_header}:%{size_download}	HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello	0 hello200:88:5
interim-split	-i	HTTP/1.1 100 Continue\r\n{pause:0.1}\r\n{pause:0.1}HTTP/1.0 201 Created\r\n\r\nmade	0 HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 201 Created\r\n\r\nmade
interim-then-close	-i	HTTP/1.1 100 Continue\r\n\r\n
interim-head	-I	HTTP/1.1 102 Processing\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n	0 HTTP/1.1 102 Processing\r\n\r\nHTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n
nul-in-value	-i	HTTP/1.0 200 OK\r\nX-A: a\x00b\r\nContent-Length: 5\r\n\r\nhello	8 HTTP/1.0 200 OK\r\n
nul-in-name	-i	HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nX\x00A: b\r\n\r\nhello	8 HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n
nul-in-reason		HTTP/1.0 200 O\x00K\r\n\r\nhello	8
head-lf-only	-i	HTTP/1.0 200 OK\nA: b\n\nhi	0 HTTP/1.0 200 OK\nA: b\n\nhi
head-mixed-endings	-i	HTTP/1.0 200 OK\r\nA: b\n\r\nhi	0 HTTP/1.0 200 OK\r\nA: b\n\r\nhi
no-reason	-i	HTTP/1.0 200\r\nContent-Length: 2\r\n\r\nhi	0 HTTP/1.0 200\r\nContent-Length: 2\r\n\r\nhi
no-reason-space	-i	HTTP/1.0 404 \r\nContent-Length: 2\r\n\r\nno	0 HTTP/1.0 404 \r\nContent-Length: 2\r\n\r\nno
reason-non-ascii	-i	HTTP/1.0 200 \xc3\xa9t\xe9\r\n\r\nhi	0 HTTP/1.0 200 \xc3\xa9t\xe9\r\n\r\nhi
field-spacing-kept	-i	HTTP/1.0 200 OK\r\ncontent-LENGTH:2  \r\nX-Odd:\tv\r\n\r\nhi	0 HTTP/1.0 200 OK\r\ncontent-LENGTH:2  \r\nX-Odd:\tv\r\n\r\nhi
trailers	-i	HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n	0 HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nhiX-T: 1\r\nX-U: 2\r\n
trailers-lf	-i	HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\nX-T: 1\n\n	0 HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nhiX-T: 1\r\n
trailers-no-include		HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n	0 hi
cut-size-download	-w %{size_download}	HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nhello	18 hello5
cut-chunked-size-download	-w %{size_download}	HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\nde	18 abcde5
http09		hello world	1
http09-allowed	--http0.9	hello world	0 hello world
code-garbled	-i	HTTP/1.0 2x0 OK\r\n\r\nhi	1
code-short		HTTP/1.0 99 OK\r\n\r\nhi	1
code-long		HTTP/1.0 2000 OK\r\n\r\nhi	1
version-garbled		HTTP/1.x 200 OK\r\n\r\nhi	1
field-no-colon	-i	HTTP/1.0 200 OK\r\nNoColon\r\n\r\nhi	8 HTTP/1.0 200 OK\r\n
length-negative	-i	HTTP/1.0 200 OK\r\nContent-Length: -1\r\n\r\nhi	8 HTTP/1.0 200 OK\r\n
length-not-a-number	-i	HTTP/1.0 200 OK\r\nA: b\r\nContent-Length: abc\r\n\r\nhi	8 HTTP/1.0 200 OK\r\nA: b\r\n
length-conflict	-i	HTTP/1.0 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi	!8 HTTP/1.0 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n
space-before-colon	-i	HTTP/1.0 200 OK\r\nA : b\r\n\r\nhi	!8 HTTP/1.0 200 OK\r\n
CASES
DIFF_CLIENT_CASES="$tmp/cases" "$REPO_ROOT/scripts/diff-client"

# -v shows the heads as curl does: each line's bytes and ending as received, an interim head without its empty line.
start_fake_server canned-server --seconds 30 \
    --reply 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Hints\nLink: x\n\nHTTP/1.0 200 \xc3\xa9t\xe9\r\nX-A: \xe9\nContent-Length: 2\r\n\r\nhi'
curl -s --http1.0 -v "$FAKE_URL/" 2>&1 >/dev/null | grep -a '^<' >"$tmp/curl.v"
"$HTTP_FETCH" -v "$FAKE_URL/" 2>&1 >/dev/null | grep -a '^<' >"$tmp/fetch.v"
assert_equal_files "$tmp/curl.v" "$tmp/fetch.v"
printf '< HTTP/1.1 100 Continue\r\n< HTTP/1.1 103 Hints\n< Link: x\n< HTTP/1.0 200 \xc3\xa9t\xe9\r\n< X-A: \xe9\n< Content-Length: 2\r\n< \r\n' >"$tmp/want.v"
assert_equal_files "$tmp/want.v" "$tmp/fetch.v"
