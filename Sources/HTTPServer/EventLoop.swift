import HTTPCore
import Sockets
import System

/// One worker's event loop: an epoll set holding the shared listening socket and the
/// connections this loop accepted, served by one thread from accept to close.
///
/// Every loop registers the same listener with `EPOLLEXCLUSIVE`, so a new connection wakes
/// one loop rather than all of them (epoll_ctl(2)); whichever loop accepts it keeps it.
/// Nothing in here blocks: every socket is non-blocking and EAGAIN is a value (`.wouldBlock`).
final class EventLoop: @unchecked Sendable {  // Handed to its thread once, then used only there.
    private static let listenerToken = UInt64.max
    private static let notifierToken = UInt64.max - 1
    /// How long a lingering close waits for the client's EOF.
    static let lingerMilliseconds: Int64 = 2000
    /// How often deadlines are checked while connections are open.
    static let sweepMilliseconds: Int64 = 250
    /// How long to wait before accepting again after EMFILE/ENFILE.
    static let acceptBackoffMilliseconds: Int64 = 100

    private let server: Server
    /// Basic authentication, when on: checked after the head parses, before the handler.
    private let auth: BasicAuth?
    private let epoll: Epoll
    private let stopOnSignals: Bool
    private let timeoutMilliseconds: Int64
    private let parser: HTTPParserLimits
    private let logging: Bool
    /// Connections by the token they are registered with in the epoll set.
    private var connections = TokenTable<Connection>()
    private var live = 0
    private var events = [Epoll.Event](repeating: Epoll.Event(), count: 256)
    /// One receive buffer for the whole loop: most heads are parsed straight out of it.
    private var scratch = [UInt8](repeating: 0, count: 16384)
    private var listening = false
    private var resumeAt: Int64 = 0
    private var draining = false
    private var drainDeadline: Int64 = 0
    private var now: Int64
    private var nextSweep: Int64 = 0
    private var seenHangups = 0

    init(server: Server, stopOnSignals: Bool) throws(SystemError) {
        self.server = server
        self.epoll = try Epoll()
        self.stopOnSignals = stopOnSignals
        let (seconds, attoseconds) = server.configuration.timeout.components
        self.timeoutMilliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        self.parser = server.configuration.limits
        self.logging = server.configuration.accessLog != .none
        self.auth = server.configuration.auth
        self.now = MonotonicClock.milliseconds()
        try epoll.add(server.notifier, token: Self.notifierToken)
        resumeListening()
    }

    /// Serves until the server stops and the connections in flight are done (or the grace period ends).
    func run() {
        while true {
            if !draining && (server.isStopping || (stopOnSignals && Signals.stopRequested)) { beginDraining() }
            if draining && (live == 0 || now >= drainDeadline) { break }
            if stopOnSignals { reopenLogAfterHangup() }
            let count: Int
            do {
                count = try epoll.wait(into: &events, timeoutMilliseconds: waitTimeout())
            } catch {
                OutputFile.standardError.write("http-serve: error: \(error)\n")
                server.stop()
                break
            }
            now = MonotonicClock.milliseconds()
            for index in 0..<count { dispatch(events[index]) }
            if live > 0 && now >= nextSweep {
                sweep()
                nextSweep = now + Self.sweepMilliseconds
            }
            if !listening && !draining && now >= resumeAt && server.hasRoomForConnection { resumeListening() }
        }
        for connection in connections { if let connection { close(connection) } }
        epoll.close()
    }

    /// SIGHUP (logrotate's "postrotate"): reopen the access log by name. The signal interrupts one loop's
    /// epoll_wait with EINTR, so that loop sees the new count at once; the others on their next wake-up.
    private func reopenLogAfterHangup() {
        let hangups = Signals.hangupCount
        guard hangups != seenHangups else { return }
        seenHangups = hangups
        do {
            try server.accessLog.reopen(generation: hangups)
        } catch {
            OutputFile.standardError.write("http-serve: warning: cannot reopen the access log: \(error)\n")
        }
    }

