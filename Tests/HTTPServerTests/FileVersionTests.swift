import HTTPCore
import HTTPServer
import System
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `OpenFile.firstStatus` and ``FileVersion`` of a status: what the engine uses to notice a file
/// rewritten in place while it sends it.
@Suite struct FileVersionTests {
    /// A fresh file under /tmp holding `contents`; the caller unlinks it.
    func makeFile(_ contents: String) throws -> String {
        var template = Array("/tmp/http10-version-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        _ = contents.withCString { write(fd, $0, strlen($0)) }
        _ = Glibc.close(fd)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    func overwrite(_ path: String, _ contents: String, flags: Int32 = O_WRONLY) {
        let fd = open(path, flags)
        _ = contents.withCString { write(fd, $0, strlen($0)) }
        _ = Glibc.close(fd)
    }

    @Test func firstStatus_isKeptAcrossLaterCalls() throws {
        let path = try makeFile("one")
        defer { unlink(path) }
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
        let path = try makeFile("abc")
        defer { unlink(path) }
        let file = try OpenFile.open(FilePath(path))
        defer { file.close() }
        let before = try file.status()
        #expect(FileVersion(try file.status()) == FileVersion(before))
        overwrite(path, "xyz")  // Same size, new bytes: only the nanosecond mtime tells.
        #expect(FileVersion(try file.status()) != FileVersion(before))
    }

    @Test func unlinkAndRenameOver_leaveTheOpenVersionAlone() throws {
        let path = try makeFile("abc")
        let other = try makeFile("other")
        defer { unlink(path) }
        let file = try OpenFile.open(FilePath(path))
        defer { file.close() }
        let before = try file.status()
        try FileSystem.rename(FilePath(other), to: FilePath(path))
        #expect(FileVersion(try file.status()) == FileVersion(before))
        try FileSystem.unlink(FilePath(path))
        #expect(FileVersion(try file.status()) == FileVersion(before))
    }
}
