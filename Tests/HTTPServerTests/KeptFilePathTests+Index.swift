import HTTPCore
import System
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
import Glibc
#endif

/// A folder's kept index file (StaticFileHandler+Kept.swift): a folder target (`/`, `/a/`) whose full resolution found
/// a kept index less than a second ago is answered after one `fstatat` of the index's path, with the plan the full
/// path makes; what the folder's answer cannot see meanwhile (an index name of higher priority created) is seen at
/// the first full resolution, at most a second later. The clock is a parameter, so nothing waits. Part of the suite
/// of kept paths, whose helpers it shares.
extension KeptFilePathTests {
    static let docs = Array("docs".utf8)
    static let html = Array("index.html".utf8)
    static let htm = Array("index.htm".utf8)

    // MARK: The cache's folders

    @Test func confirmedFolder_isTrustedForLessThanOneSecond_andStatesItsIndexByName() {
        var cache = SmallFileCache()
        let kept = status()
        cache.insert([1, 2, 3], for: kept)
        for folder in [[], Self.docs] {
            let confirmed = cache.confirm(index: Self.htm, of: folder, for: kept, clock: 10_000)
            #expect(confirmed)
            var asked: [[UInt8]] = []
            let stat = { (index: [UInt8]) -> FileStatus? in
                asked.append(index)
                return kept
            }
            let found = cache.bytes(forFolder: folder, clock: 10_999, status: stat)
            #expect(found?.bytes == [1, 2, 3] && found?.index == Self.htm && found?.status == kept)
            #expect(cache.bytes(forFolder: folder, clock: 11_000, status: stat) == nil)
            #expect(cache.bytes(forFolder: folder, clock: 9_999, status: stat) == nil)
            #expect(asked == [Self.htm], "stated once, by the index's name, only within the second")
            // A folder is not a path: the same bytes as a path were never confirmed.
            #expect(cache.bytes(forPath: folder, clock: 10_001, status: { kept }) == nil)
        }
    }

    @Test func pathAndFolder_ofOneEntry_standSideBySide() {
        var cache = SmallFileCache()
        let first = status(inode: 1)
        let second = status(inode: 2)
        cache.insert([1, 1, 1], for: first)
        cache.insert([2, 2, 2], for: second)
        // `GET /index.html` and `GET /` of one file, alternating: neither pushes the other out.
        cache.confirm(Self.html, for: first, clock: 0)
        cache.confirm(index: Self.html, of: [], for: first, clock: 0)
        #expect(cache.bytes(forPath: Self.html, clock: 1, status: { first })?.bytes == [1, 1, 1])
        #expect(cache.bytes(forFolder: [], clock: 1, status: { _ in first })?.bytes == [1, 1, 1])
        // Another folder for the same entry (a hard link as index elsewhere) replaces the first folder only.
        cache.confirm(index: Self.html, of: Self.docs, for: first, clock: 2)
        #expect(cache.bytes(forFolder: [], clock: 3, status: { _ in first }) == nil)
        #expect(cache.bytes(forFolder: Self.docs, clock: 3, status: { _ in first }) != nil)
        #expect(cache.bytes(forPath: Self.html, clock: 3, status: { first }) != nil)
        // The folder's index is now another file (index.htm created, index.html gone): the older claim goes.
        cache.confirm(index: Self.htm, of: Self.docs, for: second, clock: 4)
        #expect(cache.bytes(forFolder: Self.docs, clock: 5, status: { _ in second })?.index == Self.htm)
        cache.confirm(index: Self.html, of: Self.docs, for: first, clock: 6)
        #expect(cache.bytes(forFolder: Self.docs, clock: 7, status: { _ in first })?.bytes == [1, 1, 1])
    }

    @Test(arguments: ["ctime", "inode", "link", "folder", "error"])
    func otherStatus_forgetsTheFolder_notThePath(change: String) {
        var cache = SmallFileCache()
        let kept = status()
        cache.insert([1, 2, 3], for: kept)
        cache.confirm(Self.html, for: kept, clock: 0)
        cache.confirm(index: Self.html, of: [], for: kept, clock: 0)
        var found: FileStatus? = kept
        switch change {
        case "ctime": found?.changeNanoseconds = 1
        case "inode": found?.inode = 8
        case "link": found?.kind = .symbolicLink
        case "folder": found?.kind = .directory
        default: found = nil
        }
        #expect(cache.bytes(forFolder: [], clock: 1, status: { _ in found }) == nil)
        #expect(cache.bytes(forFolder: [], clock: 2, status: { _ in kept }) == nil, "forgotten")
        #expect(cache.bytes(forPath: Self.html, clock: 2, status: { kept }) != nil)
    }