    private func waitTimeout() -> Int32 {
        if draining { return 50 }
        var timeout: Int64 = live > 0 ? max(0, nextSweep - now) : 1000
        if !listening { timeout = min(timeout, Self.acceptBackoffMilliseconds) }
        return Int32(timeout)
    }

    private func dispatch(_ event: Epoll.Event) {
        switch event.token {
        case Self.listenerToken: acceptConnections()
        case Self.notifierToken: break  // Only wakes the loop; the top of `run` looks at the flags.
        default:
            // A stale event for a connection closed earlier in this batch matches no token any more.
            guard let connection = connections[event.token] else { return }
            apply(advance(connection), to: connection)
        }
    }

    // MARK: Accepting

    private func acceptConnections() {
        // After stop the listener is shut down and "readable" with an error; draining starts at the loop's top.
        guard !server.isStopping else { return }
        // A bounded batch, so one loop cannot starve its own connections under a connection storm.
        for _ in 0..<64 {
            guard server.reserveConnectionSlot() else {
                pauseListening(until: now)  // At --max-connections: resume when a slot frees.
                return
            }
            let accepted: (Socket, SocketAddress)?
            do {
                accepted = try server.listener.acceptNonBlocking()
            } catch {
                server.releaseConnectionSlot()
                // EMFILE/ENFILE leave the connection queued, so a level-triggered listener would be ready
                // again at once (accept(2)): step out of the epoll set and retry after a pause instead of spinning.
                server.warnOnce("\(error); not accepting for \(Self.acceptBackoffMilliseconds) ms")
                pauseListening(until: now + Self.acceptBackoffMilliseconds)
                return
            }
            guard let (socket, peer) = accepted else {
                server.releaseConnectionSlot()
                return
            }
            if let size = server.configuration.sendBufferSize { try? socket.setSendBufferSize(size) }
            let deadline = now + timeoutMilliseconds
            let connection = connections.insert {
                Connection(socket: socket, peer: peer, token: $0, deadline: deadline)
            }
            live += 1
            // Try the request at once: on a busy server it often arrived with the connection, and then
            // the whole exchange can finish without the socket ever entering the epoll set.
            apply(readHead(connection), to: connection)
        }
    }

    private func pauseListening(until time: Int64) {
        resumeAt = time
        guard listening else { return }
        listening = false
        try? epoll.remove(server.listener)
    }

    private func resumeListening() {
        guard !listening else { return }
        do {
            try epoll.add(server.listener, events: [.readable, .exclusive], token: Self.listenerToken)
            listening = true
        } catch {
            server.warnOnce("\(error)")
            resumeAt = now + Self.acceptBackoffMilliseconds
        }
    }

    // MARK: Connection steps

    private func advance(_ connection: Connection) -> Connection.Next {
        switch connection.state {
        case .readingHead: return readHead(connection)
        case .sending: return send(connection)
        case .lingering: return drain(connection)
        }
    }

    /// Registers or re-registers the connection for what it waits for next, or closes it.
    private func apply(_ next: Connection.Next, to connection: Connection) {
        let wanted: Epoll.Events
        switch next {
        case .close:
            close(connection)
            return
        case .read: wanted = .readable
        case .write: wanted = .writable
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
            server.warnOnce("\(error)")
            close(connection)
        }
    }

