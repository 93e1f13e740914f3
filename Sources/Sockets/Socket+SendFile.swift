import CSystem
import System

#if canImport(Glibc)
import Glibc
#endif

extension Socket {
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
            let count = try withUnsafeHandle { fd throws(SystemError) in
                try retryingOnInterrupt("sendmsg") {
                    csystem_send2(fd, first.baseAddress, first.count, second.baseAddress, second.count, more ? 1 : 0)
                }
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
            var position = offset
            let sent = try withUnsafeHandle { socket throws(SystemError) in
                try file.withUnsafeHandle { input throws(SystemError) in
                    try retryingOnInterrupt("sendfile") { csystem_sendfile(socket, input, &position, count) }
                }
            }
            return .processed(sent)
        } catch {
            return try Socket.classify(error)
        }
    }
}
