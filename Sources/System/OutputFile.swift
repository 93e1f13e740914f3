#if canImport(Glibc)
import Glibc
#endif

/// A descriptor written to: standard output, standard error, or a file we created.
///
/// The standard streams are borrowed and never closed; created files are owned and closed once.
public final class OutputFile: @unchecked Sendable {
    private var descriptor: Int32
    private let owned: Bool

    private init(descriptor: Int32, owned: Bool) {
        self.descriptor = descriptor
        self.owned = owned
    }

    deinit {
        close()
    }

    /// Standard output (descriptor 1), borrowed.
    public static let standardOutput = OutputFile(descriptor: 1, owned: false)
    /// Standard error (descriptor 2), borrowed.
    public static let standardError = OutputFile(descriptor: 2, owned: false)

    /// How ``open(_:mode:)`` treats an existing file.
    public enum Mode: Sendable {
        /// Create the file or cut it to length 0.
        case truncate
        /// Create the file or write after its end.
        case append
        /// Write to an existing file as it is (for `/dev/null`, FIFOs, terminals).
        case existing
    }

    /// Opens `path` for writing, close-on-exec, permissions 0666 less the umask.
    ///
    /// The corresponding C function is `open(2)`.
    public static func open(_ path: FilePath, mode: Mode) throws(SystemError) -> OutputFile {
        var flags = O_WRONLY | O_CLOEXEC
        switch mode {
        case .truncate: flags |= O_CREAT | O_TRUNC
        case .append: flags |= O_CREAT | O_APPEND
        case .existing: break
        }
        let fd = try retryingOnInterrupt("open") { path.withCString { Glibc.open($0, flags, 0o666) } }
        return OutputFile(descriptor: fd, owned: true)
    }

    /// Writes every byte or throws: `write(2)` may write less than asked, so this loops.
    ///
    /// - Throws: ``SystemError``; EPIPE when the reader of a pipe went away (SIGPIPE must be ignored).
    public func writeAll(_ buffer: UnsafeRawBufferPointer) throws(SystemError) {
        var written = 0
        while written < buffer.count {
            let count = try retryingOnInterrupt("write") {
                Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            written += count
        }
    }

    /// Writes every byte of `bytes` or throws.
    public func writeAll(_ bytes: [UInt8]) throws(SystemError) {
        let result: Result<Void, SystemError> = bytes.withUnsafeBytes { raw in
            Result { () throws(SystemError) in try writeAll(raw) }
        }
        try result.get()
    }

    /// Writes a string's UTF-8 bytes, ignoring failures: for log and diagnostic lines.
    public func write(_ text: String) {
        _ = try? writeAll(Array(text.utf8))
    }

    /// The status of the open file: its kind and, for a regular file, its size.
    ///
    /// The corresponding C function is `fstat(2)`.
    public func status() throws(SystemError) -> FileStatus {
        var raw = stat()
        _ = try retryingOnInterrupt("fstat") { fstat(descriptor, &raw) }
        return FileStatus(raw)
    }

    /// Cuts a regular file to `length` bytes and moves the write position there, so a retried
    /// download starts over where it began instead of after the bytes of the failed attempt.
    ///
    /// The corresponding C functions are `ftruncate(2)` and `lseek(2)`.
    public func truncate(to length: Int64) throws(SystemError) {
        _ = try retryingOnInterrupt("ftruncate") { ftruncate(descriptor, off_t(length)) }
        _ = try retryingOnInterrupt("lseek") { lseek(descriptor, off_t(length), SEEK_SET) }
    }

    /// Whether the descriptor is a terminal (`isatty(3)`).
    public var isTerminal: Bool { isatty(descriptor) == 1 }

    /// The width in columns of the terminal this writes to, or `nil` if it is not a terminal.
    ///
    /// The corresponding C call is `ioctl(2)` with `TIOCGWINSZ`.
    public var terminalColumns: Int? { Terminal.columns(of: descriptor) }

    /// Closes an owned descriptor; borrowed streams stay open.
    public func close() {
        guard owned else { return }
        closeOnce(&descriptor)
    }
}