    private func readHead(_ connection: Connection) -> Connection.Next {
        let limits = parser
        for _ in 0..<8 {
            let result: IOResult
            do {
                result = try scratch.withUnsafeMutableBytes { try connection.socket.receive(into: $0) }
            } catch {
                return .close  // A reset before any request: nothing to answer, nothing to log.
            }
            switch result {
            case .wouldBlock:
                return .read
            case .processed(0):
                // EOF. A client that sent nothing just goes; half a head can never complete.
                if connection.received.isEmpty { return .close }
                return start(
                    connection,
                    server.handler.respond(
                        to: HTTPParseError(.badRequest, "incomplete request head"),
                        now: WallClock.secondsSinceEpoch()
                    )
                )
            case .processed(let count):
                let newLine = scratch[..<count].contains(UInt8(ascii: "\n"))
                connection.received.append(contentsOf: scratch[..<count])
                // A head can only complete, or fail, at a line end; or once it outgrows every limit.
                // Parsing only then keeps a client that trickles bytes from costing quadratic time.
                let ceiling = limits.maxRequestLineLength + limits.maxHeaderBytes + 4
                guard newLine || connection.received.count > ceiling else { continue }
                do {
                    let parsed = try HTTPRequestParser(limits: limits).parse(connection.received)
                    guard let (request, headLength) = parsed else { continue }
                    connection.request = request
                    connection.mayHaveUnreadInput =
                        connection.received.count > headLength
                        || request.headers["Transfer-Encoding"] != nil
                        || (request.headers["Content-Length"].map { $0 != "0" } ?? false)
                    if let auth {
                        switch auth.decide(authorization: request.headers["Authorization"]) {
                        case .allowed(let user):
                            connection.user = user
                        case .denied:
                            let plan = server.handler.unauthorized(
                                request,
                                challenge: auth.challenge,
                                now: WallClock.secondsSinceEpoch()
                            )
                            return start(connection, plan)
                        }
                    }
                    return start(connection, server.handler.respond(to: request, now: WallClock.secondsSinceEpoch()))
                } catch {
                    return start(connection, server.handler.respond(to: error, now: WallClock.secondsSinceEpoch()))
                }
            }
        }
        return .read
    }

    private func start(_ connection: Connection, _ plan: ResponsePlan) -> Connection.Next {
        connection.load(plan)
        connection.deadline = now + timeoutMilliseconds
        // Corked, the tail of a file body waits in our send queue until the close (tcp(7) TCP_CORK), so a
        // reset after a failed identity check (send) still keeps a fast client from reading a whole body.
        if connection.file != nil { try? connection.socket.setCork(true) }
        return send(connection)
    }

    /// Sends what the socket takes now: head and in-memory body in one gathered send, then the file
    /// with sendfile(2). A bounded number of calls per wake-up keeps one fast reader from starving others.
    private func send(_ connection: Connection) -> Connection.Next {
        do {
            for _ in 0..<16 {
                if connection.hasBytesToSend {
                    let result = try connection.head.withUnsafeBytes { head in
                        try connection.body.withUnsafeBytes { body in
                            try connection.socket.send(
                                UnsafeRawBufferPointer(rebasing: head[connection.headSent...]),
                                UnsafeRawBufferPointer(rebasing: body[connection.bodyOffset...]),
                                more: connection.file != nil
                            )
                        }
                    }
                    guard case .processed(let count) = result else { return .write }
                    connection.advance(sent: count)
                } else if let file = connection.file, connection.fileOffset < connection.fileEnd {
                    // sendfile(2) reads the file as it is now: a rewrite since the last call would splice
                    // another version's bytes into this body at the promised length. Stop at once.
                    if connection.fileOffset > connection.fileStart && connection.fileChanged() {
                        return resetForChangedFile(connection)
                    }
                    let want = Int(min(connection.fileEnd - connection.fileOffset, 1 << 30))
                    let result = try connection.socket.sendFile(file, offset: connection.fileOffset, count: want)
                    guard case .processed(let count) = result else { return .write }
                    if count == 0 {
                        // The file shrank since it was opened: stop here; the identity check below resets
                        // the connection, and even a FIN would leave the body short of its Content-Length.
                        connection.fileEnd = connection.fileOffset
                        continue
                    }
                    connection.fileOffset += Int64(count)
                    connection.bodySent += Int64(count)
                } else {
                    // The whole body is queued, its corked tail not yet on the wire: one last fstat(2) tells
                    // whether every byte came from the version the head promised.
                    if connection.file != nil && connection.fileChanged() {
                        return resetForChangedFile(connection)
                    }
                    return finish(connection)
                }
                connection.deadline = now + timeoutMilliseconds
            }
            return .write
        } catch {
            // EPIPE/ECONNRESET: the client is gone. The log line shows how much of the body it got.
            record(connection)
            return .close
        }
    }

