import HTTPCore
import System
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
import Glibc
#endif

/// The fast path for kept small files (StaticFileHandler+Kept.swift): a path a full resolution confirmed less than a
/// second ago is answered after one `fstatat`, only for the very version kept, and the plan is the one the full path
/// makes. The clock is a parameter here, so the one-second bound is tested without waiting.
@Suite struct KeptFilePathTests {
    static let path = Array("a/page.html".utf8)

    func status(inode: UInt64 = 7, size: Int = 3, ctimeNanoseconds: Int64 = 0) -> FileStatus {
        FileStatus(
            kind: .regular,
            size: Int64(size),
            modificationSeconds: 1_700_000_000,
            modificationNanoseconds: 0,
            device: 1,
            inode: inode,
            changeSeconds: 1_700_000_000,
            changeNanoseconds: ctimeNanoseconds
        )
    }

    // MARK: The cache's paths

    @Test func confirmedPath_isTrustedForLessThanOneSecond_andOnlyThenStated() {
        var cache = SmallFileCache()
        let kept = status()
        cache.insert([1, 2, 3], for: kept)
        let confirmed = cache.confirm(Self.path, for: kept, clock: 10_000)
        #expect(confirmed)
        var stats = 0
        let stat = { () -> FileStatus? in
            stats += 1
            return kept
        }
        #expect(cache.bytes(forPath: Self.path, clock: 10_000, status: stat)?.bytes == [1, 2, 3])
        #expect(cache.bytes(forPath: Self.path, clock: 10_999, status: stat)?.status == kept)
        #expect(stats == 2)
        // A second after the confirmation, or a clock before it: the full resolution again, without a stat.
        #expect(cache.bytes(forPath: Self.path, clock: 11_000, status: stat) == nil)
        #expect(cache.bytes(forPath: Self.path, clock: 9_999, status: stat) == nil)
        #expect(stats == 2)
        // Confirmed again: trusted again.
        cache.confirm(Self.path, for: kept, clock: 11_000)
        #expect(cache.bytes(forPath: Self.path, clock: 11_500, status: stat) != nil)
    }

    @Test(arguments: ["ctime", "size", "inode", "device", "mtime", "link", "folder", "error"])
    func otherStatus_misses_andForgetsThePath(change: String) {
        var cache = SmallFileCache()
        let kept = status()
        cache.insert([1, 2, 3], for: kept)
        cache.confirm(Self.path, for: kept, clock: 0)
        var found: FileStatus? = kept
        switch change {
        case "ctime": found?.changeNanoseconds = 1  // chmod, or a rewrite with its mtime put back
        case "size": found?.size = 4
        case "inode": found?.inode = 8  // renamed over by another file
        case "device": found?.device = 2
        case "mtime": found?.modificationNanoseconds = 1
        case "link": found?.kind = .symbolicLink  // fstatat without following the last link
        case "folder": found?.kind = .directory
        default: found = nil
        }
        #expect(cache.bytes(forPath: Self.path, clock: 1, status: { found }) == nil)
        // Forgotten: the next request, even with the kept status, takes the full path.
        #expect(cache.bytes(forPath: Self.path, clock: 2, status: { kept }) == nil)
        #expect(cache.count == 1, "the entry itself stays, found by the version the engine gets from fstat")
    }

    @Test func unkeptOrOlderVersion_confirmsNothing_andAnOlderEntryIsDropped() {
        var cache = SmallFileCache()
        let unkept = cache.confirm(Self.path, for: status(), clock: 0)
        cache.insert([1, 2, 3], for: status())
        let older = cache.confirm(Self.path, for: status(ctimeNanoseconds: 5), clock: 0)
        #expect(!unkept && !older)
        #expect(cache.count == 0)
        #expect(cache.bytes(forPath: Self.path, clock: 0, status: { status() }) == nil)
    }

    @Test func onePathPerEntry_andOneEntryPerPath() {
        var cache = SmallFileCache()
        let first = status(inode: 1)
        let second = status(inode: 2)
        cache.insert([1, 1, 1], for: first)
        cache.insert([2, 2, 2], for: second)
        let other = Array("b.html".utf8)
        cache.confirm(Self.path, for: first, clock: 0)
        cache.confirm(other, for: first, clock: 0)
        // The entry's earlier path is dropped when another one is confirmed for it.
        #expect(cache.bytes(forPath: Self.path, clock: 1, status: { first }) == nil)
        #expect(cache.bytes(forPath: other, clock: 1, status: { first })?.bytes == [1, 1, 1])
        // The path now names another file (renamed over): the older claim goes.
        cache.confirm(other, for: second, clock: 2)
        #expect(cache.bytes(forPath: other, clock: 3, status: { second })?.bytes == [2, 2, 2])
        cache.confirm(Self.path, for: first, clock: 4)
        #expect(cache.bytes(forPath: Self.path, clock: 5, status: { first })?.bytes == [1, 1, 1])
    }

