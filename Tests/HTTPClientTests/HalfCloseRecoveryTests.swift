import Fetch
import Gzip
import HTTPClient
import HTTPCore
import TestSupport
import Testing

/// Servers that abort a response once the client half-closes (nginx does, issue 9): the body is resumed with
/// `Range` and `If-Range` on a connection that is not half-closed, or fetched again whole; never mixed.
@Suite struct HalfCloseRecoveryTests {
    /// 100 000 bytes that are not a repeating pattern of any short period.
    static let body: [UInt8] = {
        var state: UInt32 = 12345
        return (0..<100_000).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
    }()

    static func head(_ status: String, _ fields: [String]) -> [UInt8] {
        ("HTTP/1.1 \(status)\r\n" + fields.map { $0 + "\r\n" }.joined() + "Connection: close\r\n\r\n").bytes
    }

    /// A 200 for `body` with `fields`, cut after `keep` body bytes if the client half-closed.
    static func cutReply(
        _ fields: [String],
        keep: Int = 30000,
        body: [UInt8] = body,
        reset: Bool = false
    )
        -> RawServer.Reply
    {
        let head = head("200 OK", ["Content-Length: \(body.count)"] + fields)
        return .abortAfterHalfClose(head + body, keep: head.count + keep, reset: reset)
    }

    /// The first byte a `Range: bytes=N-` request asks for.
    static func rangeStart(_ request: String) -> Int? {
        guard let line = request.split(separator: "\r\n").first(where: { $0.hasPrefix("Range: bytes=") }) else {
            return nil
        }
        return Int(line.dropFirst("Range: bytes=".count).dropLast())
    }

    /// A 206 for the rest of `body` from the request's Range, with `fields` (an ETag...).
    static func continuation(_ request: String, _ fields: [String], total: Int = body.count) -> RawServer.Reply {
        let start = rangeStart(request) ?? 0
        let head = head(
            "206 Partial Content",
            ["Content-Range: bytes \(start)-\(total - 1)/\(total)", "Content-Length: \(body.count - start)"] + fields
        )
        // Sent whole only if the client kept its side open: a continuation that half-closes again fails.
        return .abortAfterHalfClose(head + Array(body[start...]), keep: head.count)
    }

