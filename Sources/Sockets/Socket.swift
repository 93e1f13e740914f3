import CSystem
import System

#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket that owns its file descriptor.
///
/// Exactly one `Socket` owns each descriptor and closes it exactly once: by ``close()``,
/// or when the last reference goes away. Other code reaches the raw descriptor only
/// through ``withUnsafeHandle(_:)``. A socket is used by one thread at a time; handing
/// it to another thread hands over the ownership.
public final class Socket: @unchecked Sendable {
    // One thread at a time, and every access is a load, a store or `closeOnce`'s inout that calls nothing back:
    // no two accesses can overlap, so the dynamic exclusivity check (a runtime call per access, several per
    // request of a server) is left out.
    @exclusivity(unchecked) private var descriptor: Int32

    /// Which side of a connection ``shutdown(_:)`` ends.
    public enum ShutdownHow: Sendable {
        case read, write, both
        var rawValue: Int32 {
            switch self {
            case .read: return Int32(SHUT_RD)
            case .write: return Int32(SHUT_WR)
            case .both: return Int32(SHUT_RDWR)
            }
        }
    }

    /// Creates a stream socket of `family`, close-on-exec.
    ///
    /// The corresponding C function is `socket(2)`.
    public init(family: AddressFamily) throws(SystemError) {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        descriptor = try retryingOnInterrupt("socket") { Glibc.socket(family.rawValue, type, 0) }
    }

    /// Takes ownership of an open descriptor, such as one from `accept(2)` or `socketpair(2)`.
    public init(adopting descriptor: Int32) {
        precondition(descriptor >= 0, "adopting an invalid descriptor")
        self.descriptor = descriptor
    }

    /// A socket that owns no descriptor yet (``isOpen`` is `false`): one to accept into
    /// (``acceptNonBlocking(into:peer:)``), which a server reuses from connection to connection.
    public init() {
        descriptor = -1
    }

    /// Takes ownership of `descriptor` (fresh from `accept4(2)`); the socket must own none at that moment.
    func adopt(_ descriptor: Int32) {
        precondition(self.descriptor < 0 && descriptor >= 0, "adopting into an open socket, or an invalid descriptor")
        self.descriptor = descriptor
    }

    deinit {
        // The safety net for ownership: a socket nobody closed is closed here, once.
        close()
    }

    /// Whether ``close()`` has not been called yet.
    public var isOpen: Bool { descriptor >= 0 }

    /// Calls `body` with the raw descriptor; `body` must not close it or keep it.
    ///
    /// The descriptor is valid only inside `body`: a copy returned out of it would outlive a ``close()`` and
    /// name whatever file the kernel gives that number next.
    public func withUnsafeHandle<R, Failure: Error>(_ body: (Int32) throws(Failure) -> R) throws(Failure) -> R {
        precondition(descriptor >= 0, "socket used after close")
        return try body(descriptor)
    }

    /// Creates a connected pair of sockets, as `socketpair(AF_UNIX, SOCK_STREAM)` does. Useful in tests.
    public static func makePair() throws(SystemError) -> (Socket, Socket) {
        var fds: [Int32] = [-1, -1]
        _ = try retryingOnInterrupt("socketpair") {
            socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        }
        return (Socket(adopting: fds[0]), Socket(adopting: fds[1]))
    }

    // MARK: Options

    private func setOption<T: BitwiseCopyable>(
        _ level: Int32,
        _ name: Int32,
        _ value: T,
        _ call: String
    ) throws(SystemError) {
        _ = try retryingOnInterrupt(call) {
            withUnsafeBytes(of: value) { setsockopt(descriptor, level, name, $0.baseAddress, socklen_t($0.count)) }
        }
    }

    /// Lets a restarted server bind its port while old connections sit in TIME_WAIT (`SO_REUSEADDR`).
    public func setReuseAddress(_ on: Bool) throws(SystemError) {
        try setOption(SOL_SOCKET, SO_REUSEADDR, Int32(on ? 1 : 0), "setsockopt(SO_REUSEADDR)")
    }

