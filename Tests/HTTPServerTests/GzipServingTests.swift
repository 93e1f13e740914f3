import Gzip
import HTTPCore
import HTTPServer
import System
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Text that compresses well: what a JavaScript file looks like to gzip.
func scriptText(_ count: Int, seed: Int = 0) -> [UInt8] {
    var text: [UInt8] = []
    var line = seed
    while text.count < count {
        text += Array("function f\(line)(a, b) { return a * \(line % 7) + b; } // line \(line)\n".utf8)
        line += 1
    }
    return Array(text.prefix(count))
}

func gzRequest(_ target: String, method: HTTPMethod = .get, _ headers: [(String, String)] = []) -> HTTPRequest {
    var fields = HTTPHeaders()
    for (name, value) in headers { fields.add(name: name, value: value) }
    return HTTPRequest(method: method, target: target, version: .http1_0, headers: fields)
}

func makeHandler(_ site: TemporaryTree, gzip: GzipOptions = GzipOptions()) throws -> StaticFileHandler {
    var configuration = ServerConfiguration()
    configuration.root = site.path
    configuration.gzip = gzip
    return try StaticFileHandler(configuration: configuration)
}

let acceptGzip = [("Accept-Encoding", "gzip")]

@Suite struct GzipServingTests {
    @Test func gzipAccepted_compressibleFile_sendsGzipThatDecodesToTheFile() throws {
        let site = TemporaryTree()
        let original = scriptText(64 * 1024)
        site.file("app.js", original)
        let handler = try makeHandler(site)
        let plan = handler.respond(to: gzRequest("/app.js", acceptGzip), now: 0)
        let body = try bodyBytes(plan)
        #expect(plan.head.status == .ok)
        #expect(plan.head.headers["Content-Encoding"] == "gzip")
        #expect(plan.head.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(plan.head.headers["Vary"] == "Accept-Encoding")
        #expect(plan.head.headers["Content-Length"] == String(body.count))
        #expect(body.count < original.count / 4)
        #expect(try GzipDecoder.decompress(body) == original)
    }

    @Test func gzipVariant_hasItsOwnETag_andTheSameLastModified() throws {
        let site = TemporaryTree()
        site.file("app.js", scriptText(4096))
        let handler = try makeHandler(site)
        let identity = handler.respond(to: gzRequest("/app.js"), now: 0)
        let gzip = handler.respond(to: gzRequest("/app.js", acceptGzip), now: 0)
        _ = try bodyBytes(identity)
        #expect(gzip.head.headers["Last-Modified"] == identity.head.headers["Last-Modified"])
        #expect(gzip.head.headers["Last-Modified"] != nil)
        let tag = try #require(identity.head.headers["ETag"])
        #expect(gzip.head.headers["ETag"] == String(tag.dropLast()) + "-gz\"")
        _ = try bodyBytes(gzip)
    }

