#if canImport(Glibc)
import Glibc
#endif

extension FileSystem {
    /// Renames `source` to `destination`, replacing it atomically if it exists.
    ///
    /// A download goes to `FILE.part` and is renamed only once complete, so a file named `FILE`
    /// is never a partial download.
    /// - Throws: ``SystemError`` such as `rename: No such file or directory (errno 2)`.
    ///
    /// The corresponding C function is `rename(2)`.
    public static func rename(_ source: FilePath, to destination: FilePath) throws(SystemError) {
        _ = try retryingOnInterrupt("rename") {
            source.withCString { from in destination.withCString { to in Glibc.rename(from, to) } }
        }
    }

    /// Removes the file at `path`.
    ///
    /// - Throws: ``SystemError``; ENOENT when there is nothing to remove.
    ///
    /// The corresponding C function is `unlink(2)`.
    public static func unlink(_ path: FilePath) throws(SystemError) {
        _ = try retryingOnInterrupt("unlink") { path.withCString { Glibc.unlink($0) } }
    }

    /// The status of `path` itself, or `nil` when nothing is there (ENOENT, ENOTDIR).
    ///
    /// - Throws: ``SystemError`` for any other failure, such as EACCES.
    public static func statusIfPresent(of path: FilePath) throws(SystemError) -> FileStatus? {
        do {
            return try status(of: path)
        } catch {
            if error.errno == ENOENT || error.errno == ENOTDIR { return nil }
            throw error
        }
    }
}

extension OpenFile {
    /// Reads standard input to its end (for `-d @-`); standard input is borrowed, never closed.
    ///
    /// The corresponding C function is `read(2)`.
    public static func readStandardInput() throws(SystemError) -> [UInt8] {
        var result: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try retryingOnInterrupt("read") { Glibc.read(0, chunk.baseAddress, chunk.count) }
            if count == 0 { return result }
            result.append(contentsOf: chunk[..<count])
        }
    }
}