    @Test func evictionDropsTheFolder_andAMovedEntryKeepsIts() {
        var cache = SmallFileCache(maxBytes: 1_000, maxEntries: 2)
        let files = (1...3).map { status(inode: UInt64($0), size: 1) }
        let folders = (1...3).map { Array("f\($0)".utf8) }
        cache.insert([1], for: files[0])
        cache.insert([2], for: files[1])
        cache.confirm(index: Self.html, of: folders[0], for: files[0], clock: 0)
        cache.confirm(index: Self.html, of: folders[1], for: files[1], clock: 0)
        cache.insert([3], for: files[2])  // Evicts files[0]; files[1] moves into its slot.
        #expect(cache.bytes(forFolder: folders[0], clock: 1, status: { _ in files[0] }) == nil)
        #expect(cache.bytes(forFolder: folders[1], clock: 1, status: { _ in files[1] })?.bytes == [2])
    }

    @Test func longIndexPath_isNotKept() {
        var cache = SmallFileCache()
        cache.insert([1, 2, 3], for: status())
        let folder = [UInt8](repeating: UInt8(ascii: "x"), count: SmallFileCache.maxPathLength - Self.html.count)
        let confirmed = cache.confirm(index: Self.html, of: folder, for: status(), clock: 0)
        #expect(confirmed, "the version is kept; the folder is not")
        #expect(cache.bytes(forFolder: folder, clock: 1, status: { _ in status() }) == nil)
        let shorter = Array(folder.dropFirst())  // Folder, `/` and name: exactly the bound.
        cache.confirm(index: Self.html, of: shorter, for: status(), clock: 0)
        #expect(cache.bytes(forFolder: shorter, clock: 1, status: { _ in status() }) != nil)
    }

    // MARK: The handler

    @Test(arguments: ["/", "/a/"])
    func folder_isAnsweredFromItsKeptIndex_withTheFullPathsAnswer(folder: String) throws {
        let index = folder == "/" ? "index.html" : "a/index.html"
        let (tree, handler, cache) = try keptSite([(index, "<p>kept index</p>\n")])
        var kept = cache
        let full = handler.respond(to: request(folder), now: testNow, kept: &kept, clock: 0)
        #expect(!isKept(full), "the first request resolves the folder and confirms its index")
        let fast = handler.respond(to: request(folder), now: testNow, kept: &kept, clock: 999)
        #expect(isKept(fast))
        #expect(fast.serializedHead() == full.serializedHead())
        #expect(try bodyBytes(fast) == bodyBytes(full))
        #expect(!isKept(handler.respond(to: request(folder), now: testNow, kept: &kept, clock: 1_000)))
        let tag = try #require(full.head.headers["ETag"])
        let cases: [(HTTPHeaders, HTTPMethod)] = [
            (["Range": "bytes=2-5"], .get), (["Range": "bytes=0-0,-2"], .get), ([:], .head),
            (["If-None-Match": tag], .get), (["If-Modified-Since": fixtureLastModified], .get),
            (["If-Match": "\"other\""], .get), (["Accept-Encoding": "gzip"], .get),
        ]
        for (headers, method) in cases {
            let target = request(folder, method, headers)
            let expected = handler.respond(to: target, now: testNow)
            let plan = handler.respond(to: target, now: testNow, kept: &kept, clock: 1_001)
            #expect(plan.file == nil, "no file opened: \(headers)")
            #expect(plan.status == expected.status && plan.serializedHead() == expected.serializedHead(), "\(headers)")
            #expect(try bodyBytes(plan) == bodyBytes(expected), "\(headers)")
        }
        _ = tree
    }

