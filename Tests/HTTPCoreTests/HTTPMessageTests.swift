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
}