    /// The file changed under a response: a clean close would let the client take a mix of two versions
    /// for the file, so close with a reset instead (`SO_LINGER` 0: RST, unsent bytes dropped; socket(7)).
    /// The client sees an error, never a complete-looking body; the access log shows the bytes that went out.
    private func resetForChangedFile(_ connection: Connection) -> Connection.Next {
        let target = AccessLog.escape(connection.request?.target ?? "?")
        OutputFile.standardError.write(
            "http-serve: warning: \(target) changed while being sent to \(connection.peer.host); connection reset\n"
        )
        try? connection.socket.setResetOnClose()
        record(connection)
        return .close
    }

    /// The response is out: log it, then close, lingering if the client may still be sending.
    private func finish(_ connection: Connection) -> Connection.Next {
        record(connection)
        connection.releaseResponse()
        guard connection.mayHaveUnreadInput else { return .close }
        // Lingering close: FIN first, then read and discard until the client's EOF, so unread input
        // never makes close(2) send a reset that destroys the response in flight (RFC 9112 §9.6).
        try? connection.socket.shutdown(.write)
        connection.state = .lingering
        connection.deadline = now + Self.lingerMilliseconds
        return drain(connection)
    }

    private func drain(_ connection: Connection) -> Connection.Next {
        for _ in 0..<16 {
            let result = try? scratch.withUnsafeMutableBytes { try connection.socket.receive(into: $0) }
            switch result {
            case .wouldBlock: return .read
            case .processed(let count) where count > 0: continue
            default: return .close  // EOF or reset: nothing left to protect.
            }
        }
        return .read
    }

    /// Applies every deadline that has passed.
    private func sweep() {
        for case let connection? in connections where connection.deadline <= now {
            switch connection.state {
            case .readingHead:
                // Nothing at all: close silently. Part of a head: 408 (RFC 9110 §15.5.9), then close.
                if connection.received.isEmpty {
                    close(connection)
                } else {
                    connection.mayHaveUnreadInput = true
                    let plan = server.handler.respond(
                        to: HTTPParseError(.requestTimeout, "request head not received in time"),
                        now: WallClock.secondsSinceEpoch()
                    )
                    apply(start(connection, plan), to: connection)
                }
            case .sending:
                // The client stopped reading for a whole timeout: give up on it.
                record(connection)
                close(connection)
            case .lingering:
                close(connection)
            }
        }
    }

    // MARK: Shutdown and bookkeeping

    private func beginDraining() {
        draining = true
        drainDeadline = now + server.gracePeriodMilliseconds
        pauseListening(until: .max)
        try? epoll.remove(server.notifier)
        server.stop()  // Wakes the other loops when a signal reached only this one.
        // Idle connections have no response in flight: close them now.
        for case let connection? in connections where connection.state == .readingHead && connection.received.isEmpty {
            close(connection)
        }
    }

    private func record(_ connection: Connection) {
        guard !connection.logged else { return }
        connection.logged = true
        guard logging else { return }  // Building a line nobody reads costs more than the rest of a small request.
        server.accessLog.record(
            client: connection.peer.host,
            user: connection.user,
            request: connection.request,
            rawRequestLine: connection.request == nil ? Server.firstLine(connection.received) : nil,
            status: connection.status,
            bytesSent: connection.bodySent,
            now: WallClock.secondsSinceEpoch()
        )
    }

    private func close(_ connection: Connection) {
        if connection.state == .sending { record(connection) }
        connection.close()  // close(2) also takes the descriptor out of the epoll set (epoll(7)).
        connections.remove(connection, token: connection.token)
        live -= 1
        server.releaseConnectionSlot()
    }
}
