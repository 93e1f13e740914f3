import HTTPCore
import Sockets
import System
import TLS

/// One worker's event loop: an epoll set holding the shared listening socket and the
/// connections this loop accepted, served by one thread from accept to close.
///
/// Every loop registers the same listener with `EPOLLEXCLUSIVE`, so a new connection wakes
/// one loop rather than all of them (epoll_ctl(2)); whichever loop accepts it keeps it.
/// Nothing in here blocks: every socket is non-blocking and EAGAIN is a value (`.wouldBlock`).
///
/// The loop keeps epoll, accept and the deadline sweep; each ``Connection`` decides its own steps and
/// answers with an action (wait for readable or writable, or close) that the loop carries out.
final class EventLoop: @unchecked Sendable {  // Handed to its thread once, then used only there.
    /// What a loop needs of its server: the settings, the handler and where messages go.
    struct Context: Sendable {
        let configuration: ServerConfiguration
        let handler: StaticFileHandler
        /// Resolved: `access` is `nil` only when no access line is wanted.
        let log: ServerLog
        /// Reopened on SIGHUP.
        let accessLog: AccessLog
        /// Whether access lines go to ``accessLog`` through the loop's ``AccessLogBuffer`` (else to `log.access`).
        let buffersAccessLog: Bool
        /// The certificate and key when the server speaks https; reloaded on SIGHUP.
        let tls: TLSCredentials?
        /// How long in-flight responses may take to finish after a stop.
        let gracePeriodMilliseconds: Int64
        /// The server's threads for slow work (listings, gzip cache misses).
        let pool: BackgroundPool
    }

    private static let listenerToken = UInt64.max
    private static let notifierToken = UInt64.max - 1
    private static let mailboxToken = UInt64.max - 2
    /// How often deadlines are checked while connections are open.
    static let sweepMilliseconds: Int64 = 250
    /// How long to wait before accepting again after EMFILE/ENFILE.
    static let acceptBackoffMilliseconds: Int64 = 100
    /// How many closed connections a loop keeps for reuse: enough for a burst of short ones; more open at once
    /// are made as needed and let go when they close, so a past peak pins no memory.
    static let spareLimit = 32

    private let context: Context
    private let shared: SharedListener
    private let connectionContext: Connection.Context
    private let epoll: Epoll
    /// Where the pool's work tells this loop which connections to look at again.
    private let mailbox: LoopMailbox
    private let stopOnSignals: Bool
    /// Connections by the token they are registered with in the epoll set. This and ``spare`` are the loop
    /// thread's alone, and no access to them overlaps another: checked statically only (as in ``Connection/Context``).
    @exclusivity(unchecked) private var connections = TokenTable<Connection>()
    /// Closed connections kept for the next accepts (at most ``spareLimit``): an accepted socket then costs no
    /// object, no deinit and none of the retains and releases around them. Each one was reset by its close.
    @exclusivity(unchecked) private var spare: [Connection] = []
    private var live = 0
    private var events = [Epoll.Event](repeating: Epoll.Event(), count: 256)
    private var listening = false
    private var resumeAt: Int64 = 0
    private var draining = false
    private var drainDeadline: Int64 = 0
    private var now: Int64
    private var nextSweep: Int64 = 0
    private var seenHangups = 0
    /// This loop's access-log lines waiting for their batch write; `nil` when they go to `log.access` or nowhere.
    private let accessBuffer: AccessLogBuffer?

    init(context: Context, shared: SharedListener, stopOnSignals: Bool) throws(SystemError) {
        self.context = context
        self.shared = shared
        let accessBuffer = context.buffersAccessLog ? AccessLogBuffer(log: context.accessLog) : nil
        self.accessBuffer = accessBuffer
        let mailbox = try LoopMailbox()
        self.mailbox = mailbox
        self.connectionContext = Connection.Context(
            handler: context.handler,
            configuration: context.configuration,
            log: context.log,
            accessBuffer: accessBuffer,
            tls: context.tls,
            pool: context.pool,
            mailbox: mailbox
        )
        self.epoll = try Epoll()
        self.stopOnSignals = stopOnSignals
        self.now = MonotonicClock.milliseconds()
        try epoll.add(shared.notifier, token: Self.notifierToken)
        try epoll.add(mailbox.notifier, token: Self.mailboxToken)
        resumeListening()
    }

