#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which call failed and the `errno` it left.
///
/// Its description names the call, the `strerror(3)` text and the number,
/// for example `bind: Address already in use (errno 98)`.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name of the C function that failed, such as `"bind"`.
    public let call: String
    /// The value of `errno` right after the call returned -1.
    public let errno: Int32

    /// Creates an error for `call` failing with `errno`.
    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// The `strerror(3)` text for ``errno``, such as `"Permission denied"`.
    public var reason: String { String(cString: strerror(errno)) }

    public var description: String {
        "\(call): \(reason) (errno \(errno))"
    }
}

// What callers branch on, so that no module above System needs Glibc's errno constants.
extension SystemError {
    /// `EACCES`: the permission bits forbid it, or a folder on the way may not be searched (path_resolution(7)).
    public var isPermissionDenied: Bool { errno == EACCES }
    /// `EPERM`: the operation is not permitted at all, whatever the permission bits (for example a sealed file).
    public var isNotPermitted: Bool { errno == EPERM }
    /// `ENOENT`: no file or folder of that name.
    public var isNotFound: Bool { errno == ENOENT }
    /// `ENOTDIR`: a component used as a folder on the way is not one.
    public var isNotADirectory: Bool { errno == ENOTDIR }
    /// `EMFILE` or `ENFILE`: the process or the whole system is out of file descriptors (open(2)).
    public var isOutOfDescriptors: Bool { errno == EMFILE || errno == ENFILE }
    /// `ENOMEM`: the kernel could not allocate memory for the call.
    public var isOutOfMemory: Bool { errno == ENOMEM }
}

/// Runs `body` again while it fails with `EINTR`; any other failure throws ``SystemError``.
///
/// `errno` is read at once, before anything else can overwrite it.
/// Never wrap `close(2)` in this: on Linux the descriptor is released even when
/// `close` reports EINTR, so a retry could close a descriptor another thread just got.
@inline(__always)
package func retryingOnInterrupt<T: FixedWidthInteger>(_ call: String, _ body: () -> T) throws(SystemError) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code != EINTR { throw SystemError(call: call, errno: code) }
    }
}

/// Closes `descriptor` if it is still open and marks it closed (-1), so the owner closes it exactly once.
///
/// Not retried on EINTR: Linux releases the descriptor even then (close(2), "Dealing with error returns
/// from close()"), and a retry could close a descriptor another thread just opened.
@inline(__always)
package func closeOnce(_ descriptor: inout Int32) {
    guard descriptor >= 0 else { return }
    let fd = descriptor
    descriptor = -1
    _ = Glibc.close(fd)
}

/// Stops the program for an errno that can only mean a bug in our own code.
///
/// `EBADF` and `EFAULT` say we passed a closed descriptor or a bad pointer;
/// carrying on would act on some other file (the idea of NIO's `preconditionIsNotUnacceptableErrno`).
@inline(__always)
package func preconditionIsNotProgrammerError(_ error: SystemError) {
    precondition(error.errno != EBADF && error.errno != EFAULT, "programmer error: \(error)")
}
