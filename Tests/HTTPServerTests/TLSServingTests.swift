import HTTPCore
import Sockets
import System
import TLS
import TestSupport
import Testing

@testable import HTTPServer

/// A blocking https client over a raw socket: the handshake, one request, then the reply read to its end.
struct TLSClient {
    let socket: Socket
    let session: TLSSession

    init(_ server: some LocalServer, receiveBuffer: Int? = nil) throws {
        socket = try connectClient(server, receiveBuffer: receiveBuffer)
        session = try TLSSession(context: TestCA.client(), peerName: "127.0.0.1")
        while try session.handshake() == .needsInput {
            try socket.sendAll(session.takeOutput())
            let bytes = try socket.receive(upTo: 65536)
            if bytes.isEmpty { throw TLSError(.handshakeFailed, detail: "the server closed during the handshake") }
            session.receive(bytes)
        }
        try socket.sendAll(session.takeOutput())
    }

    func send(_ request: String) throws {
        _ = try session.write(Array(request.utf8))
        try socket.sendAll(session.takeOutput())
    }

    /// Plaintext until `limit` bytes, or the end: `.closed` after the server's close_notify; a TCP end
    /// without it throws `truncated`.
    func read(upTo limit: Int = .max) throws -> (bytes: [UInt8], end: TLSSession.ReadResult) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received.count < limit {
            switch try buffer.withUnsafeMutableBytes({ try session.read(into: $0) }) {
            case .bytes(let count):
                received += buffer[..<count]
            case .needsInput:
                try socket.sendAll(session.takeOutput())
                let bytes = try socket.receive(upTo: 65536)
                if bytes.isEmpty { session.receiveEndOfStream() } else { session.receive(bytes) }
            case .closed:
                return (received, .closed)
            }
        }
        return (received, .bytes(received.count))
    }

    func close() { socket.close() }
}

/// https on the engine: the same answers as over TCP, moved by the TLS layer (handshake in the state
/// machine, pread + SSL_write bodies, partial writes, close_notify), and the plain-HTTP answer.
@Suite(.serialized) struct TLSServingTests {
    static func configure(_ configuration: inout ServerConfiguration) {
        configuration.tls = ServerTLS(certificateChain: TestCA.path("server.pem"), key: TestCA.path("server.key"))
    }