    /// Makes an IPv6 socket accept IPv6 only (`IPV6_V6ONLY`), so `::1` never also claims 127.0.0.1.
    public func setIPv6Only(_ on: Bool) throws(SystemError) {
        try setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, Int32(on ? 1 : 0), "setsockopt(IPV6_V6ONLY)")
    }

    /// Sets `SO_SNDBUF`; the kernel doubles the value and applies a minimum (socket(7)).
    public func setSendBufferSize(_ bytes: Int) throws(SystemError) {
        try setOption(SOL_SOCKET, SO_SNDBUF, Int32(bytes), "setsockopt(SO_SNDBUF)")
    }

    /// Sets `SO_RCVBUF`; the kernel doubles the value and applies a minimum (socket(7)).
    public func setReceiveBufferSize(_ bytes: Int) throws(SystemError) {
        try setOption(SOL_SOCKET, SO_RCVBUF, Int32(bytes), "setsockopt(SO_RCVBUF)")
    }

    /// Makes `close` send RST at once instead of a FIN (`SO_LINGER` with a zero timeout). Tests use it to fake a crash.
    public func setResetOnClose() throws(SystemError) {
        try setOption(SOL_SOCKET, SO_LINGER, linger(l_onoff: 1, l_linger: 0), "setsockopt(SO_LINGER)")
    }

    /// Holds back partial segments until the cork is removed or the socket is shut down or closed
    /// (`TCP_CORK`, tcp(7)): full segments still leave, the unfinished tail waits for the FIN.
    ///
    /// The engine corks a file response so the end of its body is still ours when it checks that the file
    /// did not change while it was sent: a reset then discards the tail instead of racing it to the client.
    public func setCork(_ on: Bool) throws(SystemError) {
        try setOption(Int32(IPPROTO_TCP), TCP_CORK, Int32(on ? 1 : 0), "setsockopt(TCP_CORK)")
    }

    /// Has the socket take new data, and report itself writable, only while fewer than `bytes` of what it
    /// holds are still unsent (`TCP_NOTSENT_LOWAT`, Linux 3.12; tcp(7) does not list it, the kernel's
    /// Documentation/networking/ip-sysctl.rst does under `tcp_notsent_lowat`). Bytes in flight do not count:
    /// the send buffer stays as large, only the backlog waiting for the congestion or receive window shrinks.
    public func setNotSentLowWater(_ bytes: Int) throws(SystemError) {
        try setOption(Int32(IPPROTO_TCP), TCP_NOTSENT_LOWAT, Int32(bytes), "setsockopt(TCP_NOTSENT_LOWAT)")
    }

    /// Has a listening socket hand over a connection only once its first data has arrived, or once about
    /// `seconds` have passed without any (`TCP_DEFER_ACCEPT`, tcp(7)): until then the kernel keeps the
    /// handshake to itself, so `accept` is followed by a `recv` that finds the request instead of `EAGAIN`.
    /// Linux counts the time in SYN-ACK retransmissions (the first after one second); a client that has said
    /// nothing when they run out is accepted all the same, on its ACK of the last one.
    public func setDeferAccept(seconds: Int32) throws(SystemError) {
        try setOption(Int32(IPPROTO_TCP), TCP_DEFER_ACCEPT, seconds, "setsockopt(TCP_DEFER_ACCEPT)")
    }

    /// Sets the blocking timeouts of `recv`/`send` (`SO_RCVTIMEO`, `SO_SNDTIMEO`); `nil` waits forever.
    ///
    /// A blocking call that times out fails with EAGAIN, which the blocking helpers
    /// (``sendAll(_:)``, ``receive(upTo:)``) turn into `SocketError.timedOut`.
    public func setTimeouts(receive: Duration?, send: Duration?) throws(SystemError) {
        func timeval(_ duration: Duration?) -> Glibc.timeval {
            guard let duration else { return Glibc.timeval(tv_sec: 0, tv_usec: 0) }
            let (seconds, attoseconds) = duration.components
            let micros = max(attoseconds / 1_000_000_000_000, seconds == 0 ? 1 : 0)
            return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(micros))
        }
        try setOption(SOL_SOCKET, SO_RCVTIMEO, timeval(receive), "setsockopt(SO_RCVTIMEO)")
        try setOption(SOL_SOCKET, SO_SNDTIMEO, timeval(send), "setsockopt(SO_SNDTIMEO)")
    }

    /// Switches `O_NONBLOCK` on or off.
    ///
    /// The corresponding C function is `fcntl(2)`.
    public func setNonBlocking(_ on: Bool) throws(SystemError) {
        let flags = try retryingOnInterrupt("fcntl(F_GETFL)") { fcntl(descriptor, F_GETFL) }
        let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        if wanted != flags { _ = try retryingOnInterrupt("fcntl(F_SETFL)") { fcntl(descriptor, F_SETFL, wanted) } }
    }

    // MARK: Addresses

    /// The address this socket is bound to; after binding port 0 it holds the port the kernel chose.
    ///
    /// The corresponding C function is `getsockname(2)`.
    public func localAddress() throws(SystemError) -> SocketAddress {
        var address = SocketAddress()
        _ = try retryingOnInterrupt("getsockname") {
            address.withMutableSockAddr { getsockname(descriptor, $0, &$1) }
        }
        return address
    }

    /// The address of the connected peer.
    ///
    /// The corresponding C function is `getpeername(2)`.
    public func peerAddress() throws(SystemError) -> SocketAddress {
        var address = SocketAddress()
        _ = try retryingOnInterrupt("getpeername") {
            address.withMutableSockAddr { getpeername(descriptor, $0, &$1) }
        }
        return address
    }

    // MARK: Server side

    /// Binds the socket to `address`.
    ///
    /// The corresponding C function is `bind(2)`.
    public func bind(to address: SocketAddress) throws(SystemError) {
        _ = try retryingOnInterrupt("bind") { address.withSockAddr { Glibc.bind(descriptor, $0, $1) } }
    }

    /// Marks the socket as accepting connections, with room for `backlog` not yet accepted.
    ///
    /// The corresponding C function is `listen(2)`.
    public func listen(backlog: Int32) throws(SystemError) {
        _ = try retryingOnInterrupt("listen") { Glibc.listen(descriptor, backlog) }
    }

    /// Accepts one connection; the new socket is close-on-exec and, if asked, non-blocking.
    ///
    /// - Returns: the connection, or `nil` when a non-blocking listener has none waiting (EAGAIN),
    ///   or the connection was aborted before we took it (ECONNABORTED, accept(2)).
    /// - Throws: ``SystemError``, for example EMFILE when the process is out of descriptors.
    ///
    /// The corresponding C function is `accept4(2)`.
    public func accept(nonBlocking: Bool = false) throws(SystemError) -> Socket? {
        let flags = Int32(SOCK_CLOEXEC.rawValue) | (nonBlocking ? Int32(SOCK_NONBLOCK.rawValue) : 0)
        do {
            let fd = try retryingOnInterrupt("accept4") { csystem_accept4(descriptor, flags) }
            return Socket(adopting: fd)
        } catch {
            if error.errno == EAGAIN || error.errno == ECONNABORTED { return nil }
            preconditionIsNotProgrammerError(error)
            throw error
        }
    }

    // MARK: Client side

    /// Connects to `address`, giving up after `timeout`.
    ///
    /// The connect is made non-blocking and waited for with `poll(2)`, so a host that
    /// never answers costs at most `timeout`; the socket is blocking again afterwards.
    /// - Throws: `SocketError.timedOut`, or ``SystemError`` (`connect: Connection refused (errno 111)`).
    ///
    /// The corresponding C function is `connect(2)`.
    public func connect(to address: SocketAddress, timeout: Duration?) throws {
        try setNonBlocking(true)
        let result = address.withSockAddr { Glibc.connect(descriptor, $0, $1) }
        if result == -1 {
            let code = errno
            // connect(2): a non-blocking connect goes on in the background after EINPROGRESS; after EINTR
            // it also goes on, and calling connect again would fail with EALREADY. Both wait for POLLOUT.
            guard code == EINPROGRESS || code == EINTR else { throw SystemError(call: "connect", errno: code) }
            let milliseconds = timeout.map { Poll.milliseconds($0) } ?? -1
            guard try Poll.wait(for: .writable, on: self, timeoutMilliseconds: milliseconds) else {
                throw SocketError.timedOut
            }
            // The outcome of the connect is in SO_ERROR once the socket is writable.
            var pending: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            _ = try retryingOnInterrupt("getsockopt(SO_ERROR)") {
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &pending, &size)
            }
            if pending != 0 { throw SystemError(call: "connect", errno: pending) }
        }
        try setNonBlocking(false)
    }

    // MARK: Transfer

    /// Sends as many bytes of `buffer` as the kernel takes now; that may be fewer than all of them.
    ///
    /// `MSG_NOSIGNAL` keeps a send to a closed peer from raising SIGPIPE (send(2)).
    /// - Returns: `.processed(n)`, or `.wouldBlock` when a non-blocking socket is full
    ///   (or a blocking one hit `SO_SNDTIMEO`).
    /// - Throws: `SocketError.peerClosed` on EPIPE or ECONNRESET, otherwise ``SystemError``.
    ///
    /// The corresponding C function is `send(2)`.
    public func send(_ buffer: UnsafeRawBufferPointer) throws -> IOResult {
        do {
            let count = try retryingOnInterrupt("send") {
                Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            }
            return .processed(count)
        } catch {
            return try Socket.classify(error)
        }
    }

    /// Sends every byte of `bytes` or throws: `send(2)` may take only part of a buffer, so this loops.
    ///
    /// For blocking sockets. If `SO_SNDTIMEO` expires with bytes left, throws `SocketError.timedOut`.
    public func sendAll(_ buffer: UnsafeRawBufferPointer) throws {
        var sent = 0
        while sent < buffer.count {
            switch try send(UnsafeRawBufferPointer(rebasing: buffer[sent...])) {
            case .processed(let count): sent += count
            case .wouldBlock: throw SocketError.timedOut
            }
        }
    }

    /// Sends every byte of `bytes` or throws; see ``sendAll(_:)-(UnsafeRawBufferPointer)``.
    public func sendAll(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try sendAll($0) }
    }

    /// Receives up to `buffer.count` bytes.
    ///
    /// - Returns: `.processed(n)` with `n > 0`; `.processed(0)` at end of file (the peer shut down
    ///   its write side: not an error); `.wouldBlock` when nothing is there yet.
    /// - Throws: `SocketError.peerClosed` on ECONNRESET, otherwise ``SystemError``.
    ///
    /// The corresponding C function is `recv(2)`.
    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> IOResult {
        do {
            let count = try retryingOnInterrupt("recv") { Glibc.recv(descriptor, buffer.baseAddress, buffer.count, 0) }
            return .processed(count)
        } catch {
            return try Socket.classify(error)
        }
    }

    /// Receives up to `maxCount` bytes from a blocking socket; an empty array means end of file.
    ///
    /// - Throws: `SocketError.timedOut` when `SO_RCVTIMEO` expires, `SocketError.peerClosed` on a reset.
    public func receive(upTo maxCount: Int) throws -> [UInt8] {
        var result: IOResult = .wouldBlock
        let bytes = try [UInt8](unsafeUninitializedCapacity: maxCount) { buffer, initialized in
            result = try receive(into: UnsafeMutableRawBufferPointer(buffer))
            if case .processed(let count) = result { initialized = count } else { initialized = 0 }
        }
        if result == .wouldBlock { throw SocketError.timedOut }
        return bytes
    }

    static func classify(_ error: SystemError) throws -> IOResult {
        switch error.errno {
        case EAGAIN: return .wouldBlock  // EWOULDBLOCK is the same value on Linux.
        case EPIPE, ECONNRESET: throw SocketError.peerClosed
        default:
            preconditionIsNotProgrammerError(error)
            throw error
        }
    }

    /// Ends one direction of the connection. `shutdown(.write)` sends FIN: the peer's `recv` returns 0
    /// while this side can still receive, which is how a client says "that was my whole request".
    ///
    /// The corresponding C function is `shutdown(2)`.
    public func shutdown(_ how: ShutdownHow) throws(SystemError) {
        do {
            _ = try retryingOnInterrupt("shutdown") { Glibc.shutdown(descriptor, how.rawValue) }
        } catch {
            // ENOTCONN: the peer already reset the connection; there is nothing left to shut down.
            if error.errno == ENOTCONN { return }
            throw error
        }
    }

    /// Closes the descriptor. Calling it again does nothing.
    ///
    /// Not retried on EINTR: Linux releases the descriptor even then (close(2), "Dealing with
    /// error returns from close()"), and a retry could close a descriptor another thread just opened.
    ///
    /// The corresponding C function is `close(2)`.
    public func close() {
        closeOnce(&descriptor)
    }
}
