import HTTPCore
import Sockets
import System
import TestSupport
import Testing

@testable import HTTPServer

/// A loop reuses its closed ``Connection`` objects (and their sockets) for the next accepts: with one loop, every
/// client after the first is served by an object a previous client used. Nothing of that client may show: not its
/// user, range, half-read head or TLS session in the answer, nor in the access log.
@Suite(.serialized) struct ConnectionReuseTests {
    /// The access log's lines, in order: one loop writes them as its responses end.
    static func logging(_ lines: Shared<[String]>) -> ServerLog {
        ServerLog(access: { line in lines.value.withLock { $0.append(line) } })
    }

    /// The user (third field), the quoted request line and the status with the byte count of a log line.
    static func fields(_ line: String) -> (user: Substring, request: Substring, statusAndBytes: Substring) {
        let quoted = line.split(separator: "\"", omittingEmptySubsequences: false)
        let user = line.split(separator: " ").dropFirst(2).first ?? ""
        guard quoted.count > 2 else { return (user, "", "") }
        return (user, quoted[1], quoted[2].split(separator: " ").prefix(2).joined(separator: " ")[...])
    }

    @Test func nextClient_getsNoneOfThePreviousClientsUserRangeOrHalfHead() throws {
        let site = TemporaryTree()
        site.file("page.txt", "0123456789abcdef")
        let auth = try #require(try BasicAuth.make(plainUser: "alice:secret", htpasswdFile: nil, realm: nil))
        let credentials = "Authorization: Basic \(base64(Array("alice:secret".utf8)))\r\n"
        let lines = Shared<[String]>([])
        try withServer(
            root: site.path,
            {
                $0.workers = 1
                $0.auth = auth
                $0.log = Self.logging(lines)
            }
        ) { server in
            // 1. Alice, a range: 206 with four bytes.
            let ranged = try exchange(server, "GET /page.txt HTTP/1.0\r\n\(credentials)Range: bytes=0-3\r\n\r\n")
            #expect(statusLine(ranged) == "HTTP/1.0 206 Partial Content")
            #expect(ranged.hasSuffix("\r\n\r\n0123"))
            // 2. No credentials: refused, whoever the connection object served before.
            let anonymous = try exchange(server, "GET /page.txt HTTP/1.0\r\nRange: bytes=0-3\r\n\r\n")
            #expect(statusLine(anonymous) == "HTTP/1.0 401 Unauthorized")
            // 3. Half a head, then the client's EOF: 400.
            let half = try connectClient(server)
            try half.sendAll(Array("GET /page.txt HTTP/1.0\r\n\(credentials)X-Half: 1".utf8))
            try half.shutdown(.write)
            #expect(statusLine(String(decoding: try readToEnd(half), as: UTF8.self)) == "HTTP/1.0 400 Bad Request")
            half.close()
            // 4. Alice again, no range: the whole file. Bytes left from 3 would have spoiled this head (a 400),
            // a range left from 1 would have cut the body.
            let whole = try exchange(server, "GET /page.txt HTTP/1.0\r\n\(credentials)\r\n")
            #expect(statusLine(whole) == "HTTP/1.0 200 OK")
            #expect(whole.hasSuffix("\r\n\r\n0123456789abcdef"))
        }
        let logged = lines.value.withLock { $0 }.map(Self.fields)
        try #require(logged.count == 4)
        #expect(logged[0] == ("alice", "GET /page.txt HTTP/1.0", "206 4"))
        #expect(logged[1].user == "-" && logged[1].statusAndBytes.hasPrefix("401 "))
        #expect(logged[2].user == "-" && logged[2].request == "GET /page.txt HTTP/1.0")
        #expect(logged[2].statusAndBytes.hasPrefix("400 "))
        #expect(logged[3] == ("alice", "GET /page.txt HTTP/1.0", "200 16"))
    }

    @Test func nextClient_onTheTLSPort_getsItsOwnSession_afterAPlainHTTPOneAndAnAbandonedHandshake() throws {
        let lines = Shared<[String]>([])
        try withServer(
            root: wwwPath,
            {
                TLSServingTests.configure(&$0)
                $0.workers = 1
                $0.timeout = .seconds(1)
                $0.log = Self.logging(lines)
            }
        ) { server in
            let expected = readFileIfPresent(wwwPath + "/hello.txt") ?? []
            func fetchOverTLS() throws {
                let client = try TLSClient(server)
                defer { client.close() }
                try client.send("GET /hello.txt HTTP/1.0\r\n\r\n")
                let (reply, end) = try client.read()
                #expect(statusLine(String(decoding: reply, as: UTF8.self)) == "HTTP/1.0 200 OK")
                #expect(Array(splitReply(reply).body) == expected)
                #expect(end == .closed)
            }
            try fetchOverTLS()
            // A plain request on the TLS port: answered unencrypted, the connection's TLS layer dropped.
            #expect(statusLine(try exchange(server, "GET / HTTP/1.0\r\n\r\n")) == "HTTP/1.0 400 Bad Request")
            // The next connection speaks TLS again, with a session of its own.
            try fetchOverTLS()
            // A handshake begun and abandoned: the next client's handshake starts from nothing.
            let abandoned = try connectClient(server)
            try abandoned.sendAll([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
            abandoned.close()
            try fetchOverTLS()
        }
        // The last field of a line on the TLS port: the version, "-" for the plain request.
        let versions = lines.value.withLock { $0 }.map { $0.split(whereSeparator: { $0 == " " || $0 == "\n" }).last }
        #expect(versions == ["TLSv1.3", "-", "TLSv1.3", "TLSv1.3"])
    }
}
