import HTTPCore
import HTTPServer
import Sockets
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fixed "now" of these tests: Sun, 06 Nov 1994 08:49:37 GMT... plus 30 years.
let testNow: Int64 = 1_730_882_977
/// The mtime the fixture files get: 2024-01-01T00:00:00.5Z.
let fixtureMTime = (1_704_067_200, 500_000_000)
let fixtureLastModified = "Mon, 01 Jan 2024 00:00:00 GMT"
let helloText = "Hello, range and conditional world!\n"  // 36 bytes

/// A tree with a text file, a folder, dotfiles and links, and a handler serving it.
func makeSite(options: StaticFileHandler.Options = .init()) throws -> (TemporaryTree, StaticFileHandler) {
    let tree = TemporaryTree()
    tree.file("hello.txt", helloText, mtime: fixtureMTime)
    tree.folder("sub")
    tree.file("sub/a.css", "a{}", mtime: fixtureMTime)
    tree.file(".env", "SECRET=1")
    tree.folder(".git")
    tree.file(".git/config", "[core]")
    tree.folder(".well-known")
    tree.file(".well-known/security.txt", "Contact: me")
    tree.symlink("inside-link.txt", to: "hello.txt")
    tree.symlink("outside-link", to: "/etc/hostname")
    tree.symlink("dot-link", to: ".env")
    tree.folder("index-folder")
    tree.file("index-folder/index.html", "<p>index</p>")
    return (tree, try StaticFileHandler(root: tree.path, options: options))
}

func request(
    _ target: String,
    _ method: HTTPMethod = .get,
    _ headers: HTTPHeaders = [:],
    version: HTTPVersion? = .http1_0
) -> HTTPRequest {
    HTTPRequest(method: method, target: target, version: version, headers: headers)
}

/// The body a plan would send, read whole (files from their offset).
func bodyBytes(_ plan: ResponsePlan, closing: Bool = true) throws -> [UInt8] {
    switch plan.body {
    case .none: return []
    case .bytes(let bytes): return bytes
    case .file(let file, let offset, let length):
        defer { if closing { file.close() } }
        var result = [UInt8](repeating: 0, count: Int(length))
        var done = 0
        while done < Int(length) {
            let count = try result.withUnsafeMutableBytes { buffer in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]), at: offset + Int64(done))
            }
            if count == 0 { break }
            done += count
        }
        return Array(result.prefix(done))
    case .parts(let file, let parts):
        defer { file.close() }
        var result: [UInt8] = []
        for part in parts {
            switch part {
            case .bytes(let bytes): result += bytes
            case .file(let offset, let length):
                let slice = ResponsePlan(status: .ok, fields: [:], body: .file(file, offset: offset, length: length))
                result += try bodyBytes(slice, closing: false)
            }
        }
        return result
    case .gzip(let file, _):
        // A handler that defers slow work leaves this to the engine (EngineTests cover it).
        file.close()
        Issue.record("a gzip body made as it is sent")
        return []
    case .later:
        Issue.record("a plan made later")
        return []
    }
}

func headerNames(_ plan: ResponsePlan) -> [String] { plan.head.headers.map(\.name) }

