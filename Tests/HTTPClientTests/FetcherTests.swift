import Fetch
import HTTPClient
import HTTPCore
import System
import TestSupport
import Testing

/// The fixture site (`www/`) served on 127.0.0.1 port 0 for the duration of `body`, which gets its URL.
func withSiteServer<R>(_ body: (String) throws -> R) throws -> R {
    try withServer { server in try body(server.url) }
}

func fetch(
    _ url: String,
    to path: String,
    _ configure: (inout FetchOptions) -> Void = { _ in }
) -> (
    info: TransferInfo, error: FetchError?
) {
    var options = FetchOptions()
    configure(&options)
    return Fetcher(options: options).run(url: url, output: .file(path))
}

@Suite struct FetcherTests {
    @Test func notFound_withoutFail_writesBody_exit0() throws {
        try withSiteServer { base in
            try withTemporaryPath("404.html") { path in
                let (info, error) = fetch(base + "missing", to: path)
                #expect(error == nil)
                #expect(info.statusCode == 404)
                #expect(String(decoding: readFileIfPresent(path) ?? [], as: UTF8.self).contains("404"))
            }
        }
    }

    @Test func notFound_withFail_isExit22_andNoFile() throws {
        try withSiteServer { base in
            try withTemporaryPath("404.html") { path in
                let (info, error) = fetch(base + "missing", to: path) { $0.fail = .fail }
                #expect(error == .httpError(404))
                #expect(info.statusCode == 404)
                #expect(readFileIfPresent(path) == nil)
                #expect(readFileIfPresent(path + ".part") == nil)
            }
        }
    }

    @Test func notFound_failWithBody_writesBody_exit22() throws {
        try withSiteServer { base in
            try withTemporaryPath("404.html") { path in
                let (_, error) = fetch(base + "missing", to: path) { $0.fail = .failWithBody }
                #expect(error?.exitCode == 22)
                #expect(readFileIfPresent(path)?.isEmpty == false)
            }
        }
    }

    @Test func download_toFile_matchesFixture() throws {
        try withSiteServer { base in
            try withTemporaryPath("logo.png") { path in
                let (info, error) = fetch(base + "logo.png", to: path)
                #expect(error == nil)
                let expected = readFileIfPresent(wwwPath + "/logo.png")
                #expect(readFileIfPresent(path) == expected)
                #expect(info.bodyBytes == Int64(expected?.count ?? -1))
                #expect(readFileIfPresent(path + ".part") == nil)
            }
        }
    }

    @Test func shortBody_leavesNoFile_butKeepsPart() throws {
        // Cut on the half-closed connection, then again on the one fetching it whole: 18, and the .part holds
        // the second attempt only.
        let server = try RawServer(connections: 2) { _, _ in
            .bytes("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc".bytes)
        }
        try withTemporaryPath("short") { path in
            let (_, error) = fetch(server.url(), to: path)
            #expect(error == .partialFile(remaining: 7))
            #expect(server.received.count == 2)
            #expect(readFileIfPresent(path) == nil)
            #expect(readFileIfPresent(path + ".part") == "abc".bytes)
        }
    }

    @Test func failureBeforeBody_leavesNothing() throws {
        let server = try RawServer { _, _ in .close }
        try withTemporaryPath("empty") { path in
            let (_, error) = fetch(server.url(), to: path)
            #expect(error == .emptyReply)
            #expect(readFileIfPresent(path) == nil)
            #expect(readFileIfPresent(path + ".part") == nil)
        }
    }

    @Test func failure_keepsAnOlderFileUntouched() throws {
        let server = try RawServer(connections: 2) { _, _ in
            .bytes("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nnew".bytes)
        }
        try withTemporaryPath("keep") { path in
            try writeFile(path, "old complete file".bytes)
            _ = fetch(server.url(), to: path)
            #expect(readFileIfPresent(path) == "old complete file".bytes)
        }
    }

    @Test func resume_on206_appendsTheRest() throws {
        let server = try RawServer { _, _ in
            .bytes(
                "HTTP/1.0 206 Partial Content\r\nContent-Range: bytes 5-9/10\r\nContent-Length: 5\r\n\r\n56789".bytes
            )
        }
        try withTemporaryPath("resume") { path in
            try writeFile(path + ".part", "01234".bytes)
            let (_, error) = fetch(server.url(), to: path) { $0.resume = true }
            #expect(error == nil)
            #expect(readFileIfPresent(path) == "0123456789".bytes)
            #expect(readFileIfPresent(path + ".part") == nil)
            #expect(server.received.first?.contains("\r\nRange: bytes=5-\r\n") == true)
        }
    }

