import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// One entry of a directory listing.
public struct DirectoryEntry: Sendable, Equatable {
    /// The entry's name as raw bytes (not always UTF-8).
    public var name: [UInt8]
    /// The status of what the entry points to; `nil` if it could not be read (a dangling link).
    public var status: FileStatus?
    /// Whether the entry itself may be a symbolic link (`d_type` is `DT_LNK`, or `DT_UNKNOWN` on file
    /// systems that do not fill it in), so callers only resolve the entries that need it.
    public var mayBeSymbolicLink: Bool = true
}

/// Path-based file-system queries: `stat`, `realpath`, directory listing, access checks.
public enum FileSystem {
    /// The status of what `path` names, following symbolic links.
    ///
    /// - Throws: ``SystemError`` (ENOENT for a missing file, EACCES for a folder we may not search).
    ///
    /// The corresponding C function is `stat(2)`.
    public static func status(of path: FilePath) throws(SystemError) -> FileStatus {
        var raw = stat()
        _ = try retryingOnInterrupt("stat") { path.withCString { stat($0, &raw) } }
        return FileStatus(raw)
    }

    /// The canonical absolute path with every symbolic link, `.` and `..` resolved.
    ///
    /// The corresponding C function is `realpath(3)`.
    public static func realPath(_ path: FilePath) throws(SystemError) -> FilePath {
        let resolved = path.withCString { Glibc.realpath($0, nil) }
        guard let resolved else { throw SystemError(call: "realpath", errno: errno) }
        defer { free(resolved) }
        let length = strlen(resolved)
        return FilePath(
            bytes: resolved.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
        )
    }

    /// Whether this process may read `path` (`access(2)` with `R_OK`, which uses the real user).
    public static func isReadable(_ path: FilePath) -> Bool {
        path.withCString { access($0, R_OK) } == 0
    }

    /// The entries of the directory at `path`, without `.` and `..`, in no particular order.
    ///
    /// - Throws: ``SystemError`` (`opendir: Permission denied (errno 13)`).
    ///
    /// The corresponding C functions are `opendir(3)` and `readdir(3)`.
    public static func contentsOfDirectory(_ path: FilePath) throws(SystemError) -> [DirectoryEntry] {
        guard let directory = path.withCString({ opendir($0) }) else {
            throw SystemError(call: "opendir", errno: errno)
        }
        defer { closedir(directory) }
        var entries: [DirectoryEntry] = []
        while true {
            var namePointer: UnsafePointer<CChar>?
            var type: UInt8 = 0
            // Through the shim: only the name and d_type, never a `struct dirent` copied whole (AddressSanitizer saw
            // such a read run past readdir's buffer, whose last record ends with its name: getdents64(2)).
            let result = csystem_readdir(UnsafeMutableRawPointer(directory), &namePointer, &type)
            if result < 0 { throw SystemError(call: "readdir", errno: errno) }
            guard result > 0, let cString = namePointer else { return entries }
            let name = Array(UnsafeRawBufferPointer(start: cString, count: strlen(cString)))
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            entries.append(
                DirectoryEntry(
                    name: name,
                    status: try? status(of: path.appending(name)),
                    mayBeSymbolicLink: type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN)
                )
            )
        }
    }
}
