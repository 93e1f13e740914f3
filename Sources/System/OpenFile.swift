#if canImport(Glibc)
import Glibc
#endif

/// A file opened for reading that owns its descriptor.
///
/// Opening first and then asking `fstat(2)` about the descriptor means the status
/// describes exactly the file that will be sent, even if the path is replaced meanwhile.
public final class OpenFile: @unchecked Sendable {
    private var descriptor: Int32
    /// What the first ``status()`` said: the version of the file that a response built from it describes
    /// (its `Content-Length`, `ETag`, `Last-Modified`). `nil` until ``status()`` was called once.
    public private(set) var firstStatus: FileStatus?

    init(descriptor: Int32) { self.descriptor = descriptor }

    deinit {
        close()
    }

    /// Opens `path` read-only and close-on-exec.
    ///
    /// `O_NONBLOCK` keeps opening a FIFO from hanging until a writer appears (open(2));
    /// it has no effect on reads of regular files.
    /// - Throws: ``SystemError`` such as `open: Permission denied (errno 13)`.
    ///
    /// The corresponding C function is `open(2)`.
    public static func open(_ path: FilePath) throws(SystemError) -> OpenFile {
        let fd = try retryingOnInterrupt("open") {
            path.withCString { Glibc.open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        }
        return OpenFile(descriptor: fd)
    }

    /// The status of the open file; the first answer is also kept as ``firstStatus``.
    ///
    /// The corresponding C function is `fstat(2)`.
    public func status() throws(SystemError) -> FileStatus {
        var raw = stat()
        _ = try retryingOnInterrupt("fstat") { fstat(descriptor, &raw) }
        let status = FileStatus(raw)
        if firstStatus == nil { firstStatus = status }
        return status
    }

    /// Reads up to `buffer.count` bytes at `offset`; returns 0 at end of file.
    ///
    /// The corresponding C function is `pread(2)`.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(SystemError) -> Int {
        try retryingOnInterrupt("pread") { pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// Reads the whole file from the start. For small files: tests, seeds and fixtures.
    public func readAll() throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try chunk.withUnsafeMutableBytes { buffer in
                try read(into: buffer, at: Int64(result.count))
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[..<count])
        }
    }

    /// Calls `body` with the raw descriptor; `body` must not close it or keep it. For `Socket.sendFile`,
    /// which hands the descriptor to sendfile(2): package access, so no code outside this package sees it.
    package func withUnsafeHandle<R, Failure: Error>(_ body: (Int32) throws(Failure) -> R) throws(Failure) -> R {
        precondition(descriptor >= 0, "file used after close")
        return try body(descriptor)
    }

    /// Closes the descriptor; calling it again does nothing. Never retried (see `Socket.close()`).
    public func close() {
        closeOnce(&descriptor)
    }
}
