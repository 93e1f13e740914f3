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

    public var description: String {
        "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The few socket outcomes that callers branch on.
public enum SocketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer reset the connection or stopped reading (`ECONNRESET`, `EPIPE`).
    case peerClosed
    /// A deadline passed (`SO_RCVTIMEO`/`SO_SNDTIMEO` expired, or a `poll(2)` wait ran out).
    case timedOut
    /// A host or port could not be turned into an address; the text says why.
    case invalidAddress(String)

    public var description: String {
        switch self {
        case .peerClosed: return "connection closed by peer"
        case .timedOut: return "timed out"
        case .invalidAddress(let why): return why
        }
    }
}

/// The result of one non-blocking transfer: some bytes, or nothing until the descriptor is ready.
///
/// `processed(0)` from a receive is end of file: the peer shut down its write side.
public enum IOResult: Equatable, Sendable {
    case processed(Int)
    case wouldBlock
}

/// Runs `body` again while it fails with `EINTR`; any other failure throws ``SystemError``.
///
/// `errno` is read at once, before anything else can overwrite it.
/// Never wrap `close(2)` in this: on Linux the descriptor is released even when
/// `close` reports EINTR, so a retry could close a descriptor another thread just got.
@inline(__always)
func retryingOnInterrupt<T: FixedWidthInteger>(_ call: String, _ body: () -> T) throws(SystemError) -> T {
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
func closeOnce(_ descriptor: inout Int32) {
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
func preconditionIsNotProgrammerError(_ error: SystemError) {
    precondition(error.errno != EBADF && error.errno != EFAULT, "programmer error: \(error)")
}