    @Test func ifNoneMatch_comparesTheTagOfTheVariantThatWouldBeSent() throws {
        let site = TemporaryTree()
        site.file("app.js", scriptText(4096))
        let handler = try makeHandler(site)
        let gzip = handler.respond(to: gzRequest("/app.js", acceptGzip), now: 0)
        _ = try bodyBytes(gzip)
        let gzipTag = try #require(gzip.head.headers["ETag"])
        let identityTag = try #require(
            handler.respond(to: gzRequest("/app.js", method: .head), now: 0).head.headers["ETag"]
        )
        // The gzip client's cached copy is current: 304, with the variant's tag and Vary (RFC 9110 §15.4.5).
        let notModified = handler.respond(to: gzRequest("/app.js", acceptGzip + [("If-None-Match", gzipTag)]), now: 0)
        #expect(notModified.head.status == .notModified)
        #expect(notModified.head.headers["ETag"] == gzipTag)
        #expect(notModified.head.headers["Vary"] == "Accept-Encoding")
        // A tag of the other variant does not match: the full gzip body again.
        let full = handler.respond(to: gzRequest("/app.js", acceptGzip + [("If-None-Match", identityTag)]), now: 0)
        #expect(full.head.status == .ok)
        #expect(try GzipDecoder.decompress(try bodyBytes(full)) == scriptText(4096))
        let identity = handler.respond(to: gzRequest("/app.js", [("If-None-Match", gzipTag)]), now: 0)
        #expect(identity.head.status == .ok)
        #expect(try bodyBytes(identity) == scriptText(4096))
    }

    @Test(arguments: [
        [("Accept-Encoding", "gzip;q=0")], [("Accept-Encoding", "")], [], [("Accept-Encoding", "identity")],
        [("Accept-Encoding", "br, deflate")],
    ])
    func gzipNotAccepted_sendsIdentityWithVary(headers: [(String, String)]) throws {
        let site = TemporaryTree()
        let original = scriptText(4096)
        site.file("app.js", original)
        let plan = try makeHandler(site).respond(to: gzRequest("/app.js", headers), now: 0)
        #expect(plan.head.headers["Content-Encoding"] == nil)
        #expect(plan.head.headers["Vary"] == "Accept-Encoding")
        #expect(plan.head.headers["Content-Length"] == "4096")
        #expect(try bodyBytes(plan) == original)
    }

    @Test(arguments: ["x-gzip", "*", "gzip;q=0.5, identity;q=0.5", "deflate, gzip;q=0.1"])
    func gzipAcceptedOtherwise_sendsGzip(value: String) throws {
        let site = TemporaryTree()
        site.file("data.json", scriptText(1000))
        let plan = try makeHandler(site).respond(to: gzRequest("/data.json", [("Accept-Encoding", value)]), now: 0)
        #expect(plan.head.headers["Content-Encoding"] == "gzip")
        #expect(try GzipDecoder.decompress(try bodyBytes(plan)) == scriptText(1000))
    }

    @Test func smallFile_isSentAsIs_butVaries() throws {
        let site = TemporaryTree()
        site.file("small.txt", scriptText(255))
        site.file("edge.txt", scriptText(256))
        let handler = try makeHandler(site)
        let small = handler.respond(to: gzRequest("/small.txt", acceptGzip), now: 0)
        #expect(small.head.headers["Content-Encoding"] == nil)
        #expect(small.head.headers["Vary"] == "Accept-Encoding")
        #expect(try bodyBytes(small) == scriptText(255))
        let edge = handler.respond(to: gzRequest("/edge.txt", acceptGzip), now: 0)
        #expect(edge.head.headers["Content-Encoding"] == "gzip")
        _ = try bodyBytes(edge)
    }

    /// Incompressible types, and any type with gzip off (--no-gzip): the file as it is, and no Vary since nothing
    /// varies.
    @Test(
        arguments: [
            ("photo.png", true), ("archive.zip", true), ("page.html.gz", true), ("font.woff2", true),
            ("movie.mp4", true), ("blob.bin", true), ("app.js", false),
        ]
    )
    func incompressibleOrGzipOff_getsNeitherGzipNorVary(name: String, gzipEnabled: Bool) throws {
        let site = TemporaryTree()
        site.file(name, scriptText(10_000))
        let plan = try makeHandler(site, gzip: GzipOptions(enabled: gzipEnabled)).respond(
            to: gzRequest("/" + name, acceptGzip),
            now: 0
        )
        #expect(plan.head.headers["Content-Encoding"] == nil)
        #expect(plan.head.headers["Vary"] == nil)
        #expect(try bodyBytes(plan) == scriptText(10_000))
    }

    @Test func head_hasTheSameHeadersAsGet_andNoBody() throws {
        let site = TemporaryTree()
        site.file("index.html", scriptText(20_000))
        let handler = try makeHandler(site)
        let get = handler.respond(to: gzRequest("/", acceptGzip), now: 0)
        let head = handler.respond(to: gzRequest("/", method: .head, acceptGzip), now: 0)
        #expect(head.head.headers == get.head.headers)
        #expect(head.head.headers["Content-Encoding"] == "gzip")
        #expect(head.bodyLength == 0)
        _ = try bodyBytes(get)
    }

    @Test func range_isAnsweredFromTheIdentityBytes() throws {
        let site = TemporaryTree()
        let original = scriptText(10_000)
        site.file("app.js", original)
        let plan = try makeHandler(site).respond(
            to: gzRequest("/app.js", acceptGzip + [("Range", "bytes=100-199")]),
            now: 0
        )
        #expect(plan.head.headers["Content-Encoding"] == nil)
        #expect(plan.head.headers["Vary"] == "Accept-Encoding")
        #expect(plan.head.status == .partialContent)
        #expect(plan.head.headers["Content-Range"] == "bytes 100-199/10000")
        #expect(try bodyBytes(plan) == Array(original[100..<200]))
    }

    @Test func severalRanges_areAMultipartOfTheIdentityBytes() throws {
        let site = TemporaryTree()
        let original = scriptText(10_000)
        site.file("app.js", original)
        let plan = try makeHandler(site).respond(
            to: gzRequest("/app.js", acceptGzip + [("Range", "bytes=0-9,9000-9009")]),
            now: 0
        )
        #expect(plan.head.status == .partialContent)
        #expect(plan.head.headers["Content-Encoding"] == nil)
        #expect(plan.head.headers["Vary"] == "Accept-Encoding")
        let body = try bodyBytes(plan)
        #expect(plan.head.headers["Content-Length"] == String(body.count))
        let text = String(decoding: body, as: UTF8.self)
        #expect(
            text.contains("Content-Range: bytes 0-9/10000\r\n\r\n" + String(decoding: original[0..<10], as: UTF8.self))
        )
        #expect(
            text.contains(
                "Content-Range: bytes 9000-9009/10000\r\n\r\n" + String(decoding: original[9000..<9010], as: UTF8.self)
            )
        )
    }

    @Test func level_isApplied() throws {
        let site = TemporaryTree()
        site.file("app.js", scriptText(100_000))
        let fast = try makeHandler(site, gzip: GzipOptions(level: 1)).respond(
            to: gzRequest("/app.js", acceptGzip),
            now: 0
        )
        let best = try makeHandler(site, gzip: GzipOptions(level: 9)).respond(
            to: gzRequest("/app.js", acceptGzip),
            now: 0
        )
        #expect(try bodyBytes(best) == GzipEncoder.compress(scriptText(100_000), level: 9))
        #expect(try bodyBytes(fast) == GzipEncoder.compress(scriptText(100_000), level: 1))
    }

    @Test func incompressibleContent_ofATextType_isSentAsIs() throws {
        let site = TemporaryTree()
        var noise: [UInt8] = []
        var state: UInt32 = 12345
        for _ in 0..<5000 {
            state = state &* 1_103_515_245 &+ 12345
            noise.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        site.file("noise.txt", noise)
        let handler = try makeHandler(site)
        for _ in 0..<2 {
            let plan = handler.respond(to: gzRequest("/noise.txt", acceptGzip), now: 0)
            #expect(plan.head.headers["Content-Encoding"] == nil)
            #expect(try bodyBytes(plan) == noise)
        }
        #expect(handler.gzip?.cache.entry(for: try key(site, "noise.txt")) == .incompressible)
    }

    func key(_ site: TemporaryTree, _ name: String) throws -> FileVersion {
        FileVersion(try FileSystem.status(of: FilePath(site.path + "/" + name)))
    }
}