    /// Serves until the server stops and the connections in flight are done (or the grace period ends).
    func run() {
        while true {
            if !draining && (shared.isStopping || (stopOnSignals && Signals.stopRequested)) { beginDraining() }
            if draining && (live == 0 || now >= drainDeadline) { break }
            if stopOnSignals { reopenLogAfterHangup() }
            let count: Int
            do {
                count = try epoll.wait(into: &events, timeoutMilliseconds: waitTimeout())
            } catch {
                context.log.error("\(error)")
                shared.stop()
                break
            }
            now = MonotonicClock.milliseconds()
            for index in 0..<count { dispatch(events[index]) }
            if live > 0 && now >= nextSweep {
                sweep()
                nextSweep = now + Self.sweepMilliseconds
            }
            if !listening && !draining && now >= resumeAt && shared.hasRoomForConnection { resumeListening() }
            accessBuffer?.tick(now: now)
        }
        for connection in connections { if let connection { close(connection) } }
        // On exit every line waiting is written, those of the responses just cut short included.
        accessBuffer?.flush()
        // The mailbox's eventfd closes when the last job or flight that may post to it lets it go.
        epoll.close()
    }

    /// SIGHUP (logrotate's "postrotate", a renewed certificate): reopen the access log by name and reload
    /// the certificate and key. The signal interrupts one loop's epoll_wait with EINTR, so that loop sees
    /// the new count at once; the others on their next wake-up. Connections already open keep their pair.
    private func reopenLogAfterHangup() {
        let hangups = Signals.hangupCount
        guard hangups != seenHangups else { return }
        seenHangups = hangups
        // Lines logged before the SIGHUP go out first: to the old file when this loop is the one to reopen.
        accessBuffer?.flush()
        do {
            try context.accessLog.reopen(generation: hangups)
        } catch {
            context.log.warning("cannot reopen the access log: \(error)")
        }
        do {
            try context.tls?.reload(generation: hangups)
        } catch {
            context.log.warning("cannot reload the TLS certificate, keeping the old one: \(error)")
        }
    }

    private func waitTimeout() -> Int32 {
        if draining { return 50 }
        var timeout: Int64 = live > 0 ? max(0, nextSweep - now) : 1000
        if !listening { timeout = min(timeout, Self.acceptBackoffMilliseconds) }
        // Waiting lines are written within a second even when nothing else happens (tick marks them first).
        if let buffer = accessBuffer, buffer.hasLines {
            timeout = min(timeout, buffer.flushDeadline.map { max(0, $0 - now) } ?? 0)
        }
        return Int32(timeout)
    }

    private func dispatch(_ event: Epoll.Event) {
        switch event.token {
        case Self.listenerToken: acceptConnections()
        case Self.notifierToken: break  // Only wakes the loop; the top of `run` looks at the flags.
        case Self.mailboxToken:
            for token in mailbox.take() {
                guard let connection = connections[token], let action = connection.onWake(now: now) else { continue }
                apply(action, to: connection)
            }
        default:
            // A stale event for a connection closed earlier in this batch matches no token any more.
            guard let connection = connections[event.token] else { return }
            let action =
                event.events.contains(.writable) ? connection.onWritable(now: now) : connection.onReadable(now: now)
            apply(action, to: connection)
        }
    }

    // MARK: Accepting

