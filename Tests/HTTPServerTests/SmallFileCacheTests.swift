import HTTPCore
import System
import TestSupport
import Testing

@testable import HTTPServer

/// The loop's cache of small files (``SmallFileCache``): what it keeps, for which version, within which bounds,
/// and that the engine never sends from it bytes that are not the file's.
@Suite struct SmallFileCacheTests {
    /// A regular file's status: `inode` names the file, the rest its version.
    func status(
        inode: UInt64,
        size: Int,
        mtime: Int64 = 1_700_000_000,
        ctime: Int64 = 1_700_000_000,
        ctimeNanoseconds: Int64 = 0
    ) -> FileStatus {
        FileStatus(
            kind: .regular,
            size: Int64(size),
            modificationSeconds: mtime,
            modificationNanoseconds: 0,
            device: 1,
            inode: inode,
            changeSeconds: ctime,
            changeNanoseconds: ctimeNanoseconds
        )
    }

    @Test func sameVersion_isFound_otherCtime_isNotAndDropsTheEntry() {
        var cache = SmallFileCache()
        let old = status(inode: 7, size: 3)
        cache.insert([1, 2, 3], for: old)
        #expect(cache.bytes(for: old) == [1, 2, 3])
        // Same device, inode, size and mtime (a rewrite whose mtime was put back with `touch -d`): the ctime moved.
        #expect(cache.bytes(for: status(inode: 7, size: 3, ctimeNanoseconds: 1)) == nil)
        #expect(cache.count == 0 && cache.totalBytes == 0)
        #expect(cache.bytes(for: old) == nil)
    }

    @Test func otherFile_sameVersion_isNotFound() {
        var cache = SmallFileCache()
        cache.insert([1, 2, 3], for: status(inode: 7, size: 3))
        #expect(cache.bytes(for: status(inode: 8, size: 3)) == nil)
    }

    @Test func newerVersion_replacesTheOlderOne() {
        var cache = SmallFileCache()
        cache.insert([1, 2, 3], for: status(inode: 7, size: 3))
        let newer = status(inode: 7, size: 4, ctime: 1_700_000_100)
        cache.insert([4, 5, 6, 7], for: newer)
        #expect(cache.count == 1 && cache.totalBytes == 4)
        #expect(cache.bytes(for: newer) == [4, 5, 6, 7])
    }

    @Test func wrongSize_tooLarge_orNotRegular_isNotKept() {
        var cache = SmallFileCache(maxBytes: 8, maxEntries: 4)
        cache.insert([1, 2], for: status(inode: 1, size: 3))
        cache.insert([UInt8](repeating: 0, count: 9), for: status(inode: 2, size: 9))
        var folder = status(inode: 3, size: 1)
        folder.kind = .directory
        cache.insert([1], for: folder)
        #expect(cache.count == 0 && cache.totalBytes == 0)
    }

