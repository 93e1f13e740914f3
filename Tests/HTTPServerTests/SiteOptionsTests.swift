import HTTPCore
import TestSupport
import Testing

@testable import HTTPServer

/// The switches of issue 16 (README, "Everyday switches"): pure decisions of the planner, tested without a
/// socket; their wire tests are scripts/tests/test_45 and on.
@Suite struct SiteOptionsTests {
    func handler(
        _ tree: TemporaryTree,
        _ configure: (inout StaticFileHandler.Options) -> Void
    ) throws
        -> StaticFileHandler
    {
        var options = StaticFileHandler.Options()
        configure(&options)
        return try StaticFileHandler(root: tree.path, options: options)
    }

    // MARK: option values

    @Test(arguments: [
        ("X-Frame-Options: DENY", "X-Frame-Options", "DENY"),
        ("X-A:b", "X-A", "b"),
        ("X-Empty:", "X-Empty", ""),
        ("Cache-Control:  max-age=5 \t", "Cache-Control", "max-age=5"),
    ])
    func headerOption_parsesNameAndTrimmedValue(argument: String, name: String, value: String) throws {
        let parsed = try StaticFileHandler.parseHeaderOption(argument)
        #expect(parsed.name == name && parsed.value == value)
    }

    @Test(arguments: [
        ("no colon", "--header must be 'Name: value', got 'no colon'"),
        ("Bad Name: x", "--header must be 'Name: value' with a token name, got 'Bad Name: x'"),
        (": x", "--header must be 'Name: value' with a token name, got ': x'"),
        ("X-A: a\u{1}b", "--header 'X-A': the value may not hold control characters"),
        ("content-length: 5", "--header 'content-length': the server writes this field itself"),
        ("Content-Type: text/plain", "--header 'Content-Type': the server writes this field itself"),
        ("Connection: keep-alive", "--header 'Connection': the server writes this field itself"),
        ("Date: x", "--header 'Date': the server writes this field itself"),
        ("Transfer-Encoding: chunked", "--header 'Transfer-Encoding': the server writes this field itself"),
    ])
    func headerOption_refusesMalformedAndOwnedFields(argument: String, message: String) {
        #expect(throws: StaticFileHandler.OptionError(message)) { try StaticFileHandler.parseHeaderOption(argument) }
    }

    @Test func corsOrigin_acceptsStarNullAndOrigins_only() {
        for good in ["*", "null", "https://example.com", "http://127.0.0.1:8080", "http://[::1]:3000"] {
            #expect(throws: Never.self) { try StaticFileHandler.validateCORSOrigin(good) }
        }
        for bad in ["", "example.com", "https://", "https://a b", "://x", "https://a/path\r\n"] {
            #expect(throws: StaticFileHandler.OptionError.self) { try StaticFileHandler.validateCORSOrigin(bad) }
        }
    }

    @Test func mediaType_isTypeSlashSubtypeWithOptionalParameters() {
        for good in ["text/plain", "application/octet-stream", "text/plain; charset=utf-8", "a/b;x=y"] {
            #expect(throws: Never.self) { try StaticFileHandler.validateMediaType(good) }
        }
        for bad in ["", "text", "text/", "/plain", "text/plain/x", "text/pl ain", "text/plain; charset", "a/b\r\n"] {
            #expect(throws: StaticFileHandler.OptionError.self) { try StaticFileHandler.validateMediaType(bad) }
        }
    }

    @Test func indexName_isOneSegment() {
        #expect(throws: Never.self) { try StaticFileHandler.validateIndexName("index.htm") }
        for bad in ["", ".", "..", "a/b", "/index.html"] {
            #expect(throws: StaticFileHandler.OptionError.self) { try StaticFileHandler.validateIndexName(bad) }
        }
    }

