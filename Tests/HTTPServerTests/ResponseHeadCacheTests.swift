import HTTPCore
import TestSupport
import Testing

@testable import HTTPServer

/// The loop's cache of response heads (``ResponseHeadCache``): every head it gives is byte for byte the one the
/// plan writes (``ResponsePlan/serializedHead()``), whatever changed between requests, within its bounds.
@Suite struct ResponseHeadCacheTests {
    /// Files of several types and sizes (empty, one byte, the fixture's 36, 1 KiB, past the small-file limit,
    /// compressible or not, no extension), all with the fixture's mtime but one in the future.
    static func makeFiles(in tree: TemporaryTree) {
        tree.file("empty.txt", "", mtime: fixtureMTime)
        tree.file("one.css", "a", mtime: fixtureMTime)
        tree.file("page.html", String(repeating: "<p>page</p>\n", count: 85) + "    ", mtime: fixtureMTime)
        tree.file("data.json", String(repeating: "{\"k\": 1}\n", count: 2000), mtime: fixtureMTime)
        tree.file("image.png", [UInt8](repeating: 0x89, count: 300), mtime: fixtureMTime)
        tree.file("README", "no extension", mtime: fixtureMTime)
        tree.file("later.txt", "from the future", mtime: (Int(testNow) + 3600, 0))
    }

    static let targets = [
        "/hello.txt", "/empty.txt", "/one.css", "/page.html", "/data.json", "/image.png", "/README", "/later.txt",
        "/sub/a.css", "/index-folder/", "/missing", "/sub",
    ]

    /// The requests each target is asked with: GET and HEAD, HTTP/1.1 and 0.9, gzip accepted, conditionals that
    /// give a 304, a 412 and a 200, and ranges (a 206, a multipart 206, a 416).
    static func requests(for target: String) -> [HTTPRequest] {
        [
            request(target), request(target, .head), request(target, version: .http1_1),
            request(target, version: nil), request(target, .get, ["Accept-Encoding": "gzip"]),
            request(target, .head, ["Accept-Encoding": "gzip, br"]),
            request(target, .get, ["If-None-Match": "\"24-65920080.1dcd6500\""]),
            request(target, .get, ["If-Modified-Since": fixtureLastModified]),
            request(target, .get, ["If-Match": "\"other\""]), request(target, .get, ["Range": "bytes=0-0"]),
            request(target, .get, ["Range": "bytes=0-0,2-3"]), request(target, .get, ["Range": "bytes=99999-"]),
        ]
    }

    /// ResponsePlanTests' option sets (no fields added; `--header`, CORS and `--max-age`; `no-cache`), then gzip off.
    static let optionSets: [(StaticFileHandler.Options, gzip: Bool)] =
        ResponsePlanTests.optionSets.map { ($0, true) } + [(StaticFileHandler.Options(), false)]

    /// Every kind of answer, every option that adds fields, three seconds asked in turn (each `Date` comes back):
    /// each head from the cache equals the one written from the plan, the first time and when it is found.
    @Test(arguments: 0..<optionSets.count)
    func heads_areTheWrittenHeads_overTypesMethodsCodingsOptionsAndSeconds(optionSet: Int) throws {
        let (options, gzip) = Self.optionSets[optionSet]
        let (tree, site) = try makeSite(options: options)
        var handler = site
        if !gzip { handler.gzip = nil }
        Self.makeFiles(in: tree)
        var cache = ResponseHeadCache()
        var checked = 0
        for now in [testNow, testNow + 1, testNow, testNow + 2, testNow + 2] {
            for target in Self.targets {
                for request in Self.requests(for: target) {
                    let plan = handler.respond(to: request, now: now)
                    defer { plan.closeFile() }
                    #expect(cache.head(of: plan) == plan.serializedHead(), "\(request.requestLine) at \(now)")
                    checked += 1
                }
            }
            let unauthorized = handler.unauthorized(request("/hello.txt"), challenge: "Basic realm=\"x\"", now: now)
            #expect(cache.head(of: unauthorized) == unauthorized.serializedHead())
        }
        #expect(checked == 5 * Self.targets.count * 12)
        #expect(cache.count > 0)  // Files' 200s and 304s were kept.
        _ = tree
    }

