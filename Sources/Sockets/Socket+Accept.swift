import CSystem
import System

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
        let socket = Socket()
        var address = SocketAddress()
        guard try acceptNonBlocking(into: socket, peer: &address) else { return nil }
        return (socket, address)
    }

    /// Accepts one connection as ``acceptNonBlocking()`` does, into `socket`, a socket that owns no descriptor
    /// (made by ``init()`` or closed since): a server reuses its connection objects, so an accepted connection
    /// costs no allocation. `socket` owns the new descriptor from here on, and closes it as any socket does.
    /// - Parameters:
    ///   - socket: where the descriptor goes; must not be open (an open one would lose its descriptor).
    ///   - peer: set to the peer's address when a connection was taken; else left as it was.
    /// - Returns: `true` when a connection was taken; `false` when none is waiting (EAGAIN) or it was aborted
    ///   before we took it (ECONNABORTED): `socket` then stays closed.
    /// - Throws: ``SystemError``, for example EMFILE when the process is out of descriptors.
    ///
    /// The corresponding C function is `accept4(2)`.
    public func acceptNonBlocking(into socket: Socket, peer: inout SocketAddress) throws(SystemError) -> Bool {
        precondition(!socket.isOpen, "accepting into a socket that still owns a descriptor")
        let flags = Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        var address = SocketAddress()
        do {
            let fd = try withUnsafeHandle { listener throws(SystemError) in
                try retryingOnInterrupt("accept4") {
                    address.withMutableSockAddr { pointer, length in
                        csystem_accept4_address(listener, pointer, &length, flags)
                    }
                }
            }
            socket.adopt(fd)
            peer = address
            return true
        } catch {
            if error.errno == EAGAIN || error.errno == ECONNABORTED { return false }
            preconditionIsNotProgrammerError(error)
            throw error
        }
    }
}
