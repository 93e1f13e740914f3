import HTTPCore
import Sockets
import Synchronization
import System

/// A static-file HTTP/1.0 server: one listening socket served by one event loop per worker thread.
///
/// Create it to bind and listen, then call ``run(stopOnSignals:)`` to serve until ``stop()`` or,
/// with `stopOnSignals`, SIGINT/SIGTERM. Each of ``ServerConfiguration/workers`` threads runs an
/// ``EventLoop`` over epoll(7): non-blocking sockets, `accept4`, `sendfile(2)` for file bodies,
/// deadlines for slow or idle clients, and a lingering close. Stopping stops accepting at once and
/// lets responses in flight finish for up to ``gracePeriodMilliseconds``.
public final class Server: Sendable {
    /// The configuration it was started with.
    public let configuration: ServerConfiguration
    /// The address it listens on; with port 0 this holds the port the kernel picked.
    public let localAddress: SocketAddress
    let handler: StaticFileHandler
    /// The access log file, kept for SIGHUP's reopen whether or not lines go to it (``ServerConfiguration/log``).
    let accessLog: AccessLog
    /// Warnings, errors and access lines: `access` is the embedder's closure, if any.
    let log: ServerLog
    /// Whether access lines go to ``accessLog`` (batched by each loop) rather than to `log.access`.
    let buffersAccessLog: Bool
    /// The listener, the stop flag and the connection slots every loop shares.
    let shared: SharedListener
    /// The certificate and key, when ``ServerConfiguration/tls`` is set.
    let tls: TLSCredentials?
    /// How long in-flight responses may take to finish after a stop.
    let gracePeriodMilliseconds: Int64 = 5000
    private let runningLoops = Atomic<Int>(0)

    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Checks the root, opens the access log, raises the descriptor limit, binds and listens.
    ///
    /// - Parameter inherited: a socket that is already listening, such as one from
    ///   ``SocketActivation/takeListeners()``; the server serves it instead of binding
    ///   `configuration.host` and `configuration.port`, and closes it when ``run(stopOnSignals:)`` returns.
    /// - Throws: ``StartError`` with a one-line reason such as
    ///   `cannot listen on 127.0.0.1:80: bind: Permission denied (errno 13)`.
    public init(configuration: ServerConfiguration, listener inherited: Socket? = nil) throws(StartError) {
        // sendfile(2) takes no MSG_NOSIGNAL: a client that resets mid-body would raise SIGPIPE and kill
        // the whole process, which for a server embedded in someone's tests is their test runner
        // (found by the ThreadSanitizer run, whose timing made it happen). Ignore it process-wide, as NIO does.
        Signals.ignoreBrokenPipe()
        self.configuration = configuration
        // A mistyped --user fails before anything is bound or opened.
        let account = try Self.lookUpAccount(configuration)
        var handler: StaticFileHandler
        do {
            handler = try StaticFileHandler(configuration: configuration)
        } catch {
            throw StartError(description: error.description)
        }
        if let warning = handler.errorPageWarning { configuration.log.warning(warning) }
        // The key is read now, as root if started so: after the drop it may be unreadable (as it should be).
        tls = try configuration.tls.map { settings throws(StartError) in try TLSCredentials(settings) }
        if let tls, tls.certificateHasExpired {
            configuration.log.warning(
                "--tls-cert '\(tls.settings.certificateChain)' has expired; clients will refuse it"
            )
        }
        do {
            accessLog = try AccessLog(destination: configuration.accessLog)
        } catch {
            throw StartError(description: "cannot open access log: \(error)")
        }
        log = configuration.log
        // Lines for the built-in log are batched per loop (AccessLogBuffer); a closure gets each line.
        buffersAccessLog = log.access == nil && configuration.accessLog != .none
        let notifier: EventNotifier
        do {
            notifier = try EventNotifier()
        } catch {
            throw StartError(description: "cannot start: \(error)")
        }
        // Each connection may hold two descriptors (the socket and the file it sends), plus a few for
        // the listener, the epoll sets, the log and the standard streams. Beyond the hard limit,
        // accept(2) fails with EMFILE, which the loops survive by pausing.
        _ = try? ResourceLimits.raiseOpenFileLimit(to: configuration.maxConnections * 2 + 64)
        let listener: Socket
        if let inherited {
            do {
                // Inherited sockets may be blocking (systemd.socket(5) leaves O_NONBLOCK off by default);
                // every loop needs EAGAIN rather than a block when another loop took the connection.
                try inherited.setNonBlocking(true)
                listener = inherited
                localAddress = try inherited.localAddress()
            } catch {
                throw StartError(description: "cannot use the inherited socket: \(error)")
            }
        } else {
            (listener, localAddress) = try Self.listen(configuration)
        }
        shared = SharedListener(listener: listener, notifier: notifier, maxConnections: configuration.maxConnections)
        if let account {
            if configuration.chroot { handler = try Self.changeRoot(handler, configuration: configuration) }
            try Self.dropPrivileges(to: account, root: configuration.chroot ? "/" : configuration.root)
        }
        // The loops leave slow work (listings, gzip cache misses) to the pool that run() starts.
        handler.defersSlowWork = true
        self.handler = handler
    }

