import Fetch
import HTTPClient
import HTTPCore
import Testing

@Suite struct PolicyTests {
    @Test(arguments: [
        ("http://h/a/b/c?q", "d", "http://h/a/b/d"),
        ("http://h/a/b/c", "../d?x=1", "http://h/a/d?x=1"),
        ("http://h/a/b/c", "/top", "http://h/top"),
        ("http://h/a/b/c", "?only", "http://h/a/b/c?only"),
        ("http://h:81/a", "//other:82/x", "http://other:82/x"),
        ("http://h/a", "http://k/z", "http://k/z"),
        ("http://h/a/", "./b/../c/.", "http://h/a/c/"),
        ("http://h/a", "/s p", "http://h/s%20p"),
    ])
    func location_resolvesAgainstBase(base: String, location: String, expected: String) throws {
        #expect(try HTTPURL(parsing: base).resolving(location).description == expected)
    }

    @Test func location_ftp_isExit1() throws {
        #expect { try RequestPolicy.redirectTarget("ftp://h/", from: HTTPURL(parsing: "http://h/")) } throws: {
            ($0 as? FetchError)?.exitCode == 1 && "\($0)".contains("ftp://h/")
        }
    }

    @Test func location_https_isFollowed_andChangesTheOrigin() throws {
        let from = try HTTPURL(parsing: "http://h/a")
        let next = try RequestPolicy.redirectTarget("https://h/b", from: from)
        #expect(next.description == "https://h/b")
        #expect(next.port == 443)
        // Same host, other scheme and port: credentials must not follow (CVE-2022-27776).
        #expect(!next.hasSameOrigin(as: from))
        #expect(!(try HTTPURL(parsing: "https://h:80/")).hasSameOrigin(as: from))
        // A network-path reference keeps the scheme of the page it is on (RFC 3986 §5.2.2).
        #expect(try next.resolving("//other/x").description == "https://other/x")
    }

    @Test(arguments: [
        ("http://h/dir/file.tar.gz?x=1", "file.tar.gz"), ("http://h/", nil), ("http://h", nil),
        ("http://h/a/..", nil),
    ])
    func remoteFileName_isLastSegment(url: String, name: String?) throws {
        #expect(try HTTPURL(parsing: url).remoteFileName == name)
    }

    @Test func headerLines_addRemoveAndEmpty() {
        let (headers, omitted) = RequestPolicy.parseHeaderLines(["X-A: 1", "Accept:", "X-Empty;", "junk"])
        #expect(headers["X-A"] == "1")
        #expect(headers["X-Empty"] == "")
        #expect(headers.count == 2)
        #expect(omitted == ["Accept"])
    }

    @Test(arguments: [
        ("Aladdin:open sesame", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), ("u", "Basic dTo="), ("ab:", "Basic YWI6"),
    ])
    func basicAuthorization_isBase64(credentials: String, expected: String) {
        #expect(RequestPolicy.basicAuthorization(credentials) == expected)
    }

    @Test func proxy_fromEnvironment_respectsNoProxy() throws {
        let url = try HTTPURL(parsing: "http://www.example.com/")
        let env: [String: String] = ["http_proxy": "proxy.test:3128", "no_proxy": "localhost,.other.org"]
        let proxy = try RequestPolicy.proxy(for: url, explicit: nil, noProxy: nil) { env[$0] }
        #expect(proxy?.host == "proxy.test")
        #expect(proxy?.port == 3128)
        #expect(try RequestPolicy.proxy(for: url, explicit: nil, noProxy: "example.com") { env[$0] } == nil)
        #expect(try RequestPolicy.proxy(for: url, explicit: "", noProxy: nil) { env[$0] } == nil)
        #expect(try RequestPolicy.proxy(for: url, explicit: "p", noProxy: nil) { _ in nil }?.port == 1080)
        // The upper-case HTTP_PROXY is ignored, as curl ignores it ("httpoxy").
        #expect(try RequestPolicy.proxy(for: url, explicit: nil, noProxy: nil) { ["HTTP_PROXY": "p:1"][$0] } == nil)
    }

    @Test(arguments: [
        ("a.example.com", "example.com", true), ("example.com", ".example.com", true),
        ("badexample.com", "example.com", false), ("x", "*", true), ("::1", "[::1]", true), ("h", "", false),
    ])
    func noProxy_matching(host: String, list: String, bypass: Bool) {
        #expect(RequestPolicy.bypassesProxy(host: host, noProxy: list) == bypass)
    }

    @Test func redirectedMethod_followsRFC9110AndCurl() {
        #expect(RequestPolicy.redirectedMethod(.post, body: [1], status: 303) == (.get, nil))
        #expect(RequestPolicy.redirectedMethod(.head, body: nil, status: 303) == (.head, nil))
        #expect(RequestPolicy.redirectedMethod(.post, body: [1], status: 302) == (.get, nil))
        #expect(RequestPolicy.redirectedMethod(.post, body: [1], status: 307) == (.post, [1]))
        #expect(RequestPolicy.redirectedMethod(.put, body: [1], status: 301) == (.put, [1]))
    }

    @Test func transientStatuses() {
        #expect([408, 429, 500, 502, 503, 504].allSatisfy(RequestPolicy.isTransient(status:)))
        #expect(![200, 404, 501, 505].contains(where: RequestPolicy.isTransient(status:)))
        #expect(RequestPolicy.retryDelay(attempt: 0, fixed: nil) == .seconds(1))
        #expect(RequestPolicy.retryDelay(attempt: 3, fixed: nil) == .seconds(8))
        #expect(RequestPolicy.retryDelay(attempt: 30, fixed: nil) == .seconds(600))
    }

    @Test func resumeVerdicts() {
        func head(_ code: Int, _ range: String?) -> HTTPResponseHead {
            var headers = HTTPHeaders()
            if let range { headers.add(name: "Content-Range", value: range) }
            return HTTPResponseHead(status: HTTPStatus(code: code), headers: headers)
        }
        #expect(RequestPolicy.resumeVerdict(for: head(206, "bytes 10-19/20"), offset: 10) == .append)
        #expect(RequestPolicy.resumeVerdict(for: head(206, "bytes 0-19/20"), offset: 10) != .append)
        #expect(RequestPolicy.resumeVerdict(for: head(416, "bytes */10"), offset: 10) == .complete)
        #expect(RequestPolicy.resumeVerdict(for: head(416, "bytes */30"), offset: 10) != .complete)
        #expect(RequestPolicy.resumeVerdict(for: head(200, nil), offset: 10) != .append)
    }

    @Test func writeOut_expandsVariablesAndEscapes() {
        var info = TransferInfo()
        info.statusCode = 404
        info.bodyBytes = 1234
        info.total = .milliseconds(1500)
        let (text, unknown) = WriteOut.expand("%{http_code} %{size_download} %{time_total}%%\\n%{nope}", info)
        #expect(text == "404 1234 1.500000%\n")
        #expect(unknown == ["nope"])
        #expect(WriteOut.expand("%{http_code}", TransferInfo()).text == "000")
    }
}
