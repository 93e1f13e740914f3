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
            return (Socket(adopting: fd), address)
        } catch {
            if error.errno == EAGAIN || error.errno == ECONNABORTED { return nil }
            preconditionIsNotProgrammerError(error)
            throw error
        }
    }
}
