import Fetch
import HTTPClient
import HTTPCore
import Sockets
import System
import TestSupport
import Testing

/// A one-shot raw-socket server that reads the request and answers with `reply`, then closes.
@discardableResult
func withRawServer<R>(reply: [UInt8], _ body: (UInt16) throws -> R) throws -> R {
    try body(try RawServer { _, _ in .bytes(reply) }.port)
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}

/// curl's exit code for a ``ClientError``, as `http-fetch` would exit: the assertions the tests made when
/// the client threw ``FetchError`` itself.
func exitCode(of error: any Error) -> Int32? {
    (error as? ClientError).map { FetchError($0).exitCode }
}

@Suite struct ClientTests {
    @Test func https_defaultPort_isLeftOutOfHostAndDescription() throws {
        let url = try HTTPURL(parsing: "https://example.test/a")
        #expect(url.scheme == .https)
        #expect(url.hostHeader == "example.test")
        #expect(url.description == "https://example.test/a")
        #expect(url.authority == "example.test:443")
        let other = try HTTPURL(parsing: "https://example.test:80/")
        #expect(other.hostHeader == "example.test:80")
        #expect(try HTTPURL(parsing: "http://[::1]/").authority == "[::1]:80")
    }

    @Test(arguments: [
        ("http://example.test/", "example.test", 80, "/"),
        ("http://example.test", "example.test", 80, "/"),
        ("example.test:8080/a?b", "example.test", 8080, "/a?b"),
        ("http://[::1]:8080/x", "::1", 8080, "/x"),
        ("http://u:p@h:81/", "h", 81, "/"),
        ("http://h/a b/é", "h", 80, "/a%20b/%C3%A9"),
        ("http://h?q=1", "h", 80, "/?q=1"),
        ("http://h/p#frag", "h", 80, "/p"),
        ("https://h/x", "h", 443, "/x"),
        ("HTTPS://[::1]:8443/", "::1", 8443, "/"),
    ])
    func url_parses(text: String, host: String, port: Int, target: String) throws {
        let url = try HTTPURL(parsing: text)
        #expect(url.host == host)
        #expect(Int(url.port) == port)
        #expect(url.target == target)
    }

    @Test(arguments: [
        ("gopher://h/", Int32(1)), ("ftp://h/", 1), ("http://", 3), ("http://h:99999/", 3), ("http://[::1/", 3),
        ("http://h:x/", 3),
    ])
    func badURL_exitCode(text: String, code: Int32) {
        #expect { try HTTPURL(parsing: text) } throws: { exitCode(of: $0) == code }
    }

    @Test func hostHeader_includesPortUnless80() throws {
        #expect(try HTTPURL(parsing: "http://h/").hostHeader == "h")
        #expect(try HTTPURL(parsing: "http://h:8080/").hostHeader == "h:8080")
        #expect(try HTTPURL(parsing: "http://[::1]:8080/").hostHeader == "[::1]:8080")
    }

    @Test func requestHead_isHTTP10WithHostAgentAccept() throws {
        let head = Client().makeRequestHead(FetchRequest(url: try HTTPURL(parsing: "http://h:81/p")))
        #expect(
            String(latin1: head.serialized())
                == "GET /p HTTP/1.0\r\nHost: h:81\r\nUser-Agent: http-fetch/\(http10Version)\r\nAccept: */*\r\n\r\n"
        )
    }

    @Test func shortBody_isExit18() throws {
        let reply = Array("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc".utf8)
        try withRawServer(reply: reply) { port throws in
            let exchange = try Client().open(FetchRequest(url: try HTTPURL(parsing: "http://127.0.0.1:\(port)/")))
            _ = try exchange.readHead()
            let (body, error) = readToFailure(exchange)
            #expect(error == .cutBody(received: 3, expected: 10))
            #expect(error.map(FetchError.init) == .partialFile(remaining: 7))
            #expect(body == Array("abc".utf8))
        }
    }

    @Test func emptyReply_isExit52() throws {
        try withRawServer(reply: []) { port throws in
            let error = #expect(throws: ClientError.emptyReply) { try Client().get("http://127.0.0.1:\(port)/") }
            #expect(error.map(FetchError.init) == .emptyReply)
        }
    }

    @Test func bodyWithoutLength_readsToEOF() throws {
        try withRawServer(reply: Array("HTTP/1.0 200 OK\r\n\r\nall of it".utf8)) { port throws in
            #expect(try Client().get("http://127.0.0.1:\(port)/").body == Array("all of it".utf8))
        }
    }

    @Test func connectionRefused_isExit7() throws {
        let probe = try Socket(family: .ipv4)
        try probe.bind(to: try SocketAddress.resolve(host: "127.0.0.1", port: 0)[0])
        let port = try probe.localAddress().port
        probe.close()
        #expect { try Client().get("http://127.0.0.1:\(port)/") } throws: { exitCode(of: $0) == 7 }
    }

    @Test func unresolvableHost_isExit6() {
        #expect { try Client().get("http://no-such-host.invalid/") } throws: { exitCode(of: $0) == 6 }
    }
}
