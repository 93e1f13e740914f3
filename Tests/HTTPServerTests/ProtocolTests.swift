import HTTPCore
import HTTPServer
import Sockets
import TestSupport
import Testing

/// Wire-level rules that hold for any engine: versions, limits, timeouts, lingering close.
@Suite struct ProtocolTests {
    @Test(arguments: [
        ("GET / HTTP/2.0\r\n\r\n", "HTTP/1.0 505 HTTP Version Not Supported"),
        ("GET / HTTP/3.0\r\n\r\n", "HTTP/1.0 505 HTTP Version Not Supported"),
        ("GET / HTTP/1.2\r\n\r\n", "HTTP/1.0 400 Bad Request"),  // treated as 1.1, which needs Host
        ("GET / HTTP/1.2\r\nHost: x\r\n\r\n", "HTTP/1.0 200 OK"),
        ("GET / HTTP/1.1\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.0 200 OK"),
        ("GET / HTTP/1.0\n\n", "HTTP/1.0 200 OK"),
        ("GET / HTTP/1.0\rX: y\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET / HTTP/1.0\r\nX: a\rb\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET / HTTP/1.x\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET / http/1.0\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET hello.txt HTTP/1.0\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET http://example.com/hello.txt HTTP/1.0\r\n\r\n", "HTTP/1.0 200 OK"),
        ("GET  / HTTP/1.0\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET /..%2f..%2fetc/passwd HTTP/1.0\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.0\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET /a%00b HTTP/1.0\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("GET /%zz HTTP/1.0\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        ("POST / HTTP/1.0\r\n\r\n", "HTTP/1.0 501 Not Implemented"),
        ("BREW /pot HTTP/1.0\r\n\r\n", "HTTP/1.0 501 Not Implemented"),
    ])
    func requestLine_getsExactStatusLine(text: String, expected: String) throws {
        try withServer { server throws in
            let reply = try exchange(server, text)
            #expect(statusLine(reply) == expected)
            #expect(reply.contains("\r\nConnection: close\r\n"))
        }
    }

    @Test func simpleRequest_getsBodyOnly_evenForErrors() throws {
        try withServer { server throws in
            #expect(try exchange(server, "GET /hello.txt\r\n") == String(latin1: try readFile(wwwPath + "/hello.txt")))
            let missing = try exchange(server, "GET /nope\r\n")
            #expect(missing.hasPrefix("<!DOCTYPE html>") && missing.contains("404 Not Found"))
        }
    }

    @Test func errorPages_echoNothingFromTheRequest() throws {
        try withServer { server throws in
            for text in ["GET /<script>x</script>%zz HTTP/1.0\r\n\r\n", "<script> / HTTP/1.0\r\n\r\n"] {
                let reply = try exchange(server, text)
                #expect(!reply.contains("<script>"))
                let body = reply.split(separator: "\r\n\r\n", maxSplits: 1).last.map(String.init) ?? ""
                #expect(reply.contains("\r\nContent-Length: \(body.utf8.count)\r\n"))
                #expect(reply.contains("\r\nContent-Type: text/html; charset=utf-8\r\n"))
            }
        }
    }

    @Test func limits_give414And431_andTheServerKeepsServing() throws {
        try withServer({ $0.limits.maxRequestLineLength = 300 }) { server throws in
            let long = "GET /" + String(repeating: "a", count: 400) + " HTTP/1.0\r\n\r\n"
            #expect(statusLine(try exchange(server, long)) == "HTTP/1.0 414 URI Too Long")
            let justFits = "GET /" + String(repeating: "a", count: 280) + " HTTP/1.0\r\n\r\n"
            #expect(statusLine(try exchange(server, justFits)) == "HTTP/1.0 404 Not Found")
            let many = "GET / HTTP/1.0\r\n" + String(repeating: "X: y\r\n", count: 101) + "\r\n"
            #expect(statusLine(try exchange(server, many)) == "HTTP/1.0 431 Request Header Fields Too Large")
            let hundred = "GET / HTTP/1.0\r\n" + String(repeating: "X: y\r\n", count: 100) + "\r\n"
            #expect(statusLine(try exchange(server, hundred)) == "HTTP/1.0 200 OK")
            let big = "GET / HTTP/1.0\r\nX: " + String(repeating: "b", count: 70_000) + "\r\n\r\n"
            #expect(statusLine(try exchange(server, big)) == "HTTP/1.0 431 Request Header Fields Too Large")
            #expect(statusLine(try exchange(server, "GET / HTTP/1.0\r\n\r\n")) == "HTTP/1.0 200 OK")
        }
    }

    @Test func partialHead_gets408AfterTheTimeout_silentClientIsClosedQuietly() throws {
        try withServer({ $0.timeout = .seconds(1) }) { server throws in
            let (reply, seconds) = try exchangeKeepingOpen(server, Array("GET /hello.txt HTTP/1.0\r\nHost: x\r\n".utf8))
            #expect(statusLine(reply) == "HTTP/1.0 408 Request Timeout")
            #expect(reply.contains("\r\nContent-Type: text/html; charset=utf-8\r\n"))
            #expect(seconds >= 0.9 && seconds < 5, "408 after \(seconds) s")
            let (nothing, idle) = try exchangeKeepingOpen(server, [])
            #expect(nothing == "")
            #expect(idle >= 0.9 && idle < 5, "closed after \(idle) s")
            #expect(statusLine(try exchange(server, "GET / HTTP/1.0\r\n\r\n")) == "HTTP/1.0 200 OK")
        }
    }

    @Test func postWithBody_receivesTheWhole501() throws {
        try withServer { server throws in
            // 1 MiB is far more than the socket buffers hold: without a lingering close the server would
            // close with unread input, the kernel would send RST, and this send or the read would fail.
            let body = [UInt8](repeating: UInt8(ascii: "p"), count: 1 << 20)
            let head = "POST /upload HTTP/1.0\r\nContent-Length: \(body.count)\r\nContent-Type: text/plain\r\n\r\n"
            let (reply, _) = try exchangeKeepingOpen(server, Array(head.utf8) + body)
            #expect(statusLine(reply) == "HTTP/1.0 501 Not Implemented")
            #expect(reply.contains("\r\nAllow: GET, HEAD\r\n"))
            let page = reply.split(separator: "\r\n\r\n", maxSplits: 1).last.map(String.init) ?? ""
            #expect(reply.contains("\r\nContent-Length: \(page.utf8.count)\r\n"))
            #expect(page.hasSuffix("</html>\n"))
        }
    }
}
