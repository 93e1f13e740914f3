import Fetch
import HTTPClient
import HTTPCore
import Sockets
import TestSupport
import Testing

/// Response reading against servers that misbehave on purpose.
@Suite struct ProtocolTests {
    @Test func noStatusLine_isRefused_unlessHTTP09() throws {
        let server = try RawServer(connections: 2) { _, _ in .bytes("just a body".bytes) }
        #expect { try Client().get(server.url()) } throws: {
            exitCode(of: $0) == 1 && "\($0)".contains("HTTP/0.9")
        }
        var options = ClientOptions()
        options.allowHTTP09 = true
        let (head, body) = try Client(options: options).get(server.url())
        #expect(head.version == HTTPVersion(major: 0, minor: 9))
        #expect(body == "just a body".bytes)
    }

    @Test func chunkedBody_isDecoded() throws {
        let reply =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
            + "5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: x\r\n\r\nGARBAGE"
        let server = try RawServer { _, _ in .bytes(reply.bytes) }
        #expect(try Client().get(server.url()).body == "hello, world".bytes)
    }

    @Test func chunkedBody_endingEarly_isExit18() throws {
        let server = try RawServer { _, _ in
            .bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel".bytes)
        }
        #expect { try Client().get(server.url()) } throws: { exitCode(of: $0) == 18 }
    }

    @Test func foldedAndDuplicatedHeaders_LFOnly_areParsed() throws {
        let reply = "HTTP/1.0 200 OK\nX-A: one\n  two\nX-B: 1\nX-B: 2\nContent-Length: 2\n\nokEXTRA"
        let server = try RawServer { _, _ in .bytes(reply.bytes) }
        let (head, body) = try Client().get(server.url())
        #expect(head.headers["X-A"] == "one two")
        #expect(head.headers.values(for: "X-B") == ["1", "2"])
        #expect(body == "ok".bytes)
    }

    @Test func conflictingContentLengths_areExit8() throws {
        let server = try RawServer { _, _ in .bytes("HTTP/1.0 200 OK\r\nContent-Length: 2, 3\r\n\r\nabc".bytes) }
        #expect { try Client().get(server.url()) } throws: { exitCode(of: $0) == 8 }
    }

    @Test func slowServer_pastMaxTime_isExit28() throws {
        let server = try RawServer { _, _ in
            .slow("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nab".bytes, pause: .seconds(3), rest: "cd".bytes)
        }
        let start = ContinuousClock.now
        #expect {
            _ = try Client().fetch(
                FetchRequest(url: try HTTPURL(parsing: server.url())),
                deadline: .now + .milliseconds(300)
            )
        } throws: { exitCode(of: $0) == 28 }
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func ipv6Literal_connectsToLoopback() throws {
        let server = try RawServer(host: "::1") { _, _ in .bytes("HTTP/1.0 200 OK\r\n\r\nsix".bytes) }
        #expect(server.url().hasPrefix("http://[::1]:"))
        #expect(try Client().get(server.url()).body == "six".bytes)
        #expect(server.received.first?.contains("\r\nHost: [::1]:\(server.port)\r\n") == true)
    }

    @Test func headResponse_hasNoBodyEvenWithContentLength() throws {
        let server = try RawServer { _, _ in .bytes("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n".bytes) }
        let response = try Client().fetch(FetchRequest(method: .head, url: try HTTPURL(parsing: server.url())))
        #expect(response.body.count == 0)
    }

    @Test func requestBody_isSentWithContentLength() throws {
        let server = try RawServer { _, _ in .bytes("HTTP/1.0 204 No Content\r\n\r\n".bytes) }
        _ = try Client().fetch(
            FetchRequest(method: .post, url: try HTTPURL(parsing: server.url("/form")), body: "a=1".bytes)
        )
        #expect(server.received.first?.hasPrefix("POST /form HTTP/1.0\r\n") == true)
        #expect(server.received.first?.hasSuffix("Content-Length: 3\r\n\r\na=1") == true)
    }
}