    @Test func bounds_holdAfterEveryInsert_andTheNewestIsKept() {
        var cache = SmallFileCache(maxBytes: 10_000, maxEntries: 8)
        var generator = SystemRandomNumberGenerator()
        var latest: [UInt64: FileStatus] = [:]
        for step in 1...500 {
            let size = Int.random(in: 0...4_000, using: &generator)
            let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: step), count: size)
            let version = status(inode: UInt64(step % 37), size: size, ctime: Int64(step))
            latest[version.inode] = version
            cache.insert(bytes, for: version)
            #expect(cache.totalBytes <= 10_000)
            #expect(cache.count <= 8)
            #expect(cache.bytes(for: version) == bytes)
            // Reads of other files, so that second chances are given and taken.
            if let other = latest[UInt64((step * 7) % 37)] { _ = cache.bytes(for: other) }
        }
    }

    @Test func entryReadSinceTheHandPassed_survivesTheNextEviction() {
        var cache = SmallFileCache(maxBytes: 1_000, maxEntries: 3)
        let files = (1...4).map { status(inode: UInt64($0), size: 1) }
        for file in files[..<3] { cache.insert([0], for: file) }
        #expect(cache.bytes(for: files[0]) == [0])
        cache.insert([0], for: files[3])
        #expect(cache.bytes(for: files[0]) == [0])
        #expect(cache.bytes(for: files[1]) == nil)
        #expect(cache.bytes(for: files[2]) == [0])
        #expect(cache.bytes(for: files[3]) == [0])
    }

    @Test func bytesBound_evictsAsManyAsItTakes() {
        var cache = SmallFileCache(maxBytes: 10, maxEntries: 100)
        for inode in 1...5 { cache.insert([1, 2], for: status(inode: UInt64(inode), size: 2)) }
        cache.insert([UInt8](repeating: 9, count: 9), for: status(inode: 6, size: 9))
        #expect(cache.count == 1 && cache.totalBytes == 9)
    }

    @Test(arguments: [
        (mtime: 98, ctime: 98, clock: 100, settled: true),
        (mtime: 98, ctime: 99, clock: 100, settled: false),  // Changed in the previous whole second: maybe 0.1 s ago.
        (mtime: 99, ctime: 98, clock: 100, settled: false),
        (mtime: 100, ctime: 100, clock: 100, settled: false),
        (mtime: 200, ctime: 50, clock: 100, settled: false),  // An mtime set into the future (touch -d).
    ])
    func isSettled_wantsBothTimesBeforeThePreviousSecond(mtime: Int64, ctime: Int64, clock: Int64, settled: Bool) {
        let version = status(inode: 1, size: 1, mtime: mtime, ctime: ctime)
        #expect(SmallFileCache.isSettled(version, clockSeconds: clock) == settled)
    }

    // MARK: The engine

    /// Waits until the file at `path` may be kept: its ctime (set when it was written) before the wall clock's
    /// previous whole second. Up to 3 s.
    func waitUntilSettled(_ path: String) throws {
        let changed = try FileSystem.status(of: FilePath(path)).changeSeconds
        while !SmallFileCache.isSettled(
            try FileSystem.status(of: FilePath(path)),
            clockSeconds: WallClock.secondsSinceEpoch()
        ) {
            #expect(WallClock.secondsSinceEpoch() <= changed + 3)
            Threads.sleep(.milliseconds(100))
        }
    }

    static let oldMTime = (1_600_000_000, 0)

    @Test func rewriteInPlace_sameSizeAndMTimePutBack_isServedWithTheNewBytes() throws {
        let site = TemporaryTree()
        let path = site.file("page.html", "old bytes", mtime: Self.oldMTime)
        try waitUntilSettled(path)
        try withServer(root: site.path, { $0.workers = 1 }) { server in
            for _ in 0..<2 {
                let body = try get(server, "/page.html").body
                #expect(body == Array("old bytes".utf8))
            }
            // Same inode (O_TRUNC), same size, the mtime put back (`touch -d`): only the ctime tells.
            site.file("page.html", "new bytes", mtime: Self.oldMTime)
            let status = try FileSystem.status(of: FilePath(path))
            #expect(status.modificationSeconds == Int64(Self.oldMTime.0) && status.size == 9)
            for _ in 0..<2 {
                let body = try get(server, "/page.html").body
                #expect(body == Array("new bytes".utf8))
            }
        }
    }

    @Test func rangesOfAKeptFile_areItsExactBytes() throws {
        let site = TemporaryTree()
        let bytes = TemporaryTree.pattern(size: 10_000)
        try waitUntilSettled(site.file("data.bin", bytes))
        try withServer(root: site.path, { $0.workers = 1 }) { server in
            for _ in 0..<2 {
                let body = try get(server, "/data.bin").body
                #expect(body == bytes)
            }
            for (range, slice) in [("2-5", 2..<6), ("9990-", 9990..<10_000), ("-3", 9997..<10_000)] {
                let reply = try exchange(server, "GET /data.bin HTTP/1.0\r\nRange: bytes=\(range)\r\n\r\n")
                #expect(statusLine(reply) == "HTTP/1.0 206 Partial Content")
                let (_, body) = splitReply(Array(reply.latin1Bytes))
                #expect(Array(body) == Array(bytes[slice]), "Range: bytes=\(range)")
            }
        }
    }

    @Test func fileRewrittenWithinTheSameSecond_isNeverStale() throws {
        let site = TemporaryTree()
        try withServer(root: site.path, { $0.workers = 1 }) { server in
            for round in 0..<40 {
                // Same size and mtime every time; one request per version, right after it is written.
                let text = "version \(round % 10)"
                site.file("quick.html", text, mtime: Self.oldMTime)
                let body = try get(server, "/quick.html").body
                #expect(body == Array(text.utf8))
            }
        }
    }
}
