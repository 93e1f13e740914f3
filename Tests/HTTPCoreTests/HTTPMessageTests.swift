import HTTPCore
import Testing

@Suite struct HTTPMessageTests {
    @Test func date_formatsIMFFixdate() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }

    @Test func responseHead_serializesExactBytes() {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "5")
        let head = HTTPResponseHead(status: .ok, headers: headers)
        #expect(String(decoding: head.serialized(), as: UTF8.self) == "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n")
    }

    @Test func headers_lookupIsCaseInsensitiveAndOrdered() {
        var headers = HTTPHeaders()
        headers.add(name: "Set-Cookie", value: "a")
        headers.add(name: "set-cookie", value: "b")
        #expect(headers.values(for: "SET-COOKIE") == ["a", "b"])
        headers.replaceOrAdd(name: "Set-Cookie", value: "c")
        #expect(headers.values(for: "set-cookie") == ["c"])
    }

    @Test func responseParser_readsStatusAndFoldedHeaders() throws {
        let text = "HTTP/1.1 404 Not Found\nX-A: one\n  two\nX-A: three\n\nbody"
        let (head, length) = try #require(try HTTPResponseParser().parse(Array(text.utf8)))
        #expect(head.status.code == 404)
        #expect(head.version == .http1_1)
        #expect(head.headers.values(for: "x-a") == ["one two", "three"])
        #expect(length == text.utf8.count - 4)
    }

    @Test func responseParser_withoutStatusLine_isRefused() {
        #expect(throws: HTTPResponseParser.Failure.noStatusLine) {
            try HTTPResponseParser().parse(Array("<html>".utf8))
        }
    }

    @Test func responseParser_endlessHeader_isBounded() {
        let bytes = Array("HTTP/1.0 200 OK\r\nX: ".utf8) + [UInt8](repeating: 0x61, count: 300_000)
        #expect(throws: HTTPResponseParser.Failure.headTooLarge(256 * 1024)) { try HTTPResponseParser().parse(bytes) }
    }

    @Test(arguments: [
        ("HTTP/1.0 2x0 OK\r\n\r\n", "Unsupported response code in HTTP response"),
        ("HTTP/1.0 099 OK\r\n\r\n", "Unsupported response code in HTTP response"),
        ("HTTP/1.0 2000 OK\r\n\r\n", "Unsupported response code in HTTP response"),
        ("HTTP/1.x 200 OK\r\n\r\n", "Unsupported HTTP version in response"),
        ("HTTP/2 200\r\n\r\n", "Unsupported HTTP version in response"),
    ])
    func responseParser_unreadableStatusLine_isUnsupported(text: String, why: String) {
        #expect(throws: HTTPResponseParser.Failure.unsupportedStatusLine(why)) {
            try HTTPResponseParser().parse(Array(text.utf8))
        }
    }

    @Test(arguments: [
        ("HTTP/1.0 200 O\u{0}K\r\n\r\n", "Nul byte in header", 0),
        ("HTTP/1.0 200 OK\r\nA: 1\r\nX-A: a\u{0}b\r\n\r\n", "Nul byte in header", 23),
        ("HTTP/1.0 200 OK\nNoColon\n\n", "header line without a name and colon", 16),
        ("HTTP/1.0 200 OK\r\n folded\r\n\r\n", "continuation line before any field", 17),
        ("HTTP/1.0 200 OK\r\nA: 1\r\nB : 2\r\n\r\n", "bad header name", 23),
    ])
    func responseParser_malformedLine_saysWhereItStarts(text: String, why: String, lineStart: Int) {
        #expect(throws: HTTPResponseParser.Failure.malformed(why, lineStart: lineStart)) {
            try HTTPResponseParser().parse(Array(text.utf8))
        }
    }

    @Test func responseParser_keepsAMissingReasonPhraseMissing_andNonASCIIBytes() throws {
        let (head, _) = try #require(try HTTPResponseParser().parse(Array("HTTP/1.0 200\r\n\r\n".utf8)))
        #expect(head.status.code == 200)
        let bytes = Array("HTTP/1.0 200 ".utf8) + [0xC3, 0xA9, 0xE9] + Array("\r\n\r\n".utf8)
        let (other, _) = try #require(try HTTPResponseParser().parse(bytes))
        #expect(other.status.reasonPhrase.latin1Bytes == [0xC3, 0xA9, 0xE9])
    }
}