    @Test func evictionAndReplacement_dropTheirPaths_andMovedEntriesKeepTheirs() {
        var cache = SmallFileCache(maxBytes: 1_000, maxEntries: 2)
        let files = (1...3).map { status(inode: UInt64($0), size: 1) }
        let paths = (1...3).map { Array("f\($0)".utf8) }
        cache.insert([1], for: files[0])
        cache.insert([2], for: files[1])
        cache.confirm(paths[0], for: files[0], clock: 0)
        cache.confirm(paths[1], for: files[1], clock: 0)
        // Evicts files[0] (slot 0); files[1] moves into its slot and must still be found by its path.
        cache.insert([3], for: files[2])
        #expect(cache.bytes(forPath: paths[0], clock: 1, status: { files[0] }) == nil)
        #expect(cache.bytes(forPath: paths[1], clock: 1, status: { files[1] })?.bytes == [2])
        // A newer version of files[1] replaces its entry, path and all.
        var newer = files[1]
        newer.changeSeconds += 1
        cache.insert([9], for: newer)
        #expect(cache.bytes(forPath: paths[1], clock: 2, status: { newer }) == nil)
    }

    @Test func longPath_isNotKept() {
        var cache = SmallFileCache()
        cache.insert([1, 2, 3], for: status())
        let long = [UInt8](repeating: UInt8(ascii: "x"), count: SmallFileCache.maxPathLength + 1)
        let confirmed = cache.confirm(long, for: status(), clock: 0)
        #expect(confirmed, "the version is kept; its path is not")
        #expect(cache.bytes(forPath: long, clock: 1, status: { status() }) == nil)
    }

    // MARK: The handler

    /// A site with `a/page.html` (settled times), its handler, and a cache that keeps the page's bytes.
    func keptSite(
        _ text: String = "kept page\n",
        name: String = "a/page.html",
        useOpenat2: Bool = true
    ) throws -> (TemporaryTree, StaticFileHandler, SmallFileCache) {
        try keptSite([(name, text)], useOpenat2: useOpenat2)
    }

    /// A site with a folder `a` and `files` (names and texts; settled times), served with `indexNames` and `listing`
    /// by a handler that defers slow work as the server's does, and a cache that keeps every file's bytes.
    func keptSite(
        _ files: [(name: String, text: String)],
        indexNames: [String] = ["index.html"],
        listing: Bool = true,
        useOpenat2: Bool = true
    ) throws -> (TemporaryTree, StaticFileHandler, SmallFileCache) {
        let tree = TemporaryTree()
        tree.folder("a")
        var cache = SmallFileCache()
        for (name, text) in files {
            if let slash = name.firstIndex(of: "/"), name[..<slash] != "a" { tree.folder(String(name[..<slash])) }
            let file = tree.file(name, text, mtime: fixtureMTime)
            cache.insert(Array(text.utf8), for: try FileSystem.status(of: FilePath(file)))
        }
        var configuration = ServerConfiguration()
        configuration.root = tree.path
        configuration.options.indexNames = indexNames.map { Array($0.utf8) }
        configuration.options.listing = listing
        var handler = try StaticFileHandler(configuration: configuration)
        handler.defersSlowWork = true  // As the server's handler.
        handler.rootDirectory = try RootDirectory(FilePath(tree.path), useOpenat2: useOpenat2)
        return (tree, handler, cache)
    }

    func isKept(_ plan: ResponsePlan) -> Bool {
        if case .bytes = plan.body { return true }
        return false
    }