    private func acceptConnections() {
        // After stop the listener is shut down and "readable" with an error; draining starts at the loop's top.
        guard !shared.isStopping else { return }
        // A bounded batch, so one loop cannot starve its own connections under a connection storm.
        for _ in 0..<64 {
            guard shared.reserveConnectionSlot() else {
                pauseListening(until: now)  // At --max-connections: resume when a slot frees.
                return
            }
            // Accepted into a spare connection's socket: a closed one (its close reset the rest), or a new one.
            let connection = spare.popLast() ?? Connection(context: connectionContext)
            let accepted: Bool
            do {
                accepted = try shared.listener.acceptNonBlocking(into: connection.socket, peer: &connection.peer)
            } catch {
                keep(connection)
                shared.releaseConnectionSlot()
                // A stop from another thread between the check above and the accept shuts the listener down,
                // and accept(2) on a socket no longer listening fails with EINVAL: that is the stop, not an error.
                if shared.isStopping { return }
                // EMFILE/ENFILE leave the connection queued, so a level-triggered listener would be ready
                // again at once (accept(2)): step out of the epoll set and retry after a pause instead of spinning.
                shared.warnOnce("\(error); not accepting for \(Self.acceptBackoffMilliseconds) ms", to: context.log)
                pauseListening(until: now + Self.acceptBackoffMilliseconds)
                return
            }
            guard accepted else {
                keep(connection)
                shared.releaseConnectionSlot()
                return
            }
            let socket = connection.socket
            if let size = context.configuration.sendBufferSize { try? socket.setSendBufferSize(size) }
            var channel: TLSChannel?
            if let credentials = context.tls {
                do {
                    channel = try TLSChannel(context: credentials.context)
                } catch {
                    shared.warnOnce("\(error)", to: context.log)  // Out of memory, in practice.
                    socket.close()
                    keep(connection)
                    shared.releaseConnectionSlot()
                    continue
                }
            }
            _ = connections.insert { token in
                connection.open(token: token, now: now, tls: channel)
                return connection
            }
            live += 1
            connectionContext.liveConnections = live
            // Try the request at once: with the listener's TCP_DEFER_ACCEPT it arrived with the connection
            // (at full speed without it, 97 % of connections are accepted a moment before their request), and
            // then the whole exchange finishes without the socket ever entering the epoll set.
            apply(connection.onReadable(now: now), to: connection)
        }
    }

    private func pauseListening(until time: Int64) {
        resumeAt = time
        guard listening else { return }
        listening = false
        try? epoll.remove(shared.listener)
    }

    private func resumeListening() {
        guard !listening else { return }
        do {
            try epoll.add(shared.listener, events: [.readable, .exclusive], token: Self.listenerToken)
            listening = true
        } catch {
            shared.warnOnce("\(error)", to: context.log)
            resumeAt = now + Self.acceptBackoffMilliseconds
        }
    }

    // MARK: Carrying out actions

    /// Registers or re-registers the connection for what it waits for next, or closes it.
    private func apply(_ action: Connection.Action, to connection: Connection) {
        let wanted: Epoll.Events
        switch action {
        case .close:
            close(connection)
            return
        case .park:
            // Out of the epoll set until the mailbox wakes it: a level-triggered error or hang-up on a socket
            // nobody reads would otherwise be reported on every wait.
            if connection.registered != nil {
                try? epoll.remove(connection.socket)
                connection.registered = nil
            }
            return
        case .wait(let events):
            wanted = events
        }
        guard connection.registered != wanted else { return }
        do {
            if connection.registered == nil {
                try epoll.add(connection.socket, events: wanted, token: connection.token)
            } else {
                try epoll.modify(connection.socket, events: wanted, token: connection.token)
            }
            connection.registered = wanted
        } catch {
            shared.warnOnce("\(error)", to: context.log)
            close(connection)
        }
    }

    /// Applies every deadline that has passed.
    private func sweep() {
        for case let connection? in connections where connection.deadline <= now {
            apply(connection.onDeadline(now: now), to: connection)
        }
    }

    // MARK: Shutdown and bookkeeping

    private func beginDraining() {
        draining = true
        drainDeadline = now + context.gracePeriodMilliseconds
        pauseListening(until: .max)
        try? epoll.remove(shared.notifier)
        shared.stop()  // Wakes the other loops when a signal reached only this one.
        // Idle connections have no response in flight: close them now.
        for case let connection? in connections where connection.isIdle {
            close(connection)
        }
    }

    private func close(_ connection: Connection) {
        connection.close()
        connections.remove(connection, token: connection.token)
        live -= 1
        connectionContext.liveConnections = live
        shared.releaseConnectionSlot()
        keep(connection)
    }

    /// Keeps a closed connection for a next accept, unless ``spareLimit`` are kept already.
    private func keep(_ connection: Connection) {
        if spare.count < Self.spareLimit { spare.append(connection) }
    }
}