    @Test(arguments: [false, true])
    func cutAfterHalfClose_isResumedWithIfRange_andAppended(reset: Bool) throws {
        let server = try RawServer(connections: 2) { index, request in
            index == 0 ? Self.cutReply(["ETag: \"v1\""], reset: reset) : Self.continuation(request, ["ETag: \"v1\""])
        }
        try withTemporaryPath("resumed") { path in
            let (info, error) = fetch(server.url("/big"), to: path)
            #expect(error == nil)
            #expect(readFileIfPresent(path) == Self.body)
            #expect(readFileIfPresent(path + ".part") == nil)
            #expect(info.statusCode == 200)
            #expect(info.bodyBytes == Int64(Self.body.count))
            #expect(server.halfClosed == [true, false])
            let second = server.received.count == 2 ? server.received[1] : ""
            #expect(second.hasPrefix("GET /big HTTP/1.0\r\n"))
            #expect(second.contains("\r\nIf-Range: \"v1\"\r\n"))
            if !reset { #expect(second.contains("\r\nRange: bytes=30000-\r\n")) }
        }
    }

    @Test func cutAfterHalfClose_toSpecialFile_continuesWithAMatching206() throws {
        let server = try RawServer(connections: 2) { index, request in
            index == 0 ? Self.cutReply(["ETag: \"v1\""]) : Self.continuation(request, ["ETag: \"v1\""])
        }
        // /dev/null is written in place, like standard output: what went there cannot be taken back.
        let (info, error) = fetch(server.url(), to: "/dev/null")
        #expect(error == nil)
        #expect(info.bodyBytes == Int64(Self.body.count))
    }

    @Test func cutAfterHalfClose_toSpecialFile_without206_isExit18_andNotFetchedAgain() throws {
        let server = try RawServer(connections: 3) { index, _ in
            index == 0
                ? Self.cutReply(["ETag: \"v1\""])
                : .bytes(Self.head("200 OK", ["Content-Length: \(Self.body.count)", "ETag: \"v2\""]) + Self.body)
        }
        let (_, error) = fetch(server.url(), to: "/dev/null")
        #expect(error == .partialFile(remaining: Int64(Self.body.count - 30000)))
        #expect(server.received.count == 2)
    }

    @Test func rangeAnsweredWith200_fetchesWholeAgain_withoutHalfClose() throws {
        let changed = Array(Self.body.reversed())
        let server = try RawServer(connections: 3) { index, _ in
            switch index {
            case 0: return Self.cutReply(["ETag: \"v1\""])
            case 1: return .bytes(Self.head("200 OK", ["Content-Length: \(changed.count)", "ETag: \"v2\""]) + changed)
            default: return Self.cutReply(["ETag: \"v2\""], body: changed)
            }
        }
        try withTemporaryPath("changed") { path in
            let (_, error) = fetch(server.url(), to: path)
            #expect(error == nil)
            #expect(readFileIfPresent(path) == changed)
            #expect(server.halfClosed == [true, false])
            #expect(server.received.count == 3)
            #expect(server.received.last.map { Self.rangeStart($0) == nil } == true)
        }
    }

    @Test(arguments: [
        ["Content-Range: bytes 30000-99999/100000", "ETag: \"other\""],
        ["Content-Range: bytes 29000-99999/100000", "ETag: \"v1\""],
        ["Content-Range: bytes 30000-99999/200000", "ETag: \"v1\""],
        ["Content-Range: bytes 30000-99999/100000"],
    ])
    func mismatched206_isNotAppended_theWholeIsFetchedAgain(fields: [String]) throws {
        let server = try RawServer(connections: 3) { index, _ in
            switch index {
            case 0: return Self.cutReply(["ETag: \"v1\""])
            case 1:
                return .bytes(
                    Self.head("206 Partial Content", ["Content-Length: 70000"] + fields) + Self.body[..<70000]
                )
            default: return Self.cutReply(["ETag: \"v1\""])
            }
        }
        try withTemporaryPath("mismatch") { path in
            let (_, error) = fetch(server.url(), to: path)
            #expect(error == nil)
            #expect(readFileIfPresent(path) == Self.body)
            #expect(server.halfClosed == [true, false])
        }
    }

    @Test func withoutValidator_theWholeIsFetchedAgain_withoutRange() throws {
        let server = try RawServer(connections: 2) { _, _ in Self.cutReply([]) }
        try withTemporaryPath("novalidator") { path in
            let (_, error) = fetch(server.url(), to: path)
            #expect(error == nil)
            #expect(readFileIfPresent(path) == Self.body)
            #expect(server.halfClosed == [true, false])
            #expect(server.received.last.map { Self.rangeStart($0) == nil } == true)
        }
    }

    @Test func strongLastModified_isTheIfRangeValidator() throws {
        let modified = "Tue, 24 Nov 2026 10:00:00 GMT"
        let fields = ["Last-Modified: \(modified)", "Date: Tue, 24 Nov 2026 10:00:05 GMT"]
        let server = try RawServer(connections: 2) { index, request in
            index == 0 ? Self.cutReply(fields) : Self.continuation(request, fields)
        }
        try withTemporaryPath("lastmodified") { path in
            #expect(fetch(server.url(), to: path).error == nil)
            #expect(readFileIfPresent(path) == Self.body)
            #expect(server.received.last?.contains("\r\nIf-Range: \(modified)\r\n") == true)
        }
    }

    @Test func theServerIsRemembered_acrossRedirects() throws {
        let server = try RawServer(connections: 3) { index, _ in
            switch index {
            case 0: return Self.cutReply([])
            case 1:
                return .abortAfterHalfClose(Self.head("302 Found", ["Location: /next", "Content-Length: 0"]), keep: 0)
            default: return Self.cutReply(["ETag: \"v1\""])
            }
        }
        try withTemporaryPath("redirect") { path in
            let (info, error) = fetch(server.url("/start"), to: path) { $0.followRedirects = true }
            #expect(error == nil)
            #expect(info.redirects == 1)
            #expect(readFileIfPresent(path) == Self.body)
            #expect(server.halfClosed == [true, false, false])
        }
    }

    @Test func userResume_whose206IsCut_isContinuedFromTheCut() throws {
        let server = try RawServer(connections: 2) { _, request in
            let start = Self.rangeStart(request) ?? 0
            let head = Self.head(
                "206 Partial Content",
                ["Content-Range: bytes \(start)-99999/100000", "Content-Length: \(100_000 - start)", "ETag: \"v1\""]
            )
            return .abortAfterHalfClose(head + Self.body[start...], keep: head.count + 20000)
        }
        try withTemporaryPath("userresume") { path in
            try writeFile(path + ".part", Array(Self.body[..<10000]))
            let (_, error) = fetch(server.url(), to: path) { $0.resume = true }
            #expect(error == nil)
            #expect(readFileIfPresent(path) == Self.body)
            #expect(server.received.map(Self.rangeStart) == [10000, 30000])
            #expect(server.halfClosed == [true, false])
        }
    }

    @Test func closeDelimitedGzip_withoutTrailer_isCutShort_andFetchedAgain() throws {
        let original = Array(String(repeating: "compress me, please. ", count: 400).utf8)
        let compressed = try GzipEncoder.compress(original)
        let head = Self.head("200 OK", ["Content-Encoding: gzip"])
        let server = try RawServer(connections: 2) { _, _ in
            .abortAfterHalfClose(head + compressed, keep: head.count + compressed.count - 8)
        }
        try withTemporaryPath("gzip") { path in
            let (_, error) = fetch(server.url(), to: path) { $0.compressed = true }
            #expect(error == nil)
            #expect(readFileIfPresent(path) == original)
            #expect(server.halfClosed == [true, false])
        }
    }

    @Test func closeDelimitedGzip_withoutTrailer_withoutHalfClose_isExit18() throws {
        let compressed = Array(try GzipEncoder.compress(Array("some text, some text".utf8)).dropLast(8))
        let server = try RawServer { _, _ in .bytes(Self.head("200 OK", ["Content-Encoding: gzip"]) + compressed) }
        try withTemporaryPath("gzipcut") { path in
            let (_, error) = fetch(server.url(), to: path) {
                $0.compressed = true
                $0.halfClose = false
            }
            #expect(error == .gzipCutShort)
            #expect(readFileIfPresent(path) == nil)
        }
    }

    @Test func cutWithoutHalfClose_isExit18_withoutAnotherRequest() throws {
        let server = try RawServer(connections: 2) { _, _ in Self.cutReply(["ETag: \"v1\""]) }
        try withTemporaryPath("nohalfclose") { path in
            let (_, error) = fetch(server.url(), to: path) { $0.halfClose = false }
            #expect(error == nil)
            #expect(server.halfClosed == [false])
        }
        let cut = try RawServer(connections: 2) { _, _ in
            .bytes(Self.head("200 OK", ["Content-Length: 10", "ETag: \"v1\""]) + "abc".bytes)
        }
        try withTemporaryPath("nohalfclose-cut") { path in
            let (_, error) = fetch(cut.url(), to: path) { $0.halfClose = false }
            #expect(error == .partialFile(remaining: 7))
            #expect(cut.received.count == 1)
        }
    }

    @Test func cutPost_isNotSentAgain() throws {
        let server = try RawServer(connections: 2) { _, _ in Self.cutReply(["ETag: \"v1\""]) }
        try withTemporaryPath("post") { path in
            let (_, error) = fetch(server.url(), to: path) { $0.body = "order=1".bytes }
            #expect(error == .partialFile(remaining: Int64(Self.body.count - 30000)))
            #expect(server.received.count == 1)
        }
    }
}

/// The pure rules: which validator goes in `If-Range`, which 206 continues a cut body.
@Suite struct HalfCloseRecoveryRuleTests {
    static func head(_ code: Int, _ fields: [(String, String)]) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        for (name, value) in fields { headers.add(name: name, value: value) }
        return HTTPResponseHead(
            version: .http1_1,
            status: HTTPStatus(code, code == 200 ? "OK" : "Partial Content"),
            headers: headers
        )
    }