    @Test func resume_on200_isExit33_fileUntouched() throws {
        let server = try RawServer { _, _ in .bytes("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n0123456789".bytes) }
        try withTemporaryPath("refuse") { path in
            try writeFile(path, "01234".bytes)
            let (_, error) = fetch(server.url(), to: path) { $0.resume = true }
            #expect(error?.exitCode == 33)
            #expect(readFileIfPresent(path) == "01234".bytes)
            #expect(readFileIfPresent(path + ".part") == nil)
        }
    }

    @Test func resume_416WithMatchingLength_isComplete() throws {
        let server = try RawServer { _, _ in
            .bytes("HTTP/1.0 416 Range Not Satisfiable\r\nContent-Range: bytes */5\r\nContent-Length: 0\r\n\r\n".bytes)
        }
        try withTemporaryPath("done") { path in
            try writeFile(path, "01234".bytes)
            let (_, error) = fetch(server.url(), to: path) { $0.resume = true }
            #expect(error == nil)
            #expect(readFileIfPresent(path) == "01234".bytes)
        }
    }

    @Test func redirectLoop_isExit47() throws {
        let server = try RawServer(connections: 10) { _, _ in
            .bytes("HTTP/1.0 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n".bytes)
        }
        try withTemporaryPath("loop") { path in
            let (info, error) = fetch(server.url(), to: path) {
                $0.followRedirects = true
                $0.maxRedirects = 3
            }
            #expect(error == .tooManyRedirects(3))
            #expect(info.redirects == 4)
            #expect(server.received.count == 4)
            #expect(readFileIfPresent(path) == nil)
        }
    }

    @Test func redirect_toOtherHost_dropsCredentials_303BecomesGet() throws {
        let target = try RawServer { _, _ in .bytes("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".bytes) }
        // Same address, other port: another origin as far as credentials go.
        let first = try RawServer { _, _ in
            .bytes("HTTP/1.0 303 See Other\r\nLocation: \(target.url("/next"))\r\n\r\n".bytes)
        }
        try withTemporaryPath("redir") { path in
            let (info, error) = fetch(first.url("/start"), to: path) {
                $0.followRedirects = true
                $0.user = "me:secret"
                $0.body = "x=1".bytes
                $0.headerLines = ["Authorization: Bearer t", "X-Keep: 1"]
            }
            #expect(error == nil)
            #expect(info.redirects == 1)
            #expect(readFileIfPresent(path) == "ok".bytes)
            #expect(first.received.first?.hasPrefix("POST /start HTTP/1.0\r\n") == true)
            let second = target.received.first ?? ""
            #expect(second.hasPrefix("GET /next HTTP/1.0\r\n"))
            #expect(!second.contains("Authorization"))
            #expect(second.contains("X-Keep: 1"))
            #expect(!second.contains("x=1"))
        }
    }

    @Test func retry_after503_succeeds() throws {
        let server = try RawServer(connections: 2) { index, _ in
            index == 0
                ? .bytes("HTTP/1.0 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy".bytes)
                : .bytes("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\ndone".bytes)
        }
        try withTemporaryPath("retry") { path in
            var options = FetchOptions()
            options.retries = 2
            options.retryDelay = .milliseconds(10)
            var feedback = Feedback()
            feedback.warnings = false
            let (_, error) = Fetcher(options: options, feedback: feedback).run(url: server.url(), output: .file(path))
            #expect(error == nil)
            #expect(readFileIfPresent(path) == "done".bytes)
        }
    }

    @Test func proxy_getsAbsoluteFormRequest() throws {
        let proxy = try RawServer { _, _ in .bytes("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\np".bytes) }
        try withTemporaryPath("proxy") { path in
            let (_, error) = fetch("http://origin.invalid:8080/x?y", to: path) {
                $0.proxy = "http://u:pw@127.0.0.1:\(proxy.port)"
            }
            #expect(error == nil)
            let request = proxy.received.first ?? ""
            #expect(request.hasPrefix("GET http://origin.invalid:8080/x?y HTTP/1.0\r\nHost: origin.invalid:8080\r\n"))
            #expect(request.contains("\r\nProxy-Authorization: Basic dTpwdw==\r\n"))
        }
    }

    @Test func maxFileSize_isExit63() throws {
        let server = try RawServer { _, _ in .bytes("HTTP/1.0 200 OK\r\n\r\n0123456789".bytes) }
        try withTemporaryPath("big") { path in
            let (_, error) = fetch(server.url(), to: path) { $0.maxFileSize = 5 }
            #expect(error?.exitCode == 63)
            #expect(readFileIfPresent(path) == nil)
        }
    }

    @Test func remoteName_withoutFileName_isExit23() {
        let (_, error) = Fetcher(options: FetchOptions()).run(url: "http://127.0.0.1:1/dir/", output: .remoteName)
        #expect(error?.exitCode == 23)
    }
}
