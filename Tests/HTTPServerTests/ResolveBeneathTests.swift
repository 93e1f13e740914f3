import HTTPCore
import System
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
import Glibc
#endif

/// The `openat2` fast path (``RootDirectory``) gives exactly the answers of the full check (`stat` +
/// `realpath`), which the forced fallback takes for every target, as on a kernel before Linux 5.6.
@Suite struct ResolveBeneathTests {
    /// The same plan, field for field (Date and all) and byte for byte.
    func expectSameAnswer(_ target: String, fast: StaticFileHandler, full: StaticFileHandler) throws {
        let fastPlan = fast.respond(to: request(target), now: testNow)
        let fullPlan = full.respond(to: request(target), now: testNow)
        #expect(fastPlan.head.serialized() == fullPlan.head.serialized(), "\(target)")
        #expect(try bodyBytes(fastPlan) == bodyBytes(fullPlan), "\(target)")
    }

    func forcedFallback(_ handler: StaticFileHandler) throws -> StaticFileHandler {
        var full = handler
        full.rootDirectory = try RootDirectory(handler.root, useOpenat2: false)
        #expect(!full.rootDirectory.usesOpenat2)
        return full
    }

    @Test(arguments: PathAttackTests.table.map(\.0))
    func pathAttack_sameAnswerWithAndWithoutOpenat2(target: String) throws {
        let (tree, fast) = try PathAttackTests.makeTree()
        defer { _ = tree }
        try expectSameAnswer(target, fast: fast, full: try forcedFallback(fast))
    }

    @Test func siteTargets_sameAnswerWithAndWithoutOpenat2() throws {
        for options in [StaticFileHandler.Options(), StaticFileHandler.Options(dotfiles: true, listing: false)] {
            let (tree, fast) = try makeSite(options: options)
            mkfifo(tree.path + "/pipe", 0o644)
            tree.folder("sub/deeper")
            tree.symlink("index-link", to: "index-folder")
            tree.folder("linked-index")
            tree.symlink("linked-index/index.html", to: "../hello.txt")
            tree.folder("folder-index")
            tree.folder("folder-index/index.html")
            let full = try forcedFallback(fast)
            for target in [
                "/", "/hello.txt", "/hello.txt/", "/hello.txt/x", "/missing", "/sub", "/sub/", "/sub/a.css",
                "/sub/deeper/", "/.env", "/.git/config", "/.well-known/security.txt", "/inside-link.txt",
                "/outside-link", "/dot-link", "/index-folder", "/index-folder/", "/index-folder/index.html",
                "/index-link/", "/linked-index/", "/folder-index/", "/pipe", "/sub/../hello.txt?q=1",
            ] {
                try expectSameAnswer(target, fast: fast, full: full)
            }
            if Environment.value("HTTP10_NO_OPENAT2") == nil {
                #expect(fast.rootDirectory.usesOpenat2 == kernelIsAtLeast(5, 6))
            }
        }
    }

    @Test func rootDirectory_opensPlainPaths_andLeavesLinksAndEscapesToTheFullCheck() throws {
        let tree = TemporaryTree()
        tree.folder("d")
        tree.file("d/f", "x")
        tree.symlink("link", to: "d/f")
        let root = try RootDirectory(FilePath(tree.path))
        guard root.usesOpenat2 else { return }  // a kernel before 5.6: nothing to test here
        guard case .opened(let file) = root.openBeneath(Array("d/f".utf8)) else {
            Issue.record("d/f not opened")
            return
        }
        #expect(try file.status().size == 1)
        file.close()
        for (path, expected) in [
            ("link", "full"), ("d/../link", "full"), ("../x", "full"), ("/etc/hostname", "full"),
            ("missing", "failed"), ("d/f/x", "failed"),
        ] {
            let got: String
            switch root.openBeneath(Array(path.utf8)) {
            case .opened(let file):
                file.close()
                got = "opened"
            case .needsFullCheck: got = "full"
            case .failed: got = "failed"
            }
            #expect(got == expected, "\(path)")
        }
        #expect(root.usesOpenat2)
        let off = try RootDirectory(FilePath(tree.path), useOpenat2: false)
        guard case .needsFullCheck = off.openBeneath(Array("d/f".utf8)) else {
            Issue.record("the forced fallback opened d/f")
            return
        }
    }

    @Test func rootDirectory_statusBeneath_joinsFolderAndName_andDescribesALastLinkAsTheLink() throws {
        let tree = TemporaryTree()
        tree.folder("d")
        tree.file("d/f", "xy")
        tree.file("top", "xyz")
        tree.symlink("d/link", to: "f")
        let root = try RootDirectory(FilePath(tree.path))
        #expect(try root.statusBeneath(Array("d".utf8), appending: Array("f".utf8)).size == 2)
        #expect(try root.statusBeneath([], appending: Array("top".utf8)).size == 3, "the root's entry")
        #expect(try root.statusBeneath(Array("d/f".utf8), appending: []).size == 2, "no name: the path itself")
        #expect(try root.statusBeneath(Array("d".utf8), appending: Array("link".utf8)).kind == .symbolicLink)
        #expect(throws: SystemError.self) { try root.statusBeneath(Array("d".utf8), appending: Array("missing".utf8)) }
        #expect(throws: SystemError.self) { try root.statusBeneath([], appending: []) }
        #expect(throws: SystemError.self) {
            try root.statusBeneath(Array("d".utf8), appending: [UInt8(ascii: "f"), 0])
        }
    }
}

/// Whether the running kernel is at least `major.minor` (openat2 arrived in 5.6).
func kernelIsAtLeast(_ major: Int, _ minor: Int) -> Bool {
    var names = utsname()
    uname(&names)
    let release = withUnsafeBytes(of: names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    let parts = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
    guard parts.count == 2 else { return false }
    return parts[0] > major || (parts[0] == major && parts[1] >= minor)
}