    @Test func weakETag_isNoValidator_andNeitherIsARecentLastModified() {
        #expect(HalfCloseRecovery.validator(of: Self.head(200, [("ETag", "W/\"x\"")])) == nil)
        #expect(
            HalfCloseRecovery.validator(of: Self.head(200, [("ETag", "\"x\"")]))
                == .entityTag(EntityTag(opaque: "x"))
        )
        let date = "Tue, 24 Nov 2026 10:00:00 GMT"
        #expect(HalfCloseRecovery.validator(of: Self.head(200, [("Last-Modified", date), ("Date", date)])) == nil)
        #expect(HalfCloseRecovery.validator(of: Self.head(200, [("Last-Modified", date)])) == nil)
    }

    @Test func cut_needsGetLengthAndValidator() throws {
        let fields = [("Content-Length", "100"), ("ETag", "\"x\"")]
        let cut = try #require(HalfCloseRecovery.Cut(head: Self.head(200, fields), method: .get, received: 40))
        #expect(cut.requestFields.map(\.value) == ["bytes=40-", "\"x\""])
        #expect(HalfCloseRecovery.Cut(head: Self.head(200, fields), method: .post, received: 40) == nil)
        #expect(HalfCloseRecovery.Cut(head: Self.head(200, [("ETag", "\"x\"")]), method: .get, received: 40) == nil)
        #expect(HalfCloseRecovery.Cut(head: Self.head(404, fields), method: .get, received: 40) == nil)
        let partial = [("Content-Length", "50"), ("Content-Range", "bytes 50-99/100"), ("ETag", "\"x\"")]
        #expect(HalfCloseRecovery.Cut(head: Self.head(206, partial), method: .get, received: 10)?.resumeAt == 60)
    }

    @Test func verdict_appendsOnlyTheExactContinuation() throws {
        let fields = [("Content-Length", "100"), ("ETag", "\"x\""), ("Content-Encoding", "gzip")]
        let cut = try #require(HalfCloseRecovery.Cut(head: Self.head(200, fields), method: .get, received: 40))
        let good = [("Content-Range", "bytes 40-99/100"), ("ETag", "\"x\""), ("Content-Encoding", "gzip")]
        #expect(HalfCloseRecovery.verdict(for: Self.head(206, good), continuing: cut) == .append)
        let plain = Array(good.dropLast())
        #expect(HalfCloseRecovery.verdict(for: Self.head(206, plain), continuing: cut) != .append)
        #expect(HalfCloseRecovery.verdict(for: Self.head(200, good), continuing: cut) != .append)
        let weak = [good[0], ("ETag", "W/\"x\""), good[2]]
        #expect(HalfCloseRecovery.verdict(for: Self.head(206, weak), continuing: cut) != .append)
    }
}