    @Test func credentials_loadErrors_nameTheFlagAndFile() {
        func message(_ certificate: String, _ key: String) -> String? {
            do {
                _ = try TLSCredentials(ServerTLS(certificateChain: certificate, key: key))
                return nil
            } catch {
                return error.description
            }
        }
        let missing = TestCA.path("missing.pem")
        #expect(
            message(missing, TestCA.path("server.key"))
                == "cannot read --tls-cert '\(missing)': open: No such file or directory (errno 2)"
        )
        #expect(
            message(TestCA.path("server.pem"), TestCA.path("client.key"))
                == "--tls-key '\(TestCA.path("client.key"))': the private key does not match the certificate"
        )
        #expect(message(TestCA.path("server.key"), TestCA.path("server.key"))?.hasPrefix("--tls-cert '") == true)
        #expect(message(TestCA.path("server.pem"), TestCA.path("server.key")) == nil)
    }

    /// SIGHUP: each new hangup count reloads once (whichever loop sees it first); a failed reload keeps the pair.
    @Test func credentials_reloadOncePerGeneration_andKeepTheOldPairOnFailure() throws {
        let tree = TemporaryTree()
        let certificate = tree.path + "/cert.pem"
        let key = tree.path + "/key.pem"
        func install(_ name: String) throws {
            try writeFile(certificate, readFileIfPresent(TestCA.path(name + ".pem")) ?? [])
            try writeFile(key, readFileIfPresent(TestCA.path(name + ".key")) ?? [])
        }
        try install("server")
        let credentials = try TLSCredentials(ServerTLS(certificateChain: certificate, key: key))
        let first = credentials.context
        #expect(!credentials.certificateHasExpired)
        try install("expired")
        #expect(try credentials.reload(generation: 1))
        #expect(credentials.context !== first)
        #expect(credentials.certificateHasExpired)
        #expect(try !credentials.reload(generation: 1))  // Another loop, the same SIGHUP: nothing to do.
        let second = credentials.context
        try writeFile(key, Array("not a key".utf8))
        #expect(throws: Server.StartError.self) { try credentials.reload(generation: 2) }
        #expect(credentials.context === second)
    }

    @Test func accessLine_withTLS_endsWithTheVersion() {
        let line = AccessLog.line(
            client: "127.0.0.1",
            request: request("/a.txt"),
            rawRequestLine: nil,
            status: 200,
            bytesSent: 5,
            now: testNow,
            tlsVersion: "TLSv1.3"
        )
        #expect(
            line == "127.0.0.1 - - [06/Nov/2024:08:49:37 +0000] \"GET /a.txt HTTP/1.0\" 200 5 \"-\" \"-\" TLSv1.3\n"
        )
    }

    @Test func plainHTTPOnTLSPort_isAPlainText400SayingToUseHTTPS() throws {
        let handler = try StaticFileHandler(root: wwwPath)
        let plan = handler.plainHTTPOnTLSPort(now: testNow)
        #expect(plan.status == .badRequest)
        #expect(plan.head.headers["Content-Type"] == "text/plain; charset=utf-8")
        let body = try bodyBytes(plan)
        #expect(plan.head.headers["Content-Length"] == String(body.count))
        #expect(String(decoding: body, as: UTF8.self).contains("Use https:// instead of http://"))
    }

    /// 4 MiB through a 4 KiB send buffer and a small, slow reader: every partial send of records resumes
    /// where it stopped, and the body ends with close_notify.
    @Test func bigFile_throughATinySendBuffer_arrivesWhole_thenCloseNotify() throws {
        let site = TemporaryTree()
        let expected = try site.makeFile("big.bin", size: 4 << 20)
        try withServer(
            root: site.path,
            {
                Self.configure(&$0)
                $0.sendBufferSize = 4096
            }
        ) { server in
            let client = try TLSClient(server, receiveBuffer: 8192)
            defer { client.close() }
            try client.send("GET /big.bin HTTP/1.0\r\n\r\n")
            let (reply, end) = try client.read()
            let (head, body) = splitReply(reply)
            #expect(head.hasPrefix("HTTP/1.0 200 OK\r\n"))
            #expect(head.contains("\r\nContent-Length: \(4 << 20)\r\n"))
            #expect(body.count == expected.count)
            #expect(body.elementsEqual(expected), "the body differs")
            #expect(end == .closed)
        }
    }

    /// A file rewritten mid-body is cut with a reset over TLS too: no chunk read after the change is encrypted,
    /// and the client never sees close_notify (which would make a close-delimited body look complete).
    @Test func fileChangedWhileSent_isCutWithAReset_neverACleanEnd() throws {
        let site = TemporaryTree()
        try site.makeFile("big.bin", size: 8 << 20)
        let warnings = Shared<[String]>([])
        try withServer(
            root: site.path,
            {
                Self.configure(&$0)
                $0.sendBufferSize = 16384
                $0.log = ServerLog(warning: { message in warnings.value.withLock { $0.append(message) } })
            }
        ) { server in
            let client = try TLSClient(server, receiveBuffer: 16384)
            defer { client.close() }
            try client.send("GET /big.bin HTTP/1.0\r\n\r\n")
            #expect(try client.read(upTo: 1 << 20).bytes.count >= 1 << 20)
            let file = try OutputFile.open(FilePath(site.path + "/big.bin"), mode: .append)
            file.write("x")
            file.close()
            var end: TLSSession.ReadResult?
            do {
                end = try client.read().end
            } catch {
                // The reset (or the stream ending without close_notify): expected.
            }
            #expect(end == nil, "the body ended cleanly after the file changed")
            for _ in 0..<100 where warnings.value.withLock({ $0.isEmpty }) { Threads.sleep(.milliseconds(50)) }
        }
        #expect(
            warnings.value.withLock { $0 } == ["/big.bin changed while being sent to 127.0.0.1; connection reset"]
        )
    }

    @Test func sameAnswerAsOverTCP_forAnErrorPage_andHTTP09() throws {
        try withServer(root: wwwPath, Self.configure) { server in
            let client = try TLSClient(server)
            defer { client.close() }
            try client.send("GET /hello.txt\r\n")
            let (body, end) = try client.read()
            #expect(body == (readFileIfPresent(wwwPath + "/hello.txt") ?? []))
            #expect(end == .closed)

            let second = try TLSClient(server)
            defer { second.close() }
            try second.send("GET /missing HTTP/1.0\r\n\r\n")
            let (reply, _) = try second.read()
            let (head, page) = splitReply(reply)
            #expect(statusLine(head) == "HTTP/1.0 404 Not Found")
            #expect(String(decoding: page, as: UTF8.self).contains("<h1>404 Not Found</h1>"))
        }
    }

    @Test func plainRequest_onTheTLSPort_getsThe400Unencrypted() throws {
        try withServer(root: wwwPath, Self.configure) { server in
            let reply = try exchange(server, "GET / HTTP/1.0\r\n\r\n")
            #expect(statusLine(reply) == "HTTP/1.0 400 Bad Request")
            #expect(
                reply.hasSuffix(
                    "\r\n\r\n400 Bad Request: this port speaks HTTPS. Use https:// instead of http:// in the URL.\n"
                )
            )
        }
    }

    @Test func handshakeNeverFinished_isClosedAtTheTimeout_withNoLogLine() throws {
        let lines = Shared<[String]>([])
        try withServer(
            root: wwwPath,
            {
                Self.configure(&$0)
                $0.timeout = .seconds(1)
                $0.log = ServerLog(access: { line in lines.value.withLock { $0.append(line) } })
            }
        ) { server in
            let client = try connectClient(server, timeout: .seconds(5))
            defer { client.close() }
            let start = MonotonicClock.milliseconds()
            try client.sendAll([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])  // A ClientHello's first bytes, no more.
            #expect(try client.receive(upTo: 100).isEmpty)
            let took = MonotonicClock.milliseconds() - start
            #expect(took >= 900 && took < 2500, "closed after \(took) ms")
        }
        #expect(lines.value.withLock { $0 }.isEmpty)
    }
}
