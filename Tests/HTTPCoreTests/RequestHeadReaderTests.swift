import HTTPCore
import Testing

@Suite struct RequestHeadReaderTests {
    func feed(_ chunks: [String], limits: HTTPParserLimits = HTTPParserLimits()) -> [RequestHeadReader.Outcome] {
        var reader = RequestHeadReader(limits: limits)
        return chunks.map { reader.append(ArraySlice($0.utf8)) }
    }

    @Test func headTrickledByteByByte_completesAtTheEmptyLine() {
        let text = "GET /a HTTP/1.0\r\nHost: x\r\n\r\n"
        let outcomes = feed(text.map { String($0) })
        #expect(outcomes.dropLast().allSatisfy { $0 == .incomplete })
        guard case .complete(let request, let unread) = outcomes.last else {
            Issue.record("not complete: \(String(describing: outcomes.last))")
            return
        }
        #expect(request.target == "/a" && request.headers["Host"] == "x")
        #expect(!unread)
    }

    /// A head whole in its first read is parsed where it lies (nothing kept in `received`), yet the reader
    /// still counts as having received bytes; a first read that fails is kept for the access log's line.
    @Test func headWholeInTheFirstRead_isParsedInPlace_andTheReaderIsNotEmpty() {
        var reader = RequestHeadReader()
        guard case .complete(let request, false) = reader.append(ArraySlice("GET /a HTTP/1.0\r\n\r\n".utf8)) else {
            Issue.record("not complete")
            return
        }
        #expect(request.target == "/a" && !reader.isEmpty && reader.received.isEmpty)
        var refused = RequestHeadReader()
        guard case .failed = refused.append(ArraySlice("GET /a HTTP/2.0\r\n\r\n".utf8)) else {
            Issue.record("not refused")
            return
        }
        #expect(refused.received == Array("GET /a HTTP/2.0\r\n\r\n".utf8))
        var split = RequestHeadReader()
        #expect(split.append(ArraySlice("GET /a HTTP/1.0\r\n".utf8)) == .incomplete)
        guard case .complete(_, false) = split.append(ArraySlice("\r\n".utf8)) else {
            Issue.record("a head in two reads not complete")
            return
        }
    }

    @Test func simpleRequest_isCompleteAtItsFirstLineEnd() {
        guard case .complete(let request, false) = feed(["GET /old\r\n"]).last else {
            Issue.record("HTTP/0.9 request not complete")
            return
        }
        #expect(request.isSimpleRequest && request.target == "/old")
    }

    @Test(arguments: [
        ("GET / HTTP/1.0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\n\r\nextra", true),
        ("GET / HTTP/1.0\r\nContent-Length: 0\r\n\r\n", false),
        ("GET / HTTP/1.0\r\nContent-Length: 5\r\n\r\n", true),
        ("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", true),
    ])
    func unreadInput_followsTheHeadOrItsAnnouncedBody(text: String, expected: Bool) {
        guard case .complete(_, let unread) = feed([text]).last else {
            Issue.record("not complete")
            return
        }
        #expect(unread == expected)
    }

    @Test func bytesWithoutLineEnd_pastEveryLimit_fail() {
        let limits = HTTPParserLimits(maxRequestLineLength: 16, maxHeaderBytes: 32, maxHeaderCount: 4)
        // Up to the ceiling (16 + 32 + 4 bytes) a head without a line end is not even parsed.
        #expect(feed([String(repeating: "a", count: 52)], limits: limits) == [.incomplete])
        #expect(
            feed([String(repeating: "a", count: 53)], limits: limits) == [
                .failed(HTTPParseError(.uriTooLong, "request line too long"))
            ]
        )
    }

    @Test func oversizedHeaders_failWith431() {
        let limits = HTTPParserLimits(maxRequestLineLength: 64, maxHeaderBytes: 16, maxHeaderCount: 4)
        guard case .failed(let error) = feed(["GET / HTTP/1.0\r\nX: 0123456789abcdef\r\n"], limits: limits).last else {
            Issue.record("not refused")
            return
        }
        #expect(error.status.code == 431)
    }

    @Test func endOfInput_isSilentWhenEmpty_and400WhenHalfAHead() {
        var reader = RequestHeadReader()
        #expect(reader.endOfInput() == nil)
        #expect(reader.append(ArraySlice("GET / HT".utf8)) == .incomplete)
        #expect(reader.endOfInput()?.status.code == 400)
        #expect(reader.received == Array("GET / HT".utf8))
    }
}
