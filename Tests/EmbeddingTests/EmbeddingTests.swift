import HTTPClient
import HTTPServer
import TestSupport
import Testing

/// `TestServer` and `Client.fetch` used exactly as the README shows a package using them in its own tests.
@Suite struct EmbeddingTests {
    @Test func testServer_servesFolder_andClientFetchReturnsStatusHeadersBody() throws {
        let site = TemporaryTree()
        site.file("greeting.txt", "hello, embedder\n")

        let server = try TestServer(root: site.path)
        defer { server.stop() }
        let response = try Client().fetch(server.url + "greeting.txt")

        #expect(response.status == .ok)
        #expect(response.status.code == 200)
        #expect(response.version == .http1_0)
        #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(response.headers["Content-Length"] == "16")
        #expect(response.text == "hello, embedder\n")
        #expect(response.body == Array("hello, embedder\n".utf8))
    }

    @Test func testServer_urlIsLoopbackWithThePickedPort() throws {
        let server = try TestServer(root: wwwPath)
        defer { server.stop() }
        #expect(server.port != 0)
        #expect(server.url == "http://127.0.0.1:\(server.port)/")
    }

    @Test func clientFetch_of404_isAResponseNotAnError() throws {
        let server = try TestServer(root: wwwPath)
        defer { server.stop() }
        let response = try Client().fetch(server.url + "missing.txt")
        #expect(response.status == .notFound)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(response.text.contains("404"))
    }

    @Test func clientFetch_head_hasHeadersAndNoBody() throws {
        let server = try TestServer(root: wwwPath)
        defer { server.stop() }
        let response = try Client().fetch(server.url + "hello.txt", method: .head)
        #expect(response.status == .ok)
        #expect(response.headers["Content-Length"] == "69")
        #expect(response.body.isEmpty)
    }

    @Test func clientFetch_sendsExtraHeaders() throws {
        let server = try TestServer(root: wwwPath)
        defer { server.stop() }
        let response = try Client().fetch(server.url + "hello.txt", headers: ["Range": "bytes=0-4"])
        #expect(response.status.code == 206)
        #expect(response.text == "Hello")
    }

    @Test func clientFetch_longerBodyThanTheLimit_throwsBodyTooLarge() throws {
        let server = try TestServer(root: wwwPath)
        defer { server.stop() }
        #expect(throws: ClientError.bodyTooLarge(10)) { try Client().fetch(server.url + "hello.txt", maxBodyBytes: 10) }
    }

    @Test func stop_releasesThePort_soTheNextFetchIsRefused() throws {
        let server = try TestServer(root: wwwPath)
        let url = server.url
        server.stop()
        #expect(server.isStopped)
        #expect(server.error == nil)
        let error = #expect(throws: ClientError.self) { try Client().fetch(url) }
        #expect(error.map { if case .connectFailed = $0 { true } else { false } } == true)
        server.stop()  // A second stop does nothing.
    }

    @Test func droppingTheLastReference_stopsTheServer() throws {
        var server: TestServer? = try TestServer(root: wwwPath)
        let url = server!.url
        #expect(try Client().fetch(url).status == .ok)
        server = nil
        #expect(throws: ClientError.self) { try Client().fetch(url) }
    }

    @Test func configure_changesOtherSettings() throws {
        let site = TemporaryTree()
        site.folder("plain")
        let listing = try TestServer(root: site.path)
        defer { listing.stop() }
        #expect(try Client().fetch(listing.url + "plain/").status == .ok)
        let server = try TestServer(root: site.path) { $0.listing = false }
        defer { server.stop() }
        #expect(try Client().fetch(server.url + "plain/").status == .notFound)
        #expect(server.server.configuration.listing == false)
        #expect(server.server.configuration.workers == 1)
    }

    @Test func clientFetch_overHTTPS_fromATLSTestServer_getsEveryByteAndTheVerifyResult() throws {
        // 3 MiB and an odd tail: about 200 TLS records, so each 64 KiB read of the body gathers several
        // records, and the last read stops inside one.
        let bytes = (0..<(3 << 20) + 12_345).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let site = TemporaryTree()
        site.file("big.bin", bytes)
        let server = try TestServer(root: site.path) {
            $0.tls = ServerTLS(certificateChain: TestCA.path("server.pem"), key: TestCA.path("server.key"))
        }
        defer { server.stop() }
        #expect(server.url.hasPrefix("https://127.0.0.1:"))
        var options = ClientOptions()
        options.tls.caFile = TestCA.path("ca.pem")
        var verifyResult: Int?
        let url = try HTTPURL(parsing: server.url + "big.bin")
        let exchange = try Client(options: options).open(FetchRequest(method: .get, url: url)) { event in
            if case .tlsEstablished(let summary) = event { verifyResult = summary.verifyResult }
        }
        defer { exchange.close() }
        #expect(try exchange.readHead().status == .ok)
        #expect(try exchange.readWholeBody() == bytes)
        #expect(verifyResult == 0)
        // Not trusted without the test CA: the X509 code travels with the error (%{ssl_verify_result}).
        #expect(throws: ClientError.certificateRejected("unable to get local issuer certificate", verifyResult: 20)) {
            try Client().fetch(server.url + "big.bin")
        }
    }

    @Test func testServer_withMissingRoot_throwsStartError() {
        #expect(throws: Server.StartError.self) { try TestServer(root: "/nonexistent/http10-root") }
    }
}