    @Test func confirmedPath_isAnsweredFromTheKeptBytes_withTheFullPathsHead() throws {
        let (tree, handler, cache) = try keptSite()
        var kept = cache
        let full = handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 0)
        #expect(!isKept(full), "the first request resolves the path and confirms it")
        let fast = handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 999)
        #expect(isKept(fast))
        #expect(fast.serializedHead() == full.serializedHead())
        #expect(try bodyBytes(fast) == bodyBytes(full))
        let later = handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 1_000)
        #expect(!isKept(later), "a second later the full resolution confirms the path again")
        _ = try bodyBytes(later)
        let cases: [(HTTPHeaders, HTTPMethod)] = [
            (["Range": "bytes=2-5"], .get), (["Range": "bytes=0-0,-2"], .get), ([:], .head),
            (["If-None-Match": "*"], .get), (["If-Match": "\"other\""], .get),
        ]
        for (headers, method) in cases {
            let target = request("/a/page.html", method, headers)
            let expected = handler.respond(to: target, now: testNow)
            let plan = handler.respond(to: target, now: testNow, kept: &kept, clock: 1_001)
            #expect(plan.status == expected.status && plan.serializedHead() == expected.serializedHead(), "\(headers)")
            #expect(try bodyBytes(plan) == bodyBytes(expected), "\(headers)")
        }
        _ = tree
    }

    @Test func dotfilesTrailingSlashAndLinks_neverTakeTheFastPath() throws {
        let (tree, handler, cache) = try keptSite(name: "a/.secret.html")
        var kept = cache
        let secret = try FileSystem.status(of: FilePath(tree.path + "/a/.secret.html"))
        tree.symlink("link.html", to: "a/.secret.html")
        for path in ["a/.secret.html", "link.html"] { kept.confirm(Array(path.utf8), for: secret, clock: 0) }
        #expect(
            handler.respond(to: request("/a/.secret.html"), now: testNow, kept: &kept, clock: 1).status == .notFound
        )
        #expect(
            handler.respond(to: request("/a/.secret.html/"), now: testNow, kept: &kept, clock: 1).status == .notFound
        )
        // The last component is a link: fstatat sees the link, and the full check refuses a link to a dotfile.
        #expect(handler.respond(to: request("/link.html"), now: testNow, kept: &kept, clock: 1).status == .notFound)
    }

    @Test func folderMovedOutAndLinked_isServedForAtMostTheSecond_thenNotFound() throws {
        for useOpenat2 in [true, false] {
            let (tree, handler, cache) = try keptSite(useOpenat2: useOpenat2)
            var kept = cache
            let outside = TemporaryTree()
            _ = handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 0)
            #expect(isKept(handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 1)))
            // The folder leaves the root; a link to its new place takes its name. The same inode, the same ctime.
            #expect(rename(tree.path + "/a", outside.path + "/a") == 0)
            tree.symlink("a", to: outside.path + "/a")
            let inside = handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 999)
            #expect(inside.status == .ok, "within the second the path was confirmed (documented)")
            let after = handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 1_000)
            #expect(after.status == .notFound, "openat2: \(useOpenat2)")
            #expect(
                handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 1_001).status
                    == .notFound
            )
        }
    }

    @Test func pathWithALinkOnTheWay_isNeverConfirmed_evenInsideTheRoot() throws {
        for useOpenat2 in [true, false] {
            let (tree, handler, cache) = try keptSite(useOpenat2: useOpenat2)
            var kept = cache
            tree.symlink("docs", to: "a")
            for clock in Int64(0)..<3 {
                let plan = handler.respond(to: request("/docs/page.html"), now: testNow, kept: &kept, clock: clock)
                #expect(plan.status == .ok && !isKept(plan), "openat2: \(useOpenat2)")
                #expect(try bodyBytes(plan) == Array("kept page\n".utf8))
            }
            // The same file by its own path is confirmed, and then kept.
            _ = handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 3)
            #expect(isKept(handler.respond(to: request("/a/page.html"), now: testNow, kept: &kept, clock: 4)))
        }
    }

    @Test func gzipBodyNotYetMade_takesTheFullPath() throws {
        let text = String(repeating: "function f() { return 1; }\n", count: 40)
        let (tree, handler, cache) = try keptSite(text, name: "a/app.js")
        var kept = cache
        let gzip = request("/a/app.js", .get, ["Accept-Encoding": "gzip"])
        _ = handler.respond(to: request("/a/app.js"), now: testNow, kept: &kept, clock: 0)
        #expect(isKept(handler.respond(to: request("/a/app.js"), now: testNow, kept: &kept, clock: 1)))
        // The gzip body is made from the open file (a gzip cache miss): the fast path gives way.
        let plan = handler.respond(to: gzip, now: testNow, kept: &kept, clock: 2)
        guard case .gzip(let file, _) = plan.body else {
            Issue.record("expected a gzip body made as it is sent, got \(plan.body)")
            return
        }
        file.close()
        #expect(plan.head.headers["Content-Encoding"] == "gzip")
        _ = tree
    }
}