    @Test func mimeTypesFile_isParsed_andMalformedLinesNamed() throws {
        let text = "# comment\ntext/x-thing thing THG  # trailing\n\napplication/x-empty\nimage/x-q q .qq spdx.json\n"
        let table = try MIMETypes.parseMimeTypes(text, file: "m.types")
        #expect(
            table == [
                "thing": "text/x-thing; charset=utf-8", "thg": "text/x-thing; charset=utf-8", "q": "image/x-q",
                "qq": "image/x-q", "spdx.json": "image/x-q",
            ]
        )
        #expect(throws: StaticFileHandler.OptionError("m.types:2: 'nonsense' is not a media type (type/subtype)")) {
            try MIMETypes.parseMimeTypes("text/plain txt\nnonsense txt\n", file: "m.types")
        }
        #expect(throws: StaticFileHandler.OptionError("m.types:1: 'a\"b' is not an extension")) {
            try MIMETypes.parseMimeTypes("text/plain a\"b\n", file: "m.types")
        }
        #expect(throws: StaticFileHandler.OptionError.self) { try MIMETypes.loadMimeTypes(file: "/no/such/file") }
    }

    @Test func mimeTable_overridesWinThenBuiltInThenFallback() {
        let table = MIMETypes.Table(
            overrides: ["txt": "text/x-mine", "spdx.json": "application/spdx+json"],
            fallback: "text/plain"
        )
        #expect(table.type(forFileName: Array("A.TXT".utf8)) == "text/x-mine")
        #expect(table.type(forFileName: Array("x.spdx.json".utf8)) == "application/spdx+json")
        #expect(table.type(forFileName: Array("x.json".utf8)) == "application/json")
        #expect(table.type(forFileName: Array("x.unknownext".utf8)) == "text/plain")
        #expect(table.type(forFileName: Array("README".utf8)) == "text/plain")
    }

    // MARK: fields on every answer

    @Test func configuredFields_goOnFiles_304s_errors_401s_andParseErrors() throws {
        let (tree, _) = try makeSite()
        let handler = try handler(tree) {
            $0.caching = .maxAge(60)
            $0.corsOrigin = "*"
            $0.extraFields = ["X-A": "1"]
        }
        let added = [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Expose-Headers", "Content-Length, Content-Range, ETag"), ("X-A", "1"),
        ]
        let file = handler.respond(to: request("/hello.txt"), now: testNow)
        #expect(
            Array(file.head.headers.suffix(4)).map { "\($0.name): \($0.value)" } == [
                "Cache-Control: public, max-age=60"
            ] + added.map { "\($0.0): \($0.1)" }
        )
        _ = try bodyBytes(file)
        let notModified = handler.respond(
            to: request("/hello.txt", .get, ["If-None-Match": "\"24-65920080.1dcd6500\""]),
            now: testNow
        )
        #expect(notModified.head.status == .notModified)
        #expect(notModified.head.headers["Cache-Control"] == "public, max-age=60")
        #expect(notModified.head.headers["X-A"] == "1")
        for plan in [
            handler.respond(to: request("/nope"), now: testNow),
            handler.respond(to: HTTPParseError(.badRequest, "x"), now: testNow),
            handler.unauthorized(request("/"), challenge: "Basic realm=\"r\"", now: testNow),
            handler.respond(to: request("/sub/"), now: testNow),
        ] {
            #expect(plan.head.headers["Cache-Control"] == "no-cache", "\(plan.status)")
            #expect(plan.head.headers["Access-Control-Allow-Origin"] == "*", "\(plan.status)")
            #expect(plan.head.headers["X-A"] == "1", "\(plan.status)")
        }
        let noCache = try self.handler(tree) { $0.caching = .noCache }
        let plain = noCache.respond(to: request("/hello.txt"), now: testNow)
        #expect(plain.head.headers["Cache-Control"] == "no-cache")
        _ = try bodyBytes(plain)
        let none = try self.handler(tree) { _ in }
        let bare = none.respond(to: request("/hello.txt"), now: testNow)
        #expect(bare.head.headers["Cache-Control"] == nil && bare.head.headers["Access-Control-Allow-Origin"] == nil)
        _ = try bodyBytes(bare)
    }

    @Test func preflight_is204_withMethodsAndTheRequestedHeaders() throws {
        let (tree, _) = try makeSite()
        let handler = try handler(tree) { $0.corsOrigin = "https://app.example" }
        let preflight = handler.respond(
            to: request(
                "/missing.txt",
                .options,
                [
                    "Origin": "https://app.example", "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "range,x-token",
                ]
            ),
            now: testNow
        )
        #expect(preflight.head.status == .noContent)
        #expect(
            preflight.head.headers.map { "\($0.name): \($0.value)" } == [
                "Date: Wed, 06 Nov 2024 08:49:37 GMT", "Server: http-serve/\(http10Version)", "Connection: close",
                "Allow: GET, HEAD, OPTIONS", "Access-Control-Allow-Methods: GET, HEAD",
                "Access-Control-Allow-Headers: range, x-token", "Vary: Access-Control-Request-Headers",
                "Access-Control-Allow-Origin: https://app.example",
            ]
        )
        guard case .none = preflight.body else {
            Issue.record("a 204 with a body")
            return
        }
        #expect(handler.respond(to: request("/../x", .options), now: testNow).head.status == .badRequest)
        let post = handler.respond(to: request("/", .post), now: testNow)
        #expect(post.head.status == .notImplemented && post.head.headers["Allow"] == "GET, HEAD, OPTIONS")
        // Without --cors, OPTIONS keeps its 501.
        let off = try self.handler(tree) { _ in }.respond(to: request("/", .options), now: testNow)
        #expect(off.head.status == .notImplemented && off.head.headers["Allow"] == "GET, HEAD")
    }

    // MARK: which file answers

    @Test func errorPage_isTheBodyOfEvery404_withStatus404_unlessTurnedOff() throws {
        let (tree, _) = try makeSite()
        tree.file("404.html", "<h1>Gone</h1>\n")
        let handler = try handler(tree) { $0.listing = false }
        #expect(handler.errorPageWarning == nil)
        for target in ["/nope", "/.env", "/sub/", "/hello.txt/more", "/outside-link"] {
            let plan = handler.respond(to: request(target), now: testNow)
            #expect(plan.head.status == .notFound, "\(target)")
            #expect(plan.head.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(plan.head.headers["Content-Length"] == "14")
            #expect(try bodyBytes(plan) == Array("<h1>Gone</h1>\n".utf8), "\(target)")
        }
        let head = handler.respond(to: request("/nope", .head), now: testNow)
        #expect(head.head.headers["Content-Length"] == "14")
        guard case .none = head.body else {
            Issue.record("HEAD 404 with a body")
            return
        }
        let off = try self.handler(tree) { $0.errorPage = false }
        #expect(try bodyBytes(off.respond(to: request("/nope"), now: testNow)) == ErrorPage.html(for: .notFound))
    }

    @Test func errorPage_outOfTheRootOrToADotfile_isIgnoredWithAWarning() throws {
        let (tree, _) = try makeSite()
        let elsewhere = TemporaryTree()
        elsewhere.file("page.html", "<p>elsewhere</p>")
        tree.symlink("404.html", to: elsewhere.path + "/page.html")
        let outside = try handler(tree) { _ in }
        #expect(outside.errorPageWarning == "404.html is a link out of the root; 404s get the built-in page")
        #expect(try bodyBytes(outside.respond(to: request("/nope"), now: testNow)) == ErrorPage.html(for: .notFound))
        let dotTree = TemporaryTree()
        dotTree.file(".secret", "s")
        dotTree.symlink("404.html", to: ".secret")
        let dot = try handler(dotTree) { _ in }
        #expect(dot.errorPageWarning == "404.html is a link to a dotfile; 404s get the built-in page")
        #expect(try bodyBytes(dot.respond(to: request("/nope"), now: testNow)) == ErrorPage.html(for: .notFound))
        let folderTree = TemporaryTree()
        folderTree.folder("404.html")
        #expect(
            try handler(folderTree) { _ in }.errorPageWarning
                == "404.html is not a regular file; 404s get the built-in page"
        )
    }

    @Test func spa_answersMissingExtensionlessPaths_withTheRootIndex() throws {
        let (tree, _) = try makeSite()
        tree.file("index.html", "<p>app</p>")
        let handler = try handler(tree) { $0.singlePageApp = true }
        for target in ["/users/42", "/deep/route/", "/v1.2/list"] {
            let plan = handler.respond(to: request(target), now: testNow)
            #expect(plan.head.status == .ok, "\(target)")
            #expect(try bodyBytes(plan) == Array("<p>app</p>".utf8), "\(target)")
        }
        for (target, status) in [("/app.js", 404), ("/.env", 404), ("/.git/route", 404), ("/sub", 301)] {
            let plan = handler.respond(to: request(target), now: testNow)
            #expect(plan.head.status.code == status, "\(target)")
        }
        #expect(handler.respond(to: request("/users/42", .post), now: testNow).head.status == .notImplemented)
        #expect(try bodyBytes(handler.respond(to: request("/hello.txt"), now: testNow)) == Array(helloText.utf8))
        let off = try self.handler(tree) { _ in }
        #expect(off.respond(to: request("/users/42"), now: testNow).head.status == .notFound)
    }

    @Test func indexNames_areTriedInOrder_hiddenOnesSkipped() throws {
        let tree = TemporaryTree()
        tree.folder("a")
        tree.file("a/default.htm", "default")
        tree.file("a/index.htm", "htm")
        tree.folder("b")
        tree.file("b/.hidden.html", "hidden")
        let handler = try handler(tree) {
            $0.indexNames = ["index.htm", "default.htm", ".hidden.html"].map { Array($0.utf8) }
        }
        let a = handler.respond(to: request("/a/"), now: testNow)
        #expect(try bodyBytes(a) == Array("htm".utf8))
        #expect(a.head.headers["Content-Type"] == "text/html; charset=utf-8")
        let b = handler.respond(to: request("/b/"), now: testNow)
        #expect(b.head.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(!(String(decoding: try bodyBytes(b), as: UTF8.self).contains("hidden")))
    }

    @Test func mimeTable_decidesTheContentType() throws {
        let tree = TemporaryTree()
        tree.file("a.thing", "x")
        tree.file("b.unknownext", "x")
        let handler = try handler(tree) {
            $0.mimeTypes = MIMETypes.Table(overrides: ["thing": "text/x-thing"], fallback: "text/plain")
        }
        for (target, type) in [("/a.thing", "text/x-thing"), ("/b.unknownext", "text/plain")] {
            let plan = handler.respond(to: request(target), now: testNow)
            #expect(plan.head.headers["Content-Type"] == type)
            _ = try bodyBytes(plan)
        }
    }

    @Test(
        arguments: [
            ("gzip, br, zstd", "br", "app.js.br"),
            ("zstd;q=1, br;q=0.5", "zstd", "app.js.zst"),
            ("br;q=0.1, gzip", "gzip", "app.js.gz"),
            ("*", "br", "app.js.br"),
            ("br;q=0, zstd;q=0, gzip", "gzip", "app.js.gz"),
            ("deflate", nil, "app.js"),
        ] as [(String, String?, String)]
    )
    func precompressedSiblings_followTheClientsWeights(accept: String, coding: String?, file: String) throws {
        let tree = TemporaryTree()
        tree.file("app.js", scriptText(4000), mtime: (1_000, 0))
        for (sibling, bytes) in [("app.js.br", "BR"), ("app.js.zst", "ZSTD"), ("app.js.gz", "GZ")] {
            tree.file(sibling, bytes, mtime: (2_000, 0))
        }
        let handler = try handler(tree) { _ in }
        let plan = handler.respond(to: request("/app.js", .get, ["Accept-Encoding": accept]), now: testNow)
        #expect(plan.head.headers["Content-Encoding"] == coding)
        #expect(plan.head.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(plan.head.headers["Vary"] == "Accept-Encoding")
        let expected: [UInt8] =
            file == "app.js"
            ? scriptText(4000) : Array(["app.js.br": "BR", "app.js.zst": "ZSTD", "app.js.gz": "GZ"][file]!.utf8)
        #expect(try bodyBytes(plan) == expected)
        if let coding {
            let suffix = ["br": "-br-", "zstd": "-zst-", "gzip": "-gz-"][coding]!
            #expect(plan.entityTag?.opaque.contains(suffix) == true)
        }
    }

    @Test func olderBrSibling_isIgnored_andNoGzipMeansIdentityOnly() throws {
        let tree = TemporaryTree()
        tree.file("app.js", scriptText(4000), mtime: (2_000, 0))
        tree.file("app.js.br", "OLD", mtime: (1_000, 0))
        let handler = try handler(tree) { _ in }
        let plan = handler.respond(to: request("/app.js", .get, ["Accept-Encoding": "br"]), now: testNow)
        #expect(plan.head.headers["Content-Encoding"] == nil)
        #expect(try bodyBytes(plan) == scriptText(4000))
        tree.setMTime("app.js.br", (3_000, 0))
        var off = try self.handler(tree) { _ in }
        off.gzip = nil
        let identity = off.respond(to: request("/app.js", .get, ["Accept-Encoding": "br"]), now: testNow)
        #expect(identity.head.headers["Content-Encoding"] == nil && identity.head.headers["Vary"] == nil)
        _ = try bodyBytes(identity)
        let br = handler.respond(to: request("/app.js.br", .get, ["Accept-Encoding": "br"]), now: testNow)
        #expect(br.head.headers["Content-Encoding"] == nil)
        _ = try bodyBytes(br)
    }

    // MARK: listings

    @Test func jsonListing_escapesNames_andLinksTheRawBytes() throws {
        let tree = TemporaryTree()
        tree.file("plain.txt", "abc", mtime: fixtureMTime)
        tree.file("q\"\\\u{1}.txt", "", mtime: fixtureMTime)
        tree.file([0x62, 0xFF, 0x2E, 0x74], [0x21], mtime: fixtureMTime)
        tree.folder("dir")
        tree.setMTime("dir", fixtureMTime)
        tree.file(".hidden", "h")
        let handler = try handler(tree) { _ in }
        for (target, headers) in [("/?format=json", [:]), ("/", ["Accept": "application/json"])]
            as [(String, HTTPHeaders)]
        {
            let plan = handler.respond(to: request(target, .get, headers), now: testNow)
            #expect(plan.head.headers["Content-Type"] == "application/json")
            #expect(plan.head.headers["Vary"] == "Accept")
            #expect(
                String(decoding: try bodyBytes(plan), as: UTF8.self) == """
                    [
                    {"name":"b\\uFFFD.t","type":"file","size":1,"mtime":"2024-01-01T00:00:00Z","link":"b%FF.t"},
                    {"name":"dir","type":"folder","size":null,"mtime":"2024-01-01T00:00:00Z","link":"dir/"},
                    {"name":"plain.txt","type":"file","size":3,"mtime":"2024-01-01T00:00:00Z","link":"plain.txt"},
                    {"name":"q\\"\\\\\\u0001.txt","type":"file","size":0,"mtime":"2024-01-01T00:00:00Z","link":"q%22%5C%01.txt"}
                    ]

                    """
            )
        }
        let browser = handler.respond(
            to: request("/", .get, ["Accept": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"]),
            now: testNow
        )
        #expect(browser.head.headers["Content-Type"] == "text/html; charset=utf-8")
        let empty = TemporaryTree()
        let plan = try self.handler(empty) { _ in }.respond(to: request("/?format=json"), now: testNow)
        #expect(try bodyBytes(plan) == Array("[]\n".utf8))
    }

    @Test(arguments: [
        ("", ["a-big", "b-dir/", "c-small", "d-dir/"]),
        ("sort=name", ["b-dir/", "d-dir/", "a-big", "c-small"]),
        ("order=desc", ["d-dir/", "b-dir/", "c-small", "a-big"]),
        ("sort=size", ["b-dir/", "d-dir/", "c-small", "a-big"]),
        ("sort=size&order=desc", ["d-dir/", "b-dir/", "a-big", "c-small"]),
        ("sort=mtime", ["d-dir/", "b-dir/", "a-big", "c-small"]),
        ("sort=mtime&order=desc", ["b-dir/", "d-dir/", "c-small", "a-big"]),
        ("sort=bogus&order=sideways", ["a-big", "b-dir/", "c-small", "d-dir/"]),
    ])
    func listingOrder_followsTheQuery_foldersFirst(query: String, expected: [String]) throws {
        let tree = TemporaryTree()
        tree.file("a-big", "0123456789", mtime: (1_000, 0))
        tree.file("c-small", "0", mtime: (3_000, 0))
        tree.folder("b-dir")
        tree.setMTime("b-dir", (4_000, 0))
        tree.folder("d-dir")
        tree.setMTime("d-dir", (2_000, 0))
        let handler = try handler(tree) { _ in }
        let plan = handler.respond(to: request("/?format=json&" + query), now: testNow)
        let lines = String(decoding: try bodyBytes(plan), as: UTF8.self).split(separator: "\n")
        let links = lines.filter { $0.contains("\"link\":\"") }.map { line in
            var link = String(line.split(separator: "\"link\":\"")[1])
            if link.hasSuffix(",") { link.removeLast() }
            link.removeLast(2)
            return link
        }
        #expect(links == expected)
    }
}