@Suite struct GzipPrecompressedTests {
    @Test func newerSibling_isServedAsIs_withTheOriginalsType() throws {
        let site = TemporaryTree()
        let original = scriptText(30_000)
        // Level 9 and a name in the header: bytes the server would never produce itself.
        let precompressed = try GzipEncoder.compress(original, level: 1)
        site.file("app.js", original, mtime: (1_700_000_000, 0))
        site.file("app.js.gz", precompressed, mtime: (1_700_000_100, 0))
        let handler = try makeHandler(site)
        // A "now" after the mtimes: Last-Modified is never later than Date (RFC 9110 §8.8.2.1).
        let plan = handler.respond(to: gzRequest("/app.js", acceptGzip), now: 1_800_000_000)
        #expect(plan.head.headers["Content-Encoding"] == "gzip")
        #expect(plan.head.headers["Content-Type"] == "text/javascript; charset=utf-8")
        #expect(plan.head.headers["Content-Length"] == String(precompressed.count))
        #expect(plan.head.headers["Last-Modified"] == HTTPDate.format(1_700_000_000))
        if case .file = plan.body {} else { Issue.record("a precompressed body is sent from its file") }
        #expect(try bodyBytes(plan) == precompressed)
        // Nothing was compressed for it.
        #expect(handler.gzip?.cache.count == 0)
        // Identity clients still get the file.
        let identity = handler.respond(to: gzRequest("/app.js"), now: 0)
        #expect(try bodyBytes(identity) == original)
        #expect(identity.head.headers["Vary"] == "Accept-Encoding")
        let tag = try #require(identity.head.headers["ETag"])
        #expect(plan.head.headers["ETag"] != tag)
        #expect(plan.head.headers["ETag"]?.hasPrefix(String(tag.dropLast()) + "-gz-") == true)
    }

