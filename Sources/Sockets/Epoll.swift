import CSystem
import System

#if canImport(Glibc)
import Glibc
#endif

/// An `epoll(7)` instance: the readiness set of one event loop. It owns its descriptor.
///
/// Registrations carry a 64-bit token that comes back with each ready event, so the loop
/// finds its connection without a lookup by pointer. Level-triggered throughout: a socket
/// stays ready until it is drained, so a loop that stops early (for fairness) is woken again.
public final class Epoll: @unchecked Sendable {
    private var descriptor: Int32

    /// The conditions a registration waits for, and that an event reports.
    public struct Events: OptionSet, Sendable {
        public let rawValue: UInt32
        /// Creates a set from the `EPOLL*` bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }

        /// Data to read, a pending connection, or end of file.
        public static let readable = Events(rawValue: CSYSTEM_EPOLLIN)
        /// Room in the send buffer.
        public static let writable = Events(rawValue: CSYSTEM_EPOLLOUT)
        /// An error is pending (always reported, never needs asking for).
        public static let error = Events(rawValue: CSYSTEM_EPOLLERR)
        /// Both directions are shut down, for example after a reset (always reported).
        public static let hangUp = Events(rawValue: CSYSTEM_EPOLLHUP)
        /// Wake only one of the loops that share this descriptor (epoll_ctl(2), `EPOLLEXCLUSIVE`, Linux 4.5).
        /// Only valid with `add`: the kernel refuses to modify an exclusive registration.
        public static let exclusive = Events(rawValue: CSYSTEM_EPOLLEXCLUSIVE)
    }

    /// One ready descriptor: what happened, and the token it was registered with.
    public struct Event: Sendable {
        /// What the descriptor is ready for (errors and hang-ups included).
        public var events: Events
        /// The token it was registered with.
        public var token: UInt64
        /// Creates an event; `wait(into:timeoutMilliseconds:)` fills a buffer of them.
        public init(events: Events = [], token: UInt64 = 0) {
            self.events = events
            self.token = token
        }
    }

    /// Creates an epoll instance, close-on-exec.
    ///
    /// The corresponding C function is `epoll_create1(2)`.
    public init() throws(SystemError) {
        descriptor = try retryingOnInterrupt("epoll_create1") { csystem_epoll_create() }
    }

    deinit {
        close()
    }

    /// Starts watching `socket` for `events`.
    ///
    /// The corresponding C function is `epoll_ctl(2)` with `EPOLL_CTL_ADD`.
    public func add(_ socket: Socket, events: Events, token: UInt64) throws(SystemError) {
        try socket.withUnsafeHandle { fd throws(SystemError) in try control(CSYSTEM_EPOLL_CTL_ADD, fd, events, token) }
    }

    /// Changes what `socket` is watched for.
    ///
    /// The corresponding C function is `epoll_ctl(2)` with `EPOLL_CTL_MOD`.
    public func modify(_ socket: Socket, events: Events, token: UInt64) throws(SystemError) {
        try socket.withUnsafeHandle { fd throws(SystemError) in try control(CSYSTEM_EPOLL_CTL_MOD, fd, events, token) }
    }

    /// Stops watching `socket`. Closing a descriptor removes it too (epoll(7), Q6), so closed
    /// connections need no call; the shared listener, which stays open, does.
    ///
    /// The corresponding C function is `epoll_ctl(2)` with `EPOLL_CTL_DEL`.
    public func remove(_ socket: Socket) throws(SystemError) {
        try socket.withUnsafeHandle { fd throws(SystemError) in try control(CSYSTEM_EPOLL_CTL_DEL, fd, [], 0) }
    }

    /// Starts watching `notifier`; it becomes readable once ``EventNotifier/notify()`` was called.
    public func add(_ notifier: EventNotifier, token: UInt64) throws(SystemError) {
        try notifier.withUnsafeHandle { fd throws(SystemError) in
            try control(CSYSTEM_EPOLL_CTL_ADD, fd, .readable, token)
        }
    }

    /// Stops watching `notifier`.
    public func remove(_ notifier: EventNotifier) throws(SystemError) {
        try notifier.withUnsafeHandle { fd throws(SystemError) in try control(CSYSTEM_EPOLL_CTL_DEL, fd, [], 0) }
    }

    private func control(_ operation: Int32, _ fd: Int32, _ events: Events, _ token: UInt64) throws(SystemError) {
        do {
            _ = try retryingOnInterrupt("epoll_ctl") {
                csystem_epoll_ctl(descriptor, operation, fd, events.rawValue, token)
            }
        } catch {
            preconditionIsNotProgrammerError(error)
            throw error
        }
    }

    /// Waits up to `timeoutMilliseconds` (-1: forever) for ready descriptors and stores them in `events`.
    ///
    /// - Returns: how many entries of `events` were filled; 0 on timeout, and also when a signal
    ///   interrupted the wait (EINTR), so the caller looks at its stop flags and deadlines again.
    ///
    /// The corresponding C function is `epoll_wait(2)`.
    public func wait(into events: inout [Event], timeoutMilliseconds: Int32) throws(SystemError) -> Int {
        precondition(!events.isEmpty, "epoll_wait needs room for at least one event")
        let count = events.withUnsafeMutableBufferPointer { buffer in
            buffer.withMemoryRebound(to: csystem_epoll_event.self) { raw in
                csystem_epoll_wait(descriptor, raw.baseAddress, Int32(min(raw.count, 512)), timeoutMilliseconds)
            }
        }
        if count >= 0 { return Int(count) }
        let code = errno
        if code == EINTR { return 0 }
        let error = SystemError(call: "epoll_wait", errno: code)
        preconditionIsNotProgrammerError(error)
        throw error
    }

    /// Closes the epoll descriptor; calling it again does nothing. Never retried (see ``Socket/close()``).
    public func close() {
        closeOnce(&descriptor)
    }
}
