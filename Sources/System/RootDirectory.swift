import CSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The folder a server serves, opened once, so files below it are opened relative to its descriptor with
/// one `openat2(2)` each: the kernel confines the walk to the folder and refuses symbolic links, which
/// makes `stat` and `realpath` unnecessary on the common path.
public final class RootDirectory: Sendable {
    private let descriptor: Int32
    /// Cleared on the first ENOSYS (kernels before 5.6): every later lookup goes straight to the caller's
    /// full check instead of asking again.
    private let supported: Atomic<Bool>

    /// What ``openBeneath(_:)`` found.
    public enum Lookup {
        /// The file, opened read-only, close-on-exec and non-blocking; the caller owns it.
        case opened(OpenFile)
        /// The path involves a symbolic link (`ELOOP`), leaves the folder (`EXDEV`), or `openat2` is
        /// missing or switched off: the caller must decide with its own, path-based checks.
        case needsFullCheck
        /// The lookup failed for another reason: `ENOENT`, `ENOTDIR`, `EACCES`, `EMFILE`…
        case failed(SystemError)
    }

    /// Opens `path` as the root (`O_DIRECTORY`, close-on-exec: a handle for the lookups below it).
    ///
    /// - Parameter useOpenat2: `false` makes every lookup ``Lookup/needsFullCheck``, as on a kernel
    ///   without `openat2` (tests force the fallback with it; so does the environment variable
    ///   `HTTP10_NO_OPENAT2`).
    /// - Throws: ``SystemError`` when the folder cannot be opened.
    ///
    /// The corresponding C function is `open(2)`.
    public init(_ path: FilePath, useOpenat2: Bool = true) throws(SystemError) {
        descriptor = try retryingOnInterrupt("open") {
            path.withCString { Glibc.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
        supported = Atomic(useOpenat2 && Environment.value("HTTP10_NO_OPENAT2") == nil)
    }

    deinit {
        var descriptor = self.descriptor
        closeOnce(&descriptor)
    }

    /// Whether lookups still use `openat2` (false after ENOSYS, or when switched off).
    public var usesOpenat2: Bool { supported.load(ordering: .relaxed) }

    /// Opens `relative` (no leading `/`; `.` or empty for the folder itself) below the root with
    /// `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`, read-only, close-on-exec and `O_NONBLOCK` (a FIFO does not
    /// hang the open, as nginx opens files; the caller's `fstat` then refuses what is not a file).
    ///
    /// The corresponding C function is `openat2(2)`.
    public func openBeneath(_ relative: [UInt8]) -> Lookup {
        guard !relative.isEmpty else { return openBeneath(Self.itself) }
        return openBeneath(length: relative.count) { path in
            for index in 0..<relative.count { path[index] = CChar(bitPattern: relative[index]) }
        }
    }

    /// ``openBeneath(_:)`` of `relative` (`.` when empty), then `/` and `name` when given, written straight
    /// into the C string: no array for the joined path.
    public func openBeneath(_ relative: [UInt8], appending name: [UInt8]) -> Lookup {
        guard !relative.isEmpty else { return openBeneath(name.isEmpty ? Self.itself : name) }
        return openBeneath(length: relative.count + 1 + name.count) { Self.join(relative, name, into: $0) }
    }

    /// Writes `relative`, `/` and `name` into `path` (room for exactly that many bytes).
    private static func join(_ relative: [UInt8], _ name: [UInt8], into path: UnsafeMutableBufferPointer<CChar>) {
        for index in 0..<relative.count { path[index] = CChar(bitPattern: relative[index]) }
        path[relative.count] = CChar(bitPattern: UInt8(ascii: "/"))
        for index in 0..<name.count { path[relative.count + 1 + index] = CChar(bitPattern: name[index]) }
    }

    /// `.`: the root itself.
    private static let itself = [UInt8(ascii: ".")]

    /// The status of `relative` (no leading `/`, not empty) below the root, without opening it: one
    /// `fstatat(2)` with `AT_SYMLINK_NOFOLLOW`, so a last component that is a symbolic link is described as
    /// the link (``FileStatus/Kind/symbolicLink``), never as its target.
    ///
    /// Unlike ``openBeneath(_:)`` nothing confines the walk (`fstatat` has no `RESOLVE_*` flags, openat2(2)):
    /// a folder on the way that is a symbolic link is followed wherever it points. Only for re-checking a
    /// path that a confined lookup resolved moments before (the handler's kept small files, README Engine).
    /// - Throws: ``SystemError`` such as `fstatat: No such file or directory (errno 2)`; `EINVAL` for an
    ///   empty path or one with a NUL inside (which would end it early).
    ///
    /// The corresponding C function is `fstatat(2)`.
    public func statusBeneath(_ relative: [UInt8]) throws(SystemError) -> FileStatus {
        try statusBeneath(length: relative.count) { path in
            for index in 0..<relative.count { path[index] = CChar(bitPattern: relative[index]) }
        }
    }

    /// ``statusBeneath(_:)`` of `relative`, then `/` and `name` (just `name` when `relative` is empty: the root's
    /// entry; just `relative` when `name` is), written straight into the C string: no array for the joined path.
    /// A folder's index file, or a file's path.
    /// - Throws: ``SystemError`` as ``statusBeneath(_:)``.
    ///
    /// The corresponding C function is `fstatat(2)`.
    public func statusBeneath(_ relative: [UInt8], appending name: [UInt8]) throws(SystemError) -> FileStatus {
        guard !name.isEmpty else { return try statusBeneath(relative) }
        guard !relative.isEmpty else { return try statusBeneath(name) }
        return try statusBeneath(length: relative.count + 1 + name.count) { Self.join(relative, name, into: $0) }
    }

    /// The `fstatat` (`AT_SYMLINK_NOFOLLOW`) of the path of `length` bytes that `fill` writes.
    private func statusBeneath(
        length: Int,
        fill: (UnsafeMutableBufferPointer<CChar>) -> Void
    ) throws(SystemError) -> FileStatus {
        var raw = stat()
        let result = withPath(length: length, fill: fill) { (path) throws(SystemError) -> Int32 in
            guard let path, length > 0 else { throw SystemError(call: "fstatat", errno: EINVAL) }
            return try retryingOnInterrupt("fstatat") { fstatat(descriptor, path, &raw, AT_SYMLINK_NOFOLLOW) }
        }
        _ = try result.get()
        return FileStatus(raw)
    }

    /// Opens the path of `length` bytes that `fill` writes (its NUL is added here).
    private func openBeneath(length: Int, fill: (UnsafeMutableBufferPointer<CChar>) -> Void) -> Lookup {
        guard supported.load(ordering: .relaxed) else { return .needsFullCheck }
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY
        return withPath(length: length, fill: fill) { path in
            // A NUL inside would end the path early: never pass a shorter path than the one asked for.
            guard let path else { return .needsFullCheck }
            while true {
                let fd = csystem_openat2_beneath(descriptor, path, flags)
                if fd >= 0 { return .opened(OpenFile(descriptor: fd)) }
                let code = errno
                switch code {
                case EINTR: continue
                // EPERM: a seccomp filter may refuse calls it does not know (containers); the full check answers.
                case ELOOP, EXDEV, EPERM: return .needsFullCheck
                case ENOSYS:
                    supported.store(false, ordering: .relaxed)
                    return .needsFullCheck
                default: return .failed(SystemError(call: "openat2", errno: code))
                }
            }
        }.get()
    }

    /// Calls `body` with the C string of `length` bytes that `fill` writes (its NUL added here), in stack room:
    /// no array for the path. `nil` when the bytes hold a NUL, which would end the path early.
    private func withPath<R, Failure: Error>(
        length: Int,
        fill: (UnsafeMutableBufferPointer<CChar>) -> Void,
        _ body: (UnsafePointer<CChar>?) throws(Failure) -> R
    ) -> Result<R, Failure> {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { path in
            fill(path)
            path[length] = 0
            let hasNUL = UnsafeMutableBufferPointer(rebasing: path[..<length]).contains(0)
            return Result { () throws(Failure) in try body(hasNUL ? nil : UnsafePointer(path.baseAddress!)) }
        }
    }
}
