import TLS
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Two sessions wired back to back in memory: what one side's takeOutput() returns is what the other
/// receives, `chunk` bytes at a time (1 = every record arrives split across many recv calls).
struct Wire {
    let client: TLSSession
    let server: TLSSession
    var chunk = Int.max

    func deliver(_ bytes: [UInt8], to session: TLSSession) {
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            session.receive(Array(bytes[start..<end]))
            start = end
        }
    }

    /// Moves records until both handshakes are done; throws the first side's error.
    func handshake() throws {
        var clientDone = false
        var serverDone = false
        for _ in 0..<100 where !(clientDone && serverDone) {
            if !clientDone { clientDone = try client.handshake() == .done }
            deliver(client.takeOutput(), to: server)
            if !serverDone { serverDone = try server.handshake() == .done }
            deliver(server.takeOutput(), to: client)
        }
        #expect(clientDone && serverDone)
    }

    /// Reads what `from` sent into `to`, until `count` bytes or a non-byte result.
    func transfer(_ bytes: [UInt8], from: TLSSession, to: TLSSession) throws -> [UInt8] {
        #expect(try from.write(bytes) == bytes.count)
        deliver(from.takeOutput(), to: to)
        return try readAll(to, upTo: bytes.count).bytes
    }

    func readAll(_ session: TLSSession, upTo count: Int) throws -> (bytes: [UInt8], last: TLSSession.ReadResult) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let result = try buffer.withUnsafeMutableBytes { try session.read(into: $0) }
            guard case .bytes(let n) = result else { return (received, result) }
            received += buffer[0..<n]
            if received.count >= count { return (received, result) }
        }
    }
}

