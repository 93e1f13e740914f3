import CSystem

#if canImport(Glibc)
import Glibc
#endif

extension Socket {
    /// Accepts one connection as a non-blocking, close-on-exec socket, with the peer's address.
    ///
    /// `SOCK_NONBLOCK | SOCK_CLOEXEC` are set atomically by the accept itself (accept(2), accept4),
    /// so no `fcntl` follows and no descriptor leaks into a child between two calls.
    /// - Returns: the connection and its peer, or `nil` when none is waiting (EAGAIN) or it was
    ///   aborted before we took it (ECONNABORTED).
    /// - Throws: ``SystemError``, for example EMFILE when the process is out of descriptors.
    ///
    /// The corresponding C function is `accept4(2)`.
    public func acceptNonBlocking() throws(SystemError) -> (Socket, SocketAddress)? {
        let flags = Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let listener = withUnsafeHandle { $0 }
        var address = SocketAddress()
        do {
            let fd = try retryingOnInterrupt("accept4") {
                address.withMutableSockAddr { pointer, length in
                    csystem_accept4_address(listener, pointer, &length, flags)
                }
            }
            return (Socket(adopting: fd), address)
        } catch {
            if error.errno == EAGAIN || error.errno == ECONNABORTED { return nil }
            preconditionIsNotProgrammerError(error)
            throw error
        }
    }

    /// Sends `first` then `second` with one gathered `sendmsg(2)`, so a response head and a small body
    /// leave in one call and, usually, one segment. Either buffer may be empty.
    ///
    /// `MSG_NOSIGNAL` as with ``send(_:)``; `writev(2)` takes no flags, hence `sendmsg`.
    /// - Parameter more: more data follows at once (a `sendfile` body): `MSG_MORE` keeps the kernel from
    ///   pushing the head out as a segment of its own (tcp(7), `TCP_CORK`/`MSG_MORE`).
    /// - Returns: `.processed(n)` with the bytes taken from the two buffers, in order, or `.wouldBlock`.
    /// - Throws: `SocketError.peerClosed` on EPIPE or ECONNRESET, otherwise ``SystemError``.
    ///
    /// The corresponding C function is `sendmsg(2)`.
    public func send(
        _ first: UnsafeRawBufferPointer,
        _ second: UnsafeRawBufferPointer,
        more: Bool = false
    ) throws -> IOResult {
        do {
            let fd = withUnsafeHandle { $0 }
            let count = try retryingOnInterrupt("sendmsg") {
                csystem_send2(fd, first.baseAddress, first.count, second.baseAddress, second.count, more ? 1 : 0)
            }
            return .processed(count)
        } catch {
            return try Socket.classify(error)
        }
    }

    /// Sends up to `count` bytes of `file` from `offset` without copying them through user space.
    ///
    /// - Returns: `.processed(n)`; `.processed(0)` means the file ended before `offset + count`
    ///   (it shrank since it was opened); `.wouldBlock` when the socket buffer is full.
    /// - Throws: `SocketError.peerClosed` on EPIPE or ECONNRESET, otherwise ``SystemError``.
    ///
    /// The corresponding C function is `sendfile(2)`. Unlike `send`, it takes no `MSG_NOSIGNAL`:
    /// the programs ignore SIGPIPE at start-up (``Signals/ignoreBrokenPipe()``), so EPIPE is a value here too.
    public func sendFile(_ file: OpenFile, offset: Int64, count: Int) throws -> IOResult {
        do {
            let socket = withUnsafeHandle { $0 }
            let input = file.withUnsafeHandle { $0 }
            var position = offset
            let sent = try retryingOnInterrupt("sendfile") { csystem_sendfile(socket, input, &position, count) }
            return .processed(sent)
        } catch {
            return try Socket.classify(error)
        }
    }
}

/// Process resource limits.
public enum ResourceLimits {
    /// Raises the soft limit on open descriptors to `wanted` where the hard limit allows.
    ///
    /// - Returns: the soft limit in force afterwards (which may be below `wanted`).
    /// - Throws: ``SystemError`` when the limit cannot be read or set.
    ///
    /// The corresponding C functions are `getrlimit(2)` and `setrlimit(2)` with `RLIMIT_NOFILE`.
    public static func raiseOpenFileLimit(to wanted: Int) throws(SystemError) -> Int {
        let result = csystem_raise_nofile_limit(UInt64(max(0, wanted)))
        if result < 0 { throw SystemError(call: "setrlimit(RLIMIT_NOFILE)", errno: errno) }
        return Int(clamping: result)
    }
}

/// The monotonic clock, for deadlines: it never jumps when the wall clock is set.
public enum MonotonicClock {
    /// Milliseconds since an arbitrary start (`clock_gettime(CLOCK_MONOTONIC)`).
    public static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