@Suite struct StaticFileHandlerTests {
    @Test func file_has200WithEveryHeader() throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(to: request("/hello.txt"), now: testNow)
        #expect(plan.head.status == .ok)
        #expect(
            headerNames(plan) == [
                "Date", "Server", "Connection", "Content-Type", "Content-Length", "Last-Modified", "ETag",
                "Accept-Ranges", "Vary",
            ]
        )
        let headers = plan.head.headers
        #expect(headers["Date"] == "Wed, 06 Nov 2024 08:49:37 GMT")
        #expect(headers["Server"] == "http-serve/\(http10Version)")
        #expect(headers["Connection"] == "close")
        #expect(headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(headers["Content-Length"] == "36")
        #expect(headers["Last-Modified"] == fixtureLastModified)
        #expect(headers["ETag"] == "\"24-65920080.1dcd6500\"")
        #expect(headers["Accept-Ranges"] == "bytes")
        // A compressible type varies with Accept-Encoding even when sent as it is (see GzipServingTests).
        #expect(headers["Vary"] == "Accept-Encoding")
        #expect(try bodyBytes(plan) == Array(helloText.utf8))
        _ = tree
    }

    @Test func head_hasExactlyTheHeadersOfGet_andNoBody() throws {
        let (tree, handler) = try makeSite()
        for target in ["/hello.txt", "/", "/sub/", "/nope", "/sub"] {
            let get = handler.respond(to: request(target), now: testNow)
            // Range is ignored for HEAD (RFC 9110 §14.2): the head of a plain GET.
            let head = handler.respond(to: request(target, .head, ["Range": "bytes=0-1"]), now: testNow)
            #expect(head.head == get.head, "\(target)")
            guard case .none = head.body else {
                Issue.record("HEAD \(target) has a body")
                continue
            }
            _ = try bodyBytes(get)
        }
        _ = tree
    }

    /// RFC 9110 §13.2.2's order: If-Match, If-Unmodified-Since (412 when they fail), then If-None-Match,
    /// If-Modified-Since (304 when they match), then If-Range.
    @Test(
        arguments: [
            (["If-None-Match": "\"24-65920080.1dcd6500\""], 304),
            (["If-None-Match": "W/\"24-65920080.1dcd6500\""], 304),
            (["If-None-Match": "\"other\", \"24-65920080.1dcd6500\""], 304),
            (["If-None-Match": "*"], 304),
            (["If-None-Match": "\"other\""], 200),
            (["If-None-Match": "\"other\"", "If-Modified-Since": "Tue, 01 Jan 2030 00:00:00 GMT"], 200),
            (["If-None-Match": "garbage"], 200),
            (["If-Modified-Since": fixtureLastModified], 304),
            (["If-Modified-Since": "Tue, 01 Jan 2030 00:00:00 GMT"], 304),
            (["If-Modified-Since": "Sun, 31 Dec 2023 23:59:59 GMT"], 200),
            (["If-Modified-Since": "Monday, 01-Jan-24 00:00:00 GMT"], 304),
            (["If-Modified-Since": "Mon Jan  1 00:00:00 2024"], 304),
            (["If-Modified-Since": "not a date"], 200),
            (["If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 UTC"], 200),
            (["If-Match": "\"24-65920080.1dcd6500\""], 200),
            (["If-Match": "*"], 200),
            (["If-Match": "\"stale\""], 412),
            (["If-Match": "W/\"24-65920080.1dcd6500\""], 412),
            (["If-Unmodified-Since": fixtureLastModified], 200),
            (["If-Unmodified-Since": "Sun, 31 Dec 2023 23:59:59 GMT"], 412),
            (["If-Unmodified-Since": "garbage"], 200),
            (["If-Match": "*", "If-Unmodified-Since": "Sun, 31 Dec 2023 23:59:59 GMT"], 200),
            (["If-Match": "\"stale\"", "If-None-Match": "*"], 412),
            // If-Range (RFC 9110 §13.1.5): the range only for the current strong tag or the exact date.
            (["Range": "bytes=0-4", "If-Range": "\"24-65920080.1dcd6500\""], 206),
            (["Range": "bytes=0-4", "If-Range": "W/\"24-65920080.1dcd6500\""], 200),
            (["Range": "bytes=0-4", "If-Range": "\"stale\""], 200),
            (["Range": "bytes=0-4", "If-Range": fixtureLastModified], 206),
            (["Range": "bytes=0-4", "If-Range": "Tue, 02 Jan 2024 00:00:00 GMT"], 200),
            (["Range": "bytes=0-4", "If-Range": "not a validator"], 200),
        ] as [(HTTPHeaders, Int)]
    )
    func conditionalRequest_status(headers: HTTPHeaders, expected: Int) throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(to: request("/hello.txt", .get, headers), now: testNow)
        #expect(plan.head.status.code == expected)
        _ = try bodyBytes(plan)
        _ = tree
    }

    @Test func notModified_hasValidatorsAndNoBodyOrLength() throws {
        let (tree, handler) = try makeSite()
        for method in [HTTPMethod.get, .head] {
            let plan = handler.respond(to: request("/hello.txt", method, ["If-None-Match": "*"]), now: testNow)
            #expect(plan.head.status == .notModified)
            #expect(headerNames(plan) == ["Date", "Server", "Connection", "ETag", "Last-Modified", "Vary"])
            #expect(plan.head.headers["ETag"] == "\"24-65920080.1dcd6500\"")
            guard case .none = plan.body else {
                Issue.record("304 has a body")
                return
            }
        }
        _ = tree
    }

    @Test(
        arguments: [
            ("bytes=0-4", 206, "bytes 0-4/36", "Hello"),
            ("bytes=-6", 206, "bytes 30-35/36", "orld!\n" as String?),
            ("bytes=30-", 206, "bytes 30-35/36", "orld!\n"),
            ("bytes=34-1000", 206, "bytes 34-35/36", "!\n"),
            ("bytes=36-", 416, "bytes */36", nil),
            ("bytes=-0", 416, "bytes */36", nil),
            // Overlapping members that ask for more bytes than the file: abusive, the whole file.
            ("bytes=0-1,0-40", 200, nil, helloText),
            ("bytes=0-,0-", 200, nil, helloText),
            // Adjacent or overlapping members merge into one plain 206.
            ("bytes=0-1,2-4", 206, "bytes 0-4/36", "Hello"),
            ("bytes=2-4,0-2", 206, "bytes 0-4/36", "Hello"),
            ("bytes=4-1", 200, nil, helloText),
            ("lines=1-2", 200, nil, helloText),
        ] as [(String, Int, String?, String?)]
    )
    func range(field: String, status: Int, contentRange: String?, body: String?) throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(to: request("/hello.txt", .get, ["Range": field]), now: testNow)
        #expect(plan.head.status.code == status)
        #expect(plan.head.headers["Content-Range"] == contentRange)
        let bytes = try bodyBytes(plan)
        #expect(plan.head.headers["Content-Length"] == String(bytes.count))
        if let body { #expect(bytes == Array(body.utf8)) }
        if status == 416 { #expect(plan.head.headers["Content-Type"] == "text/html; charset=utf-8") }
        _ = tree
    }

    @Test func rangePast4GiB_ofSparseFile_uses64BitOffsets() throws {
        let (tree, handler) = try makeSite()
        tree.sparseFile("big.bin", size: 5 * 1024 * 1024 * 1024)
        let plan = handler.respond(
            to: request("/big.bin", .get, ["Range": "bytes=5000000000-5000000009"]),
            now: testNow
        )
        #expect(plan.head.status == .partialContent)
        #expect(plan.head.headers["Content-Range"] == "bytes 5000000000-5000000009/5368709120")
        #expect(plan.head.headers["Content-Length"] == "10")
        guard case .file(_, let offset, let length) = plan.body else {
            Issue.record("not a file body")
            return
        }
        #expect(offset == 5_000_000_000 && length == 10)
        #expect(try bodyBytes(plan) == [UInt8](repeating: 0, count: 10))
        let whole = handler.respond(to: request("/big.bin", .head), now: testNow)
        #expect(whole.head.headers["Content-Length"] == "5368709120")
    }

    @Test(arguments: [
        ("/.env", 404), ("/.git/config", 404), ("/.git/", 404), ("/sub/../.env", 404), ("/%2eenv", 404),
        ("/%252eenv", 200),
        ("/.well-known/security.txt", 200), ("/dot-link", 404), ("/inside-link.txt", 200), ("/outside-link", 404),
        ("/nope.txt", 404), ("/hello.txt/x", 404), ("/index-folder/", 200), ("/sub/a.css", 200),
        // A trailing slash names a folder, never a file, a link to a file or an index file (issue 17).
        ("/hello.txt/", 404), ("/hello.txt/.", 404), ("/hello.txt//", 404), ("/inside-link.txt/", 404),
        ("/index-folder/index.html/", 404), ("/sub/a.css/", 404),
    ])
    func pathPolicy(target: String, status: Int) throws {
        let (tree, handler) = try makeSite()
        tree.file("%2eenv", "literal name")
        let plan = handler.respond(to: request(target), now: testNow)
        #expect(plan.head.status.code == status)
        _ = try bodyBytes(plan)
    }

    @Test func severalRanges_areOneMultipartBody_inNginxLayout() throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(to: request("/hello.txt", .get, ["Range": "bytes=-6,0-4,7-11"]), now: testNow)
        #expect(plan.head.status == .partialContent)
        let type = try #require(plan.head.headers["Content-Type"])
        #expect(type.hasPrefix("multipart/byteranges; boundary=http-serve-"))
        let boundary = String(type.dropFirst("multipart/byteranges; boundary=".count))
        #expect(boundary.count == 27 && boundary.dropFirst(11).allSatisfy(\.isHexDigit))
        let part = { (range: String) in
            "\r\n--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes \(range)/36\r\n\r\n"
        }
        let expected =
            part("0-4") + "Hello" + part("7-11") + "range" + part("30-35") + "orld!\n" + "\r\n--\(boundary)--\r\n"
        let bytes = try bodyBytes(plan)
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        #expect(plan.head.headers["Content-Length"] == String(bytes.count))
        #expect(plan.head.headers["Content-Range"] == nil)
        #expect(plan.head.headers["ETag"] == "\"24-65920080.1dcd6500\"")
        #expect(plan.head.headers["Accept-Ranges"] == "bytes")
        // The same representation gets the same boundary; HEAD (no ranges) the head of the plain GET.
        let again = handler.respond(to: request("/hello.txt", .get, ["Range": "bytes=0-0,2-2"]), now: testNow)
        #expect(again.head.headers["Content-Type"] == type)
        _ = try bodyBytes(again)
        let head = handler.respond(to: request("/hello.txt", .head, ["Range": "bytes=0-4,7-11"]), now: testNow)
        let get = handler.respond(to: request("/hello.txt"), now: testNow)
        #expect(head.head == get.head)
        _ = try bodyBytes(get)
        _ = tree
    }

    @Test func severalRanges_withAStaleIfRange_areTheWholeFile() throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(
            to: request("/hello.txt", .get, ["Range": "bytes=0-4,7-11", "If-Range": "\"stale\""]),
            now: testNow
        )
        #expect(plan.head.status == .ok)
        #expect(try bodyBytes(plan) == Array(helloText.utf8))
        _ = tree
    }

    @Test func fileWithTrailingSlash_is404_forHEADToo() throws {
        let (_, handler) = try makeSite()
        let plan = handler.respond(to: request("/hello.txt/", .head), now: testNow)
        #expect(plan.head.status == .notFound)
        #expect(plan.head.headers["Content-Type"] == "text/html; charset=utf-8")
        guard case .none = plan.body else {
            Issue.record("HEAD has a body")
            return
        }
    }

    @Test(arguments: ["/.env", "/.git/config", "/dot-link"])
    func dotfilesOption_servesDotfiles(target: String) throws {
        let (tree, handler) = try makeSite(options: .init(dotfiles: true))
        let plan = handler.respond(to: request(target), now: testNow)
        #expect(plan.head.status == .ok)
        _ = try bodyBytes(plan)
        _ = tree
    }

    @Test(arguments: [
        ("/sub", "/sub/"), ("/sub?x=1&y", "/sub/?x=1&y"), ("//sub", "/sub/"), ("/./sub", "/sub/"),
        ("http://example.com/sub", "/sub/"), ("/odd%20name", "/odd%20name/"),
    ])
    func folderWithoutSlash_redirectsRelatively(target: String, location: String) throws {
        let (tree, handler) = try makeSite()
        tree.folder("odd name")
        let plan = handler.respond(to: request(target), now: testNow)
        #expect(plan.head.status == .movedPermanently)
        #expect(plan.head.headers["Location"] == location)
    }

    @Test func redirect_neverStartsWithTwoSlashes() throws {
        let (tree, handler) = try makeSite()
        tree.folder("evil.com")
        let plan = handler.respond(to: request("//evil.com"), now: testNow)
        #expect(plan.head.headers["Location"] == "/evil.com/")
    }

    @Test func folderIndex_isServed() throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(to: request("/index-folder/"), now: testNow)
        #expect(plan.head.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(try bodyBytes(plan) == Array("<p>index</p>".utf8))
        _ = tree
    }

    @Test func unsupportedMethod_is501WithAllow() throws {
        let (tree, handler) = try makeSite()
        for method in ["POST", "PUT", "DELETE", "OPTIONS", "get", "BREW"] {
            let plan = handler.respond(to: request("/hello.txt", HTTPMethod(method)), now: testNow)
            #expect(plan.head.status == .notImplemented)
            #expect(plan.head.headers["Allow"] == "GET, HEAD")
        }
        _ = tree
    }

    @Test(arguments: [
        (HTTPParseError(.badRequest, "x"), 400), (HTTPParseError(.uriTooLong, "x"), 414),
        (HTTPParseError(.requestHeaderFieldsTooLarge, "x"), 431), (HTTPParseError(.requestTimeout, "x"), 408),
        (HTTPParseError(.httpVersionNotSupported, "x"), 505),
    ])
    func errorPages_areHTMLWithExactLength(error: HTTPParseError, code: Int) throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(to: error, now: testNow)
        #expect(plan.head.status.code == code)
        #expect(headerNames(plan) == ["Date", "Server", "Connection", "Content-Type", "Content-Length"])
        #expect(plan.head.headers["Content-Type"] == "text/html; charset=utf-8")
        let body = try bodyBytes(plan)
        #expect(plan.head.headers["Content-Length"] == String(body.count))
        #expect(String(decoding: body, as: UTF8.self).contains("<h1>\(code) \(error.status.reasonPhrase)</h1>"))
        _ = tree
    }

    @Test func simpleRequest_sendsNoHead() throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(to: request("/hello.txt", version: nil), now: testNow)
        #expect(!plan.sendsHead)
        #expect(try bodyBytes(plan) == Array(helloText.utf8))
        _ = tree
    }

    @Test(.enabled(if: geteuid() != 0, "root reads everything; scripts/tests/test_24 covers 403 as nobody"))
    func unreadableFileAndFolder_are403() throws {
        let (tree, handler) = try makeSite()
        tree.file("secret.txt", "x")
        tree.folder("locked")
        _ = chmod(tree.path + "/secret.txt", 0)
        _ = chmod(tree.path + "/locked", 0)
        #expect(handler.respond(to: request("/secret.txt"), now: testNow).head.status == .forbidden)
        #expect(handler.respond(to: request("/locked/"), now: testNow).head.status == .forbidden)
    }
}

@Suite struct PreconditionTests {
    @Test func futureModificationTime_isStatedAsNow() throws {
        let (tree, handler) = try makeSite()
        tree.file("future.txt", "soon", mtime: (Int(testNow) + 86400, 0))
        let plan = handler.respond(to: request("/future.txt"), now: testNow)
        #expect(plan.head.headers["Last-Modified"] == plan.head.headers["Date"])
        let since = HTTPDate.format(testNow)
        let conditional = handler.respond(to: request("/future.txt", .get, ["If-Modified-Since": since]), now: testNow)
        #expect(conditional.head.status == .notModified)
        _ = try bodyBytes(plan)
    }

    @Test func indexLinkOutOfTheRoot_is404() throws {
        let (tree, handler) = try makeSite()
        tree.folder("trap")
        tree.symlink("trap/index.html", to: "/etc/hostname")
        #expect(handler.respond(to: request("/trap/"), now: testNow).head.status == .notFound)
    }
}