@Suite struct TLSSessionTests {
    @Test func handshakeAndData_bothWays_withSummary() throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server())
        )
        try wire.handshake()
        let request = Array("GET / HTTP/1.0\r\n\r\n".utf8)
        #expect(try wire.transfer(request, from: wire.client, to: wire.server) == request)
        let response = Array("HTTP/1.0 200 OK\r\n\r\nhello".utf8)
        #expect(try wire.transfer(response, from: wire.server, to: wire.client) == response)

        let summary = wire.client.summary
        #expect(summary.version == "TLSv1.3")
        #expect(summary.cipher.hasPrefix("TLS_"))
        #expect(summary.verifyResult == 0)
        #expect(summary.subject == "CN=localhost")
        #expect(summary.issuer == "CN=http10 test CA")
        #expect(summary.notAfter.hasSuffix("GMT"))
        #expect(wire.server.summary.serverName == "localhost")  // SNI for a name
    }

    @Test func serverSide_versionAndAppendedOutput() throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server())
        )
        #expect(!wire.server.isHandshakeDone)
        try wire.handshake()
        #expect(wire.server.isHandshakeDone)
        #expect(wire.server.version == "TLSv1.3")
        // appendOutput keeps what the queue held and adds the records after it.
        let response = Array("HTTP/1.0 200 OK\r\n\r\nhello".utf8)
        #expect(try wire.server.write(response) == response.count)
        var queued: [UInt8] = [1, 2, 3]
        wire.server.appendOutput(to: &queued)
        #expect(queued.count > 3 + response.count)
        #expect(queued.prefix(3) == [1, 2, 3])
        #expect(!wire.server.hasOutput)
        wire.deliver(Array(queued.dropFirst(3)), to: wire.client)
        #expect(try wire.readAll(wire.client, upTo: response.count).bytes == response)
    }

    @Test func recordsSplitIntoSingleBytes_stillArriveWhole() throws {
        var wire = Wire(
            client: try TLSSession(context: TestCA.client(), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server())
        )
        wire.chunk = 1
        try wire.handshake()
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
        wire.chunk = 997  // Records (16 KiB) straddle every delivery.
        #expect(try wire.transfer(payload, from: wire.server, to: wire.client) == payload)
    }

    @Test func closeNotify_isACleanEnd_butBareEOF_isTruncation() throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server())
        )
        try wire.handshake()
        #expect(try wire.server.write(Array("body".utf8)) == 4)
        wire.server.close()
        wire.deliver(wire.server.takeOutput(), to: wire.client)
        let clean = try wire.readAll(wire.client, upTo: 100)
        #expect(clean.bytes == Array("body".utf8))
        #expect(clean.last == .closed)

        let cut = Wire(
            client: try TLSSession(context: TestCA.client(), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server())
        )
        try cut.handshake()
        #expect(try cut.server.write(Array("body".utf8)) == 4)
        cut.deliver(cut.server.takeOutput(), to: cut.client)
        #expect(try cut.readAll(cut.client, upTo: 4).bytes == Array("body".utf8))
        #expect(try cut.readAll(cut.client, upTo: 100).last == .needsInput)  // No EOF yet: wait.
        cut.client.receiveEndOfStream()  // recv returned 0 without close_notify
        #expect(throws: TLSError.self) { try cut.readAll(cut.client, upTo: 100) }
        do {
            _ = try cut.readAll(cut.client, upTo: 100)
        } catch let error as TLSError {
            #expect(error.kind == .truncated)
        }
    }

    /// The X509_V_ERR_* code for each way a server certificate is wrong (x509_vfy.h).
    @Test(arguments: [
        ("selfsigned", "localhost", 18),  // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
        ("wrongname", "localhost", 62),  // X509_V_ERR_HOSTNAME_MISMATCH
        ("expired", "localhost", 10),  // X509_V_ERR_CERT_HAS_EXPIRED
        ("server", "10.0.0.1", 64),  // X509_V_ERR_IP_ADDRESS_MISMATCH
        ("server", "other.localhost", 62),
    ])
    func badServerCertificate_isRejectedWithItsReason(certificate: String, peer: String, code: Int) throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(), peerName: peer),
            server: try TLSSession(context: TestCA.server(certificate))
        )
        do {
            try wire.handshake()
            Issue.record("handshake with \(certificate) as \(peer) succeeded")
        } catch let error as TLSError {
            #expect(error.kind == .certificateRejected(code: code))
            #expect(!error.detail.isEmpty)
        }
    }

    @Test func unknownIssuer_underTheSystemTrustStore_isRejected() throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(.systemTrustStore), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server())
        )
        do {
            try wire.handshake()
            Issue.record("a certificate from the throwaway CA verified against the system store")
        } catch let error as TLSError {
            #expect(error.kind == .certificateRejected(code: 20))  // X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
            #expect(error.detail == "unable to get local issuer certificate")
        }
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func ipLiteral_matchesTheCertificatesAddress_andSendsNoSNI(peer: String) throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(), peerName: peer),
            server: try TLSSession(context: TestCA.server())
        )
        try wire.handshake()
        #expect(wire.client.summary.verifyResult == 0)
        #expect(wire.server.summary.serverName == nil)  // RFC 6066 §3: no IP literals in SNI
    }

    @Test func insecure_completesButStillRecordsTheVerifyResult() throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(.none), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server("selfsigned"))
        )
        try wire.handshake()
        #expect(wire.client.summary.verifyResult == 18)
        #expect(wire.client.summary.verifyReason == "self-signed certificate")
    }

    @Test func noCommonVersion_isAHandshakeFailure() throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(minimumVersion: .v1_3), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server(maximumVersion: .v1_2))
        )
        do {
            try wire.handshake()
            Issue.record("TLS 1.3-only client and TLS 1.2-only server agreed")
        } catch let error as TLSError {
            #expect(error.kind == .handshakeFailed)
        }
    }

    @Test func tls12_isNegotiatedWhenTheServerStopsThere() throws {
        let wire = Wire(
            client: try TLSSession(context: TestCA.client(), peerName: "localhost"),
            server: try TLSSession(context: TestCA.server(maximumVersion: .v1_2))
        )
        try wire.handshake()
        #expect(wire.client.summary.version == "TLSv1.2")
    }

    @Test func plainHTTPRequest_onTheServer_isRecognised() throws {
        let server = try TLSSession(context: TestCA.server())
        server.receive(Array("GET / HTTP/1.0\r\n\r\n".utf8))
        do {
            _ = try server.handshake()
            Issue.record("a plain HTTP request passed as a ClientHello")
        } catch let error as TLSError {
            #expect(error.kind == .plainHTTP)
        }
    }

    @Test func serverContext_reportsEachBadFileClearly() throws {
        func kind(_ body: () throws -> TLSContext) -> TLSError.Kind? {
            do {
                _ = try body()
                return nil
            } catch let error as TLSError {
                return error.kind
            } catch { return nil }
        }
        let missing = TestCA.path("missing.pem")
        #expect(
            kind { try TLSContext.server(certificateChain: missing, key: TestCA.path("server.key")) }
                == .unreadableFile(path: missing)
        )
        #expect(
            kind { try TLSContext.server(certificateChain: TestCA.folder, key: TestCA.path("server.key")) }
                == .unreadableFile(path: TestCA.folder)
        )
        // A key file where the certificate belongs: no PEM certificate in it.
        let key = TestCA.path("server.key")
        #expect(kind { try TLSContext.server(certificateChain: key, key: key) } == .badCredentials(path: key))
        // A key that belongs to another certificate.
        let otherKey = TestCA.path("client.key")
        #expect(
            kind { try TLSContext.server(certificateChain: TestCA.path("server.pem"), key: otherKey) }
                == .badCredentials(path: otherKey)
        )
        let mismatch = TLSError(
            .badCredentials(path: otherKey),
            detail: "the private key does not match the certificate"
        )
        #expect(throws: mismatch) { try TLSContext.server(certificateChain: TestCA.path("server.pem"), key: otherKey) }
        #expect(try TestCA.server("expired").certificateHasExpired)
        #expect(try !TestCA.server().certificateHasExpired)
    }

    @Test func clientContext_unreadableCAFile_andClientCertificate() throws {
        let missing = TestCA.path("no-ca.pem")
        do {
            _ = try TLSContext.client(verification: .certificateAuthorities(file: missing, folder: nil))
            Issue.record("a missing CA file was accepted")
        } catch {
            #expect(error.kind == .unreadableFile(path: missing))
        }
        _ = try TLSContext.client(certificate: TestCA.path("client.pem"), key: TestCA.path("client.key"))
        do {
            _ = try TLSContext.client(certificate: TestCA.path("client.pem"), key: TestCA.path("server.key"))
            Issue.record("a mismatched client key was accepted")
        } catch {
            #expect(error.kind == .badCredentials(path: TestCA.path("server.key")))
        }
    }
}