    @Test func olderSibling_isIgnored() throws {
        let site = TemporaryTree()
        let original = scriptText(30_000)
        site.file("app.js", original, mtime: (1_700_000_100, 0))
        site.file("app.js.gz", try GzipEncoder.compress(Array("stale".utf8)), mtime: (1_700_000_000, 0))
        let plan = try makeHandler(site).respond(to: gzRequest("/app.js", acceptGzip), now: 0)
        #expect(plan.head.headers["Content-Encoding"] == "gzip")
        #expect(try GzipDecoder.decompress(try bodyBytes(plan)) == original)
    }

    @Test func sibling_linkingOutsideTheRoot_isIgnored() throws {
        let site = TemporaryTree()
        let outside = TemporaryTree()
        site.file("app.js", scriptText(30_000), mtime: (1_700_000_000, 0))
        outside.file("secret.gz", try GzipEncoder.compress(Array("secret".utf8)), mtime: (1_700_000_100, 0))
        #expect(symlink(outside.path + "/secret.gz", site.path + "/app.js.gz") == 0)
        defer { unlink(site.path + "/app.js.gz") }
        let plan = try makeHandler(site).respond(to: gzRequest("/app.js", acceptGzip), now: 0)
        #expect(plan.head.headers["Content-Encoding"] == "gzip")
        #expect(try GzipDecoder.decompress(try bodyBytes(plan)) == scriptText(30_000))
    }

    @Test func sibling_withNoGzip_isNotUsed() throws {
        let site = TemporaryTree()
        site.file("app.js", scriptText(30_000), mtime: (1_700_000_000, 0))
        site.file("app.js.gz", try GzipEncoder.compress(scriptText(30_000)), mtime: (1_700_000_100, 0))
        let plan = try makeHandler(site, gzip: GzipOptions(enabled: false)).respond(
            to: gzRequest("/app.js", acceptGzip),
            now: 0
        )
        #expect(plan.head.headers["Content-Encoding"] == nil)
        #expect(try bodyBytes(plan) == scriptText(30_000))
    }
}

@Suite struct GzipCacheTests {
    @Test func modifiedFile_isRecompressed_andTheStaleEntryDropped() throws {
        let site = TemporaryTree()
        site.file("app.js", scriptText(10_000, seed: 1), mtime: (1_700_000_000, 0))
        let handler = try makeHandler(site)
        let first = handler.respond(to: gzRequest("/app.js", acceptGzip), now: 0)
        #expect(try GzipDecoder.decompress(try bodyBytes(first)) == scriptText(10_000, seed: 1))
        // Same size, new content and mtime: a new version.
        site.file("app.js", scriptText(10_000, seed: 2), mtime: (1_700_000_000, 0))
        site.setMTime("app.js", (1_700_000_000, 1))
        let second = handler.respond(to: gzRequest("/app.js", acceptGzip), now: 0)
        #expect(try GzipDecoder.decompress(try bodyBytes(second)) == scriptText(10_000, seed: 2))
        #expect(handler.gzip?.cache.count == 1)
    }

    @Test func cache_staysUnderItsBound_evictingLeastRecentlyUsed() throws {
        let site = TemporaryTree()
        let capacity = 64 * 1024
        let handler = try makeHandler(site, gzip: GzipOptions(cacheBytes: capacity))
        var sizes: [Int] = []
        for index in 0..<40 {
            site.file("f\(index).txt", scriptText(60_000, seed: index * 1000))
            let plan = handler.respond(to: gzRequest("/f\(index).txt", acceptGzip), now: 0)
            #expect(plan.head.headers["Content-Encoding"] == "gzip")
            sizes.append(try bodyBytes(plan).count)
            let cache = try #require(handler.gzip?.cache)
            #expect(cache.usedBytes <= capacity)
        }
        let cache = try #require(handler.gzip?.cache)
        #expect(cache.count < 40)
        #expect(cache.count > 1)
        // The newest is kept, the oldest went first.
        #expect(cache.entry(for: FileVersion(try FileSystem.status(of: FilePath(site.path + "/f39.txt")))) != nil)
        #expect(cache.entry(for: FileVersion(try FileSystem.status(of: FilePath(site.path + "/f0.txt")))) == nil)
    }