    /// `--chroot`: makes the served folder the process's `/` (chroot(2), as root, before the drop), so
    /// no path the server opens can leave it, symbolic links included. Returns the handler for the new `/`.
    private static func changeRoot(
        _ handler: StaticFileHandler,
        configuration: ServerConfiguration
    ) throws(StartError) -> StaticFileHandler {
        do {
            try Privileges.changeRoot(to: handler.realRoot)
        } catch {
            throw StartError(description: error.description)
        }
        var moved = configuration
        moved.root = "/"
        do {
            return try StaticFileHandler(configuration: moved)
        } catch {
            throw StartError(description: "--chroot: \(error.description)")
        }
    }

    /// Binds and listens on `configuration.host` and `configuration.port`.
    private static func listen(_ configuration: ServerConfiguration) throws(StartError) -> (Socket, SocketAddress) {
        let where_ = "\(configuration.host):\(configuration.port)"
        do {
            let address = try SocketAddress.resolve(host: configuration.host, port: configuration.port, passive: true)[
                0
            ]
            let socket = try Socket(family: address.family)
            try socket.setReuseAddress(true)
            if address.family == .ipv6 { try socket.setIPv6Only(true) }
            try socket.bind(to: address)
            try socket.listen(backlog: configuration.backlog)
            // A client's request usually follows its handshake by a round trip; deferred, the connection reaches
            // us with it, and accept + recv + answer + close is the whole exchange: no EAGAIN, no epoll_ctl,
            // no second wake-up (tcp(7) TCP_DEFER_ACCEPT; Apache's default AcceptFilter, nginx's `deferred`).
            if configuration.deferAccept > 0 { try socket.setDeferAccept(seconds: configuration.deferAccept) }
            // Non-blocking: a connection another loop took first (or the client aborted) makes
            // accept return EAGAIN instead of blocking this loop (accept(2), epoll(7) "Q&A").
            try socket.setNonBlocking(true)
            return (socket, try socket.localAddress())
        } catch {
            throw StartError(description: "cannot listen on \(where_): \(error)")
        }
    }

    /// The account of `--user`/`--group`, looked up while still root; `nil` when none is asked for.
    private static func lookUpAccount(_ configuration: ServerConfiguration) throws(StartError) -> Privileges.Account? {
        guard let user = configuration.user else {
            if configuration.group != nil { throw StartError(description: "--group needs --user") }
            // Root inside a chroot can leave it (chroot(2) NOTES): the drop is what makes it a wall.
            if configuration.chroot { throw StartError(description: "--chroot needs --user") }
            return nil
        }
        guard Privileges.isRoot else {
            throw StartError(description: "--user needs root: only root can switch to another user")
        }
        do {
            return try Privileges.lookUp(user: user, group: configuration.group)
        } catch {
            throw StartError(description: error.description)
        }
    }

    /// Gives up root after the port is bound and the log is open, then checks that the folder to serve is
    /// still readable: a root-only folder would otherwise answer 403 to everything, silently.
    private static func dropPrivileges(to account: Privileges.Account, root: String) throws(StartError) {
        do {
            try Privileges.drop(to: account)
        } catch {
            throw StartError(description: error.description)
        }
        guard FileSystem.isReadable(FilePath(root)) else {
            throw StartError(description: "--root '\(root)' is not readable by \(account.user) after dropping root")
        }
    }

    /// `http://127.0.0.1:PORT/` (`https://` with TLS), with IPv6 hosts in brackets.
    public var url: String { "\(tls == nil ? "http" : "https")://\(localAddress)/" }

    /// Serves connections until ``stop()`` is called or, if `stopOnSignals`, SIGINT or SIGTERM arrives;
    /// then finishes the responses in flight (up to a grace period) and returns.
    ///
    /// The calling thread runs the first event loop; `workers - 1` more threads run the others.
    /// - Throws: ``SystemError`` when an epoll set or a thread cannot be created.
    public func run(stopOnSignals: Bool = false) throws {
        defer { shared.closeListener() }
        let count = max(1, configuration.workers)
        var loops: [EventLoop] = []
        // One background thread per processor the process may use: compression is CPU work.
        let pool = try BackgroundPool(threads: Threads.processorCount)
        defer { pool.stop() }
        do {
            let context = EventLoop.Context(
                configuration: configuration,
                handler: handler,
                log: log,
                accessLog: accessLog,
                buffersAccessLog: buffersAccessLog,
                tls: tls,
                gracePeriodMilliseconds: gracePeriodMilliseconds,
                pool: pool
            )
            for _ in 0..<count {
                loops.append(try EventLoop(context: context, shared: shared, stopOnSignals: stopOnSignals))
            }
            for loop in loops.dropFirst() {
                runningLoops.add(1, ordering: .sequentiallyConsistent)
                let server = self
                do {
                    try Threads.detach {
                        loop.run()
                        server.runningLoops.subtract(1, ordering: .sequentiallyConsistent)
                    }
                } catch {
                    runningLoops.subtract(1, ordering: .sequentiallyConsistent)
                    throw error
                }
            }
        } catch {
            stop()
            waitForLoops()
            throw error
        }
        loops[0].run()
        waitForLoops()
    }

    /// Waits (bounded) until every detached loop has returned; the listener may be closed after that.
    private func waitForLoops() {
        let deadline = MonotonicClock.milliseconds() + gracePeriodMilliseconds + 2000
        while runningLoops.load(ordering: .sequentiallyConsistent) > 0 && MonotonicClock.milliseconds() < deadline {
            Threads.sleep(.milliseconds(2))
        }
    }

    /// Asks ``run(stopOnSignals:)`` to stop accepting, finish what is in flight and return.
    public func stop() { shared.stop() }
}