    /// The documented bound: the folder names the index its last full resolution chose, for at most a second.
    @Test func higherPriorityIndex_createdMeanwhile_isAnsweredWithinTheSecond() throws {
        for useOpenat2 in [true, false] {
            let (tree, handler, cache) = try keptSite(
                [("a/index.htm", "old htm\n")],
                indexNames: ["index.html", "index.htm"],
                useOpenat2: useOpenat2
            )
            var kept = cache
            #expect(
                try bodyBytes(handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 0))
                    == Array("old htm\n".utf8)
            )
            tree.file("a/index.html", "new html\n", mtime: fixtureMTime)
            let within = handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 999)
            #expect(isKept(within), "within the second the folder was confirmed (documented); openat2: \(useOpenat2)")
            #expect(try bodyBytes(within) == Array("old htm\n".utf8))
            let after = handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 1_000)
            #expect(try bodyBytes(after) == Array("new html\n".utf8), "openat2: \(useOpenat2)")
            #expect(after.head.headers["Content-Type"] == "text/html; charset=utf-8")
        }
    }

    @Test func servedIndex_changedOrRemoved_isSeenAtOnce() throws {
        let (tree, handler, cache) = try keptSite(
            [("a/index.htm", "old htm\n")],
            indexNames: ["index.html", "index.htm"],
            listing: false
        )
        var kept = cache
        _ = try bodyBytes(handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 0))
        #expect(isKept(handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 1)))
        // Renamed over: another inode. The next request opens the new file.
        tree.file("a/new.tmp", "new htm!\n", mtime: fixtureMTime)
        #expect(rename(tree.path + "/a/new.tmp", tree.path + "/a/index.htm") == 0)
        let renamed = handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 2)
        #expect(!isKept(renamed))
        #expect(try bodyBytes(renamed) == Array("new htm!\n".utf8))
        // Removed, no other index, no listing: 404 at once.
        #expect(unlink(tree.path + "/a/index.htm") == 0)
        #expect(handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 3).status == .notFound)
    }

    @Test func folderWithoutSlash_redirects_andAListedFolderIsNeverKept() throws {
        let (tree, handler, cache) = try keptSite([("a/index.html", "index\n")])
        var kept = cache
        defer { _ = tree }
        for clock in Int64(0)..<3 {
            #expect(isKept(handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: clock)) == (clock > 0))
            let redirect = handler.respond(to: request("/a"), now: testNow, kept: &kept, clock: clock)
            #expect(redirect.status == .movedPermanently && redirect.head.headers["Location"] == "/a/")
        }
        // The root has no index: a listing, made off the loop, every time.
        for clock in Int64(3)..<5 {
            let listing = handler.respond(to: request("/"), now: testNow, kept: &kept, clock: clock)
            guard case .later = listing.body else {
                Issue.record("expected a listing made later, got \(listing.body)")
                return
            }
        }
    }

    @Test func folderOfAKeptIndex_movedOutAndLinked_isServedForAtMostTheSecond() throws {
        for useOpenat2 in [true, false] {
            let (tree, handler, cache) = try keptSite([("a/index.html", "index\n")], useOpenat2: useOpenat2)
            var kept = cache
            let outside = TemporaryTree()
            _ = try bodyBytes(handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 0))
            #expect(isKept(handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 1)))
            #expect(rename(tree.path + "/a", outside.path + "/a") == 0)
            tree.symlink("a", to: outside.path + "/a")
            let inside = handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: 999)
            #expect(inside.status == .ok, "within the second the folder was confirmed (documented)")
            for clock: Int64 in [1_000, 1_001] {
                let after = handler.respond(to: request("/a/"), now: testNow, kept: &kept, clock: clock)
                #expect(after.status == .notFound, "openat2: \(useOpenat2)")
            }
        }
    }

    @Test func folderThroughALink_orHidden_isNeverFast() throws {
        for useOpenat2 in [true, false] {
            let (tree, handler, cache) = try keptSite(
                [("a/index.html", "index\n"), (".git/index.html", "hidden\n")],
                useOpenat2: useOpenat2
            )
            var kept = cache
            tree.symlink("docs", to: "a")
            for clock in Int64(0)..<3 {
                let plan = handler.respond(to: request("/docs/"), now: testNow, kept: &kept, clock: clock)
                #expect(plan.status == .ok && !isKept(plan), "openat2: \(useOpenat2)")
                #expect(try bodyBytes(plan) == Array("index\n".utf8))
            }
            // Even confirmed by hand, a hidden folder is 404 before any lookup.
            let hidden = try FileSystem.status(of: FilePath(tree.path + "/.git/index.html"))
            kept.confirm(index: Self.html, of: Array(".git".utf8), for: hidden, clock: 3)
            #expect(handler.respond(to: request("/.git/"), now: testNow, kept: &kept, clock: 4).status == .notFound)
        }
    }

    @Test func precompressedIndex_isTheFullPathsVariant() throws {
        let text = String(repeating: "<p>a page long enough to compress</p>\n", count: 20)
        let (tree, handler, cache) = try keptSite([("index.html", text)])
        tree.file("index.html.gz", "not really gzip, but newer", mtime: (fixtureMTime.0 + 1, 0))
        var kept = cache
        let gzip = request("/", .get, ["Accept-Encoding": "gzip"])
        _ = try bodyBytes(handler.respond(to: request("/"), now: testNow, kept: &kept, clock: 0))
        #expect(isKept(handler.respond(to: request("/"), now: testNow, kept: &kept, clock: 1)))
        let expected = handler.respond(to: gzip, now: testNow)
        let plan = handler.respond(to: gzip, now: testNow, kept: &kept, clock: 2)
        #expect(plan.head.headers["Content-Encoding"] == "gzip" && plan.head.headers["Vary"] == "Accept-Encoding")
        #expect(plan.serializedHead() == expected.serializedHead())
        #expect(try bodyBytes(plan) == bodyBytes(expected))
    }
}
