import HTTPCore
import HTTPServer
import System
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `OpenFile.firstStatus` and ``FileVersion`` of a status: what the engine uses to notice a file
/// rewritten in place while it sends it.
@Suite struct FileVersionTests {
    /// The folder the test's files live in, removed with them afterwards.
    let tree = TemporaryTree()

    /// A fresh file in the tree holding `contents` (and named after them).
    func makeFile(_ contents: String) -> String {
        tree.file(contents + ".txt", contents)
    }

    func overwrite(_ path: String, _ contents: String, flags: Int32 = O_WRONLY) {
        let fd = open(path, flags)
        _ = contents.withCString { write(fd, $0, strlen($0)) }
        _ = Glibc.close(fd)
    }

    @Test func firstStatus_isKeptAcrossLaterCalls() throws {
        let path = makeFile("one")
        let file = try OpenFile.open(FilePath(path))
        defer { file.close() }
        #expect(file.firstStatus == nil)
        let first = try file.status()
        overwrite(path, "four", flags: O_WRONLY | O_APPEND)
        let later = try file.status()
        #expect(file.firstStatus == first)
        #expect(later.size == 7)
    }

    @Test func rewriteInPlace_sameSize_isAnotherVersion() throws {
        let path = makeFile("abc")
        let file = try OpenFile.open(FilePath(path))
        defer { file.close() }
        let before = try file.status()
        #expect(FileVersion(try file.status()) == FileVersion(before))
        overwrite(path, "xyz")  // Same size, new bytes: only the nanosecond mtime tells.
        #expect(FileVersion(try file.status()) != FileVersion(before))
    }

    @Test func unlinkAndRenameOver_leaveTheOpenVersionAlone() throws {
        let path = makeFile("abc")
        let other = makeFile("other")
        let file = try OpenFile.open(FilePath(path))
        defer { file.close() }
        let before = try file.status()
        try FileSystem.rename(FilePath(other), to: FilePath(path))
        #expect(FileVersion(try file.status()) == FileVersion(before))
        try FileSystem.unlink(FilePath(path))
        #expect(FileVersion(try file.status()) == FileVersion(before))
    }
}