    @Test func fileLargerThanTheCache_isSentAsIs() throws {
        let site = TemporaryTree()
        site.file("big.txt", scriptText(200_000))
        let handler = try makeHandler(site, gzip: GzipOptions(cacheBytes: 100_000))
        let get = handler.respond(to: gzRequest("/big.txt", acceptGzip), now: 0)
        let head = handler.respond(to: gzRequest("/big.txt", method: .head, acceptGzip), now: 0)
        #expect(get.head.headers["Content-Encoding"] == nil)
        #expect(get.head.headers["Vary"] == "Accept-Encoding")
        #expect(head.head.headers == get.head.headers)
        #expect(try bodyBytes(get) == scriptText(200_000))
        #expect(handler.gzip?.cache.count == 0)
    }

    @Test func lru_evictsTheLeastRecentlyUsed() {
        let cache = GzipCache(capacity: 3 * (100 + GzipCache.entryOverhead))
        let keys = (0..<4).map { makeKey(inode: UInt64($0)) }
        for key in keys.prefix(3) { #expect(cache.insert(.compressed([UInt8](repeating: 1, count: 100)), for: key)) }
        _ = cache.entry(for: keys[0])
        cache.insert(.compressed([UInt8](repeating: 2, count: 100)), for: keys[3])
        #expect(cache.entry(for: keys[1]) == nil)
        #expect(cache.entry(for: keys[0]) != nil)
        #expect(cache.entry(for: keys[2]) != nil)
        #expect(cache.entry(for: keys[3]) == .compressed([UInt8](repeating: 2, count: 100)))
        #expect(cache.usedBytes == 3 * (100 + GzipCache.entryOverhead))
        #expect(!cache.insert(.compressed([UInt8](repeating: 0, count: 1000)), for: makeKey(inode: 9)))
        #expect(cache.count == 3)
    }

    @Test func lru_replacesAnOlderVersionOfTheSameFile() {
        let cache = GzipCache(capacity: 10_000)
        cache.insert(.compressed([1, 2, 3]), for: makeKey(inode: 1, size: 10))
        cache.insert(.compressed([4, 5]), for: makeKey(inode: 1, size: 11))
        #expect(cache.count == 1)
        #expect(cache.entry(for: makeKey(inode: 1, size: 10)) == nil)
        #expect(cache.usedBytes == 2 + GzipCache.entryOverhead)
    }

    @Test func concurrentRequests_shareOneCache_andAgree() throws {
        let site = TemporaryTree()
        let original = scriptText(64 * 1024)
        site.file("app.js", original)
        let handler = try makeHandler(site)
        let results = Shared<[[UInt8]]>([])
        try runConcurrently(count: 8) {
            for _ in 0..<20 {
                let plan = handler.respond(to: gzRequest("/app.js", acceptGzip), now: 0)
                let body = try bodyBytes(plan)
                results.value.withLock { $0.append(body) }
            }
        }
        let bodies = results.value.withLock { $0 }
        #expect(bodies.count == 160)
        #expect(Set(bodies).count == 1)
        #expect(try GzipDecoder.decompress(bodies[0]) == original)
        #expect(handler.gzip?.cache.count == 1)
    }

    func makeKey(inode: UInt64, size: Int64 = 100) -> FileVersion {
        FileVersion(device: 0, inode: inode, size: size, modificationSeconds: 1, modificationNanoseconds: 0)
    }
}

/// A value several test threads update.
final class Shared<Value: Sendable>: Sendable {
    let value: Locked<Value>
    init(_ initial: Value) { value = Locked(initial) }
}

/// Runs `body` on `count` threads at once and waits (at most 60 s) for all of them; rethrows the first failure.
func runConcurrently(count: Int, _ body: @escaping @Sendable () throws -> Void) throws {
    let finished = Shared(0)
    let failures = Shared<[String]>([])
    for _ in 0..<count {
        try Threads.detach {
            do { try body() } catch { failures.value.withLock { $0.append("\(error)") } }
            finished.value.withLock { $0 += 1 }
        }
    }
    for _ in 0..<6000 where finished.value.withLock({ $0 }) < count { Threads.sleep(.milliseconds(10)) }
    #expect(finished.value.withLock { $0 } == count)
    #expect(failures.value.withLock { $0 } == [])
}