    /// Whether `head` holds the line `line` (CRLF and all).
    func has(_ head: [UInt8], _ line: String) -> Bool {
        String(decoding: head, as: UTF8.self).contains("\r\n" + line + "\r\n")
    }

    @Test func aChangedFile_getsItsNewHead_neverTheKeptOne() throws {
        let (tree, handler) = try makeSite()
        var cache = ResponseHeadCache()
        func head() -> [UInt8] {
            let plan = handler.respond(to: request("/hello.txt"), now: testNow)
            defer { plan.closeFile() }
            let head = cache.head(of: plan)
            #expect(head == plan.serializedHead())
            return head
        }
        let first = head()
        #expect(head() == first)
        #expect(has(first, "Content-Length: 36"))
        // Another size, same mtime: another Content-Length and entity tag.
        tree.file("hello.txt", "shorter", mtime: fixtureMTime)
        let shorter = head()
        #expect(has(shorter, "Content-Length: 7") && has(shorter, "ETag: \"7-65920080.1dcd6500\""))
        // The same size, the mtime a nanosecond on: the entity tag moves, Last-Modified not.
        tree.file("hello.txt", "SHORTER", mtime: (fixtureMTime.0, fixtureMTime.1 + 1))
        let touched = head()
        #expect(has(touched, "ETag: \"7-65920080.1dcd6501\"") && has(touched, "Last-Modified: \(fixtureLastModified)"))
        // A second on: Last-Modified moves.
        tree.file("hello.txt", "SHORTER", mtime: (fixtureMTime.0 + 1, fixtureMTime.1))
        #expect(has(head(), "Last-Modified: Mon, 01 Jan 2024 00:00:01 GMT"))
        _ = tree
    }

    @Test func aNewSecond_replacesTheHeadOfTheOldOne() throws {
        let (tree, handler) = try makeSite()
        var cache = ResponseHeadCache()
        for now in testNow..<testNow + 40 {
            let plan = handler.respond(to: request("/hello.txt"), now: now)
            plan.closeFile()
            let head = cache.head(of: plan)
            #expect(has(head, "Date: " + HTTPDate.format(now)))
            #expect(head == plan.serializedHead())
            #expect(cache.count == 1)
        }
        _ = tree
    }

    @Test func keptHeads_areBounded_andEachStillRight() throws {
        let (tree, handler) = try makeSite()
        var cache = ResponseHeadCache()
        let capacity = ResponseHeadCache.sets * ResponseHeadCache.ways
        for round in 0..<2 {
            for index in 0..<(capacity * 3) {
                if round == 0 { tree.file("f\(index).txt", String(repeating: "x", count: index), mtime: fixtureMTime) }
                let plan = handler.respond(to: request("/f\(index).txt"), now: testNow)
                plan.closeFile()
                #expect(cache.head(of: plan) == plan.serializedHead())
                #expect(cache.count <= capacity)
            }
        }
        #expect(cache.count > capacity / 2)
        _ = tree
    }

    @Test func aHeadLongerThanTheBound_isWritten_notKept() throws {
        var options = StaticFileHandler.Options()
        options.extraFields = ["X-Long": String(repeating: "v", count: ResponseHeadCache.maxHeadBytes)]
        let (tree, handler) = try makeSite(options: options)
        var cache = ResponseHeadCache()
        for _ in 0..<2 {
            let plan = handler.respond(to: request("/hello.txt"), now: testNow)
            plan.closeFile()
            #expect(cache.head(of: plan) == plan.serializedHead())
        }
        #expect(cache.count == 0)
        _ = tree
    }
}
