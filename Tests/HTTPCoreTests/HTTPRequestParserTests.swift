import HTTPCore
import Testing

private func parse(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) throws(HTTPParseError) -> HTTPRequest?
{
    try HTTPRequestParser(limits: limits).parse(Array(text.utf8))?.request
}

private func status(of text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> Int? {
    do {
        _ = try parse(text, limits: limits)
        return nil
    } catch {
        return error.status.code
    }
}

@Suite struct HTTPRequestParserTests {
    @Test func requestLine_http10_isParsed() throws {
        let request = try #require(try parse("GET /a/b?c=d HTTP/1.0\r\nHost: x\r\nUser-Agent: t\r\n\r\n"))
        #expect(request.method == .get)
        #expect(request.target == "/a/b?c=d")
        #expect(request.version == .http1_0)
        #expect(request.headers["host"] == "x")
        #expect(request.headers["USER-AGENT"] == "t")
        #expect(request.requestLine == "GET /a/b?c=d HTTP/1.0")
    }

    @Test func headLength_excludesBody() throws {
        let bytes = Array("POST / HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc".utf8)
        let result = try #require(try HTTPRequestParser().parse(bytes))
        #expect(result.headLength == bytes.count - 3)
    }

    @Test func simpleRequest_http09_hasNoVersion() throws {
        let request = try #require(try parse("GET /hello.txt\r\n"))
        #expect(request.version == nil)
        #expect(request.isSimpleRequest)
    }

    @Test func lfOnlyLineEndings_areAccepted() throws {
        let request = try #require(try parse("GET / HTTP/1.0\nHost: a\n\n"))
        #expect(request.headers["Host"] == "a")
    }

    @Test func incompleteHead_returnsNil() throws {
        #expect(try parse("GET / HTTP/1.0\r\nHost: a\r\n") == nil)
        #expect(try parse("GET / HT") == nil)
    }

    @Test func higherMinorVersion_isTreatedAs11() throws {
        let request = try #require(try parse("GET / HTTP/1.2\r\nHost: a\r\n\r\n"))
        #expect(request.version == .http1_1)
        #expect(request.requestLine == "GET / HTTP/1.2")  // The log shows the line as received.
    }

    /// The request line is the bytes received (ISO-8859-1 decoded), whatever the method, target and version.
    @Test func requestLine_isTheLineAsReceived() throws {
        let lines: [[UInt8]] = [
            Array("GET /old".utf8), Array("HEAD /x HTTP/1.1".utf8), Array("BREW /pot?x=%41 HTTP/1.0".utf8),
            Array("GET http://h/a#f HTTP/1.0".utf8), Array("GET /caf".utf8) + [0xE9] + Array(" HTTP/1.0".utf8),
        ]
        for line in lines {
            let head = line + Array("\r\nHost: h\r\n\r\n".utf8)
            let request = try #require(try HTTPRequestParser().parse(line.count == 8 ? line + [0x0A] : head)?.request)
            #expect(request.requestLine == String(latin1: line))
        }
    }

    @Test func leadingEmptyLine_isIgnored() throws {
        #expect(try parse("\r\nGET / HTTP/1.0\r\n\r\n")?.target == "/")
    }

    @Test(arguments: [
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("GET / HTTP/3.0\r\n\r\n", 505),
        ("GET / HTTP/1.1\r\n\r\n", 400),  // 1.1 without Host
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET / HTTX/1.0\r\n\r\n", 400),
        ("GET / HTTP/1\r\n\r\n", 400),
        ("GET / HTTP/1.0 extra\r\n\r\n", 400),
        ("GET  / HTTP/1.0\r\n\r\n", 400),
        ("GET\r\n\r\n", 400),
        ("GET index.html HTTP/1.0\r\n\r\n", 400),
        ("G(T / HTTP/1.0\r\n\r\n", 400),
        ("POST /x\r\n", 400),  // HTTP/0.9 is GET only
        ("GET / HTTP/1.0\rX\r\n\r\n", 400),  // bare CR
        ("GET / HTTP/1.0\r\nA: b\rc\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nNo colon\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nBad Name: x\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nName : x\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nA: b\r\n folded\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nContent-Length: x\r\n\r\n", 400),
        ("GET / HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400),
        // RFC 9112 §6.1: Transfer-Encoding in HTTP/1.0 is faulty framing; with Content-Length, smuggling bait.
        ("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400),
        // RFC 9112 §6.3 (4): chunked not the final coding, the length cannot be known.
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400),
    ])
    func malformedRequest_getsExactStatus(text: String, expected: Int) {
        #expect(status(of: text) == expected)
    }

    @Test func requestLineOverLimit_is414_evenBeforeItEnds() {
        let long = "GET /" + String(repeating: "a", count: 9000)
        #expect(status(of: long) == 414)
        #expect(status(of: long + " HTTP/1.0\r\n\r\n") == 414)
    }

    @Test func requestLineAtLimit_isAccepted() throws {
        let target = "/" + String(repeating: "a", count: 8192 - "GET  HTTP/1.0".count - 1)
        let line = "GET \(target) HTTP/1.0"
        #expect(line.utf8.count == 8192)
        #expect(try parse(line + "\r\n\r\n")?.target == target)
    }

    @Test func headerSectionOverLimit_is431() {
        let header = "X-Big: " + String(repeating: "b", count: 70000) + "\r\n"
        #expect(status(of: "GET / HTTP/1.0\r\n" + header + "\r\n") == 431)
        #expect(status(of: "GET / HTTP/1.0\r\n" + header) == 431)
    }

    @Test func tooManyHeaders_is431() {
        let headers = (0..<101).map { "X-\($0): v\r\n" }.joined()
        #expect(status(of: "GET / HTTP/1.0\r\n" + headers + "\r\n") == 431)
        let fine = (0..<100).map { "X-\($0): v\r\n" }.joined()
        #expect(status(of: "GET / HTTP/1.0\r\n" + fine + "\r\n") == nil)
    }

    @Test func obsTextInHeaderValue_isKeptByteForByte() throws {
        let bytes: [UInt8] = Array("GET / HTTP/1.0\r\nX: ".utf8) + [0xE9, 0xFF] + Array("\r\n\r\n".utf8)
        let request = try #require(try HTTPRequestParser().parse(bytes)?.request)
        #expect(request.headers["X"]?.latin1Bytes == [0xE9, 0xFF])
    }
}
