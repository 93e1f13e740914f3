import HTTPCore
import Sockets
import System
import TLS

/// One client connection and where it stands, as darkhttpd keeps it: a small state machine that owns
/// its transitions. The ``EventLoop`` tells it what happened (readable, writable, deadline passed) and
/// does what the returned ``Action`` says: watch the socket for something, or close it.
///
/// reading head → (preparing) → sending (head, then body) → lingering close → closed. Every step is
/// non-blocking; EAGAIN parks the connection until epoll says it is ready again. Work that may take long runs on
/// the ``BackgroundPool``, never here: while a listing is made the connection is "preparing", and while a gzip
/// body it sends is still being made (``GzipFlight``) it waits for the next chunk; either way it is out of the
/// epoll set (``Action/park``) until the pool posts its token to the loop's ``LoopMailbox``.
///
/// Over TLS the states are the same: a ``TLSChannel`` moves the bytes (the handshake runs inside
/// "reading head", under the same deadline), and file bodies are read with `pread` and encrypted instead
/// of spliced with `sendfile`, which cannot carry TLS without kernel TLS.
final class Connection {
    enum State {
        /// Receiving the request head; watched for readable.
        case readingHead
        /// The plan is being made on the pool (a listing); parked.
        case preparing
        /// Sending the status line, headers and body; watched for writable only, so a client that
        /// half-closed (an EOF that stays readable) neither stops the response nor spins the loop.
        case sending
        /// Response sent and our side shut down: discarding what the client still sends until its EOF.
        case lingering
    }

    /// What the loop does with the connection after a step. Until when it may wait is ``deadline``.
    enum Action: Equatable {
        /// Watch the socket for readable (`.readable`) or writable (`.writable`).
        case wait(Epoll.Events)
        /// Close it: the connection has logged what it had to (``close()``).
        case close
        /// Watch nothing: the connection waits for background work, which wakes it through the loop's mailbox.
        case park
    }

    /// What the connections of one loop share: the handler, the rules, the log, one receive buffer.
    final class Context {
        let handler: StaticFileHandler
        /// Basic authentication, when on: checked after the head parses, before the handler.
        let auth: BasicAuth?
        let limits: HTTPParserLimits
        /// How long a client may take to send its head, and how long a send may stall.
        let timeoutMilliseconds: Int64
        let log: ServerLog
        /// The loop's batch of access-log lines, when the built-in log is on (else lines go to `log.access`).
        let accessBuffer: AccessLogBuffer?
        /// The certificate and key, when the server speaks https.
        let tls: TLSCredentials?
        /// Where slow work runs: listings, gzip cache misses.
        let pool: BackgroundPool
        /// Where that work tells this loop it is done.
        let mailbox: LoopMailbox
        // The loop's buffers and cache below, and a connection's ``exchange``, are used by one thread, the loop's,
        // and never by a closure that outlives the access it runs in: the compiler's static checks see every
        // overlap, so the dynamic ones (swift_beginAccess, about 65 instructions a time, a dozen times a request;
        // callgrind, 2026-12-07) are left out.
        /// One receive buffer for the whole loop: most heads are parsed straight out of it.
        @exclusivity(unchecked) var scratch = [UInt8](repeating: 0, count: 16384)
        /// The loop's response heads: a file's kept while its key holds, others written into one buffer.
        @exclusivity(unchecked) var heads = ResponseHeadCache()
        /// The loop's buffer for small file bodies: a response shares it (an array is copied on write), so the
        /// next response reads in place unless one still being sent holds it.
        @exclusivity(unchecked) var smallBody: [UInt8] = []
        /// Small files the loop sent before, by version: a request for one of them skips the read.
        @exclusivity(unchecked) var fileCache = SmallFileCache()
        /// One buffer for the loop's TLS bodies: `pread` into it (or gather a small response in it), then
        /// encrypt; empty when the loop speaks plain TCP. A stored property, not `lazy`: a lazy one is reached
        /// through get and set, so each mutable access copied all 64 KiB (callgrind, 2026-12-07).
        @exclusivity(unchecked) var fileChunk: [UInt8]
        /// The connections open on this loop, kept by the loop: a file body is sliced when it is not alone.
        var liveConnections = 0

        /// The handler's plan for `request`, with the loop's kept files. A method of the context, not
        /// `context.handler.respond` at the call: reached through the connection's reference, the handler was
        /// copied for the call and destroyed after it (6 retains and releases, about 540 instructions a request;
        /// callgrind, 2026-12-07); in here `self` is held for the call, so the handler is used in place.
        @inline(never)
        func plan(for request: HTTPRequest, now: Int64, clock: Int64) -> ResponsePlan {
            handler.respond(to: request, now: now, kept: &fileCache, clock: clock)
        }

        init(
            handler: StaticFileHandler,
            configuration: ServerConfiguration,
            log: ServerLog,
            accessBuffer: AccessLogBuffer? = nil,
            tls: TLSCredentials? = nil,
            pool: BackgroundPool,
            mailbox: LoopMailbox
        ) {
            self.pool = pool
            self.mailbox = mailbox
            self.accessBuffer = accessBuffer
            self.handler = handler
            self.tls = tls
            self.fileChunk = tls == nil ? [] : [UInt8](repeating: 0, count: Connection.tlsChunk)
            self.auth = configuration.auth
            self.limits = configuration.limits
            let (seconds, attoseconds) = configuration.timeout.components
            self.timeoutMilliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
            self.log = log
        }
    }

    /// How long a lingering close waits for the client's EOF.
    static let lingerMilliseconds: Int64 = 2000
    /// Files up to this size are sent from memory; larger ones with sendfile(2).
    static let smallFileLimit: Int64 = 16384
    /// Plaintext encrypted per step over TLS: four full records (RFC 8446 §5.1: at most 16 KiB each).
    static let tlsChunk = 65536
    /// What one `sendfile` may move while other connections share the loop: lighttpd's slice. One slice per
    /// wake-up takes the connections in turn instead of letting each fill its socket buffer.
    static let sharedSlice = 262_144
    /// File bytes sent between two checks that the file did not change (and the first check's distance from
    /// the start): about one socket buffer (`tcp_wmem`'s default maximum, 4 MiB).
    static let changeCheckInterval: Int64 = 4 << 20

    /// The connection's socket, the same object from one accepted connection to the next (the loop accepts into
    /// it); it owns no descriptor while the connection is closed and kept for reuse.
    let socket = Socket()
    /// The loop's name for this connection: its epoll registrations carry it (``TokenTable``). A reused connection
    /// gets a new one, so an event or a wake-up meant for its previous client never reaches it.
    private(set) var token: UInt64 = 0
    /// The client's address, written by the accept in place.
    @exclusivity(unchecked) var peer = SocketAddress()
    private let context: Context
    /// Monotonic milliseconds after which ``onDeadline(now:)`` is due.
    private(set) var deadline: Int64 = 0
    /// What the socket is registered for in the loop's epoll set; `nil` while not registered.
    var registered: Epoll.Events?
    /// Everything about the one request this connection carries (HTTP/1.0: one per connection), from the head
    /// to the access-log line; ``close()`` puts a new one in its place, so nothing of one client reaches the next.
    /// Checked statically only, as the loop's buffers are (see ``Context``).
    @exclusivity(unchecked) private var exchange: Exchange

    /// What one accepted connection holds from its first byte to its close: a value made afresh for each
    /// connection, so no part of it (a head half read, a range, a user, a file, a TLS session) outlives the client.
    struct Exchange {
        var state = State.readingHead
        var head: RequestHeadReader
        var request: HTTPRequest?
        /// The TLS layer when the server speaks https; `nil` for plain TCP, and after a plain-HTTP client on
        /// the TLS port, whose answer goes out unencrypted.
        var tls: TLSChannel?
        /// The request line for the log when the head never reached ``head`` (plain HTTP on the TLS port).
        var rawRequestLine: String?
        /// Whether the client may still send bytes we will not read: then closing at once could turn
        /// our FIN into a reset that destroys the response (RFC 9112 §9.6), so the close lingers.
        var mayHaveUnreadInput = true
        /// The user that Basic authentication let in, for the access log's third field.
        var user: String?
        /// The wall clock (whole seconds) read before the handler opened and `fstat`ed the file: what a small
        /// file's times must be older than for its bytes to be kept (``SmallFileCache/isSettled(_:clockSeconds:)``).
        var requestSeconds: Int64 = 0

        // The response being sent.
        var status = 0
        var headBytes: [UInt8] = []
        var headSent = 0
        var body: ArraySlice<UInt8> = []
        var bodyOffset = 0
        var file: OpenFile?
        var fileOffset: Int64 = 0
        var fileEnd: Int64 = 0
        /// Where the file stood at the last check that it did not change (or where the body or part began).
        var fileChecked: Int64 = 0
        /// Whether the socket's unsent backlog is held to one slice (`TCP_NOTSENT_LOWAT`): set the first time a
        /// file body meets other connections on the loop and kept, as the cork is, until the socket closes.
        var backlogLimited = false
        /// The parts of a multipart body still to send after the current one (literal bytes or file slices).
        var parts: ArraySlice<ResponsePlan.Part> = []
        /// The gzip body being made as it is sent, and the index of its next chunk; `body` holds the current one.
        var stream: GzipFlight?
        var streamIndex = 0
        /// The plan being made on the pool while ``State/preparing``.
        var pending: PendingPlan?
        /// Body bytes that really went out: what the access log reports.
        var bodySent: Int64 = 0
        var logged = false

        init(limits: HTTPParserLimits) {
            head = RequestHeadReader(limits: limits)
        }
    }

    /// A closed connection of the loop that `context` belongs to: the loop accepts into ``socket``, then calls
    /// ``open(token:now:tls:)``; after ``close()`` it may do so again.
    init(context: Context) {
        self.context = context
        self.exchange = Exchange(limits: context.limits)
    }

    /// Starts serving the client just accepted into ``socket`` (its address in ``peer``), known to the loop as
    /// `token` from now on.
    func open(token: UInt64, now: Int64, tls: TLSChannel?) {
        precondition(socket.isOpen && registered == nil, "a connection opened without a freshly accepted socket")
        self.token = token
        deadline = now + context.timeoutMilliseconds
        exchange.tls = tls
    }

    /// Where the connection stands.
    var state: State { exchange.state }

    /// Whether nothing at all was received yet: an idle connection a stopping server may just close.
    var isIdle: Bool { exchange.state == .readingHead && exchange.head.isEmpty }

    // MARK: Transitions

    /// The socket is readable, or in error: read the head, or drain a lingering close. A connection that is
    /// sending watches writable only, so here it only meets an error, which its next send reports.
    func onReadable(now: Int64) -> Action {
        switch exchange.state {
        case .readingHead: return readHead(now: now)
        case .preparing: return .park  // Parked: a stale event from before.
        case .sending: return send(now: now)
        case .lingering: return drain()
        }
    }

    /// Background work posted this connection's token: its plan is made, or the gzip body it follows has grown.
    /// `nil` when it waits for neither (the token reached another connection, or the news is already taken).
    func onWake(now: Int64) -> Action? {
        switch exchange.state {
        case .preparing:
            guard let plan = exchange.pending?.take() else { return nil }
            exchange.pending = nil
            return start(plan, now: now)
        case .sending where exchange.stream != nil:
            return send(now: now)
        default:
            return nil
        }
    }

    /// The socket is writable: send what it takes. Other states never watch writable; a stale event is
    /// taken as readable, which every step tolerates.
    func onWritable(now: Int64) -> Action {
        exchange.state == .sending ? send(now: now) : onReadable(now: now)
    }

    /// ``deadline`` has passed.
    func onDeadline(now: Int64) -> Action {
        switch exchange.state {
        case .readingHead:
            // Nothing at all: close silently. Part of a head: 408 (RFC 9110 §15.5.9), then close.
            if exchange.head.isEmpty { return .close }
            exchange.mayHaveUnreadInput = true
            let error = HTTPParseError(.requestTimeout, "request head not received in time")
            return start(context.handler.respond(to: error, now: WallClock.secondsSinceEpoch()), now: now)
        case .preparing:
            // Waiting for our own work, not for the client.
            deadline = now + context.timeoutMilliseconds
            return .park
        case .sending:
            // Following a gzip body that is still being made: the wait is ours, not the client's.
            if registered == nil, let stream = exchange.stream, !stream.hasEnded {
                deadline = now + context.timeoutMilliseconds
                return .park
            }
            // The client stopped reading for a whole timeout: give up on it.
            record()
            return .close
        case .lingering:
            return .close
        }
    }

    /// Closes the socket and any file still open; a response cut short is logged with what went out.
    func close() {
        if exchange.state == .sending { record() }
        exchange.file?.close()
        exchange.stream?.cancel()
        socket.close()  // close(2) also takes the descriptor out of the epoll set (epoll(7)).
        registered = nil
        // The request, the response's buffers and the TLS session go now, not at the next client: a closed
        // connection kept for reuse holds no memory of its client's (and the next one starts from nothing).
        exchange = Exchange(limits: context.limits)
    }

    // MARK: Reading the head

    private func readHead(now: Int64) -> Action {
        if let tls = exchange.tls { return readHead(over: tls, now: now) }
        for _ in 0..<8 {
            let result: IOResult
            do {
                result = try context.scratch.withUnsafeMutableBytes { try socket.receive(into: $0) }
            } catch {
                return .close  // A reset before any request: nothing to answer, nothing to log.
            }
            switch result {
            case .wouldBlock:
                return .wait(.readable)
            case .processed(0):
                // EOF. A client that sent nothing just goes; half a head can never complete.
                guard let error = exchange.head.endOfInput() else { return .close }
                return start(context.handler.respond(to: error, now: WallClock.secondsSinceEpoch()), now: now)
            case .processed(let count):
                if let action = take(count, now: now) { return action }
            }
        }
        return .wait(.readable)
    }

    /// The TLS handshake, then the head, decrypted by `tls`. A client that never finishes the handshake
    /// sent no head: the deadline closes it silently, as a plain connection that sent nothing.
    private func readHead(over tls: TLSChannel, now: Int64) -> Action {
        var reads = 8
        while true {
            let received: TLSChannel.Received
            do {
                received = try context.scratch.withUnsafeMutableBytes {
                    try tls.receive(from: socket, into: $0, reads: &reads)
                }
            } catch let error as TLSError where error.kind == .plainHTTP {
                return answerPlainHTTP(tls, now: now)
            } catch {
                return .close  // A failed handshake or a reset: nothing to answer, nothing to log.
            }
            switch received {
            case .wait(let events):
                return .wait(events)
            case .endOfStream:
                guard let error = exchange.head.endOfInput() else { return .close }
                return start(context.handler.respond(to: error, now: WallClock.secondsSinceEpoch()), now: now)
            case .bytes(let count):
                if let action = take(count, now: now) { return action }
            }
        }
    }

    /// Adds the first `count` bytes of the scratch buffer to the head; `nil` while it is incomplete.
    private func take(_ count: Int, now: Int64) -> Action? {
        switch exchange.head.append(context.scratch[..<count]) {
        case .incomplete:
            return nil
        case .failed(let error):
            return start(context.handler.respond(to: error, now: WallClock.secondsSinceEpoch()), now: now)
        case .complete(let request, let mayHaveUnreadInput):
            exchange.mayHaveUnreadInput = mayHaveUnreadInput
            let plan = respond(to: request)
            // Moved into the exchange once the plan is made, not copied before (a copy retains every field).
            exchange.request = consume request
            return start(plan, now: now)
        }
    }

    /// A plain HTTP request on the TLS port (OpenSSL saw a request line where a ClientHello belongs): the
    /// client cannot read a TLS alert, so it gets a plain-text 400 saying to use https, unencrypted, then the
    /// close (nginx's 497 page does the same).
    private func answerPlainHTTP(_ tls: TLSChannel, now: Int64) -> Action {
        exchange.rawRequestLine = Self.firstLine(tls.firstBytes)
        exchange.tls = nil
        exchange.mayHaveUnreadInput = true  // The rest of its head is unread.
        return start(context.handler.plainHTTPOnTLSPort(now: WallClock.secondsSinceEpoch()), now: now)
    }

    /// The plan for a complete request: a 401 when authentication is on and refuses it, else the handler's.
    private func respond(to request: HTTPRequest) -> ResponsePlan {
        // A CORS preflight comes without credentials by design (Fetch standard): asking for them would fail
        // every preflighted cross-origin request to a protected folder.
        if let auth = context.auth, !context.handler.isCORSPreflight(request) {
            switch auth.decide(authorization: request.headers[.authorization]) {
            case .allowed(let user):
                exchange.user = user
            case .denied:
                return context.handler.unauthorized(
                    request,
                    challenge: auth.challenge,
                    now: WallClock.secondsSinceEpoch()
                )
            }
        }
        exchange.requestSeconds = WallClock.secondsSinceEpoch()
        // The loop's kept files: a path confirmed less than a second ago costs one fstatat instead of openat2 +
        // fstat + close (StaticFileHandler+Kept.swift). The clock is read now, not at the loop's wake-up, so that
        // the second is a second.
        return context.plan(for: request, now: exchange.requestSeconds, clock: MonotonicClock.milliseconds())
    }

    // MARK: Sending

    /// Takes over `plan` (the head unless HTTP/0.9, and where the body comes from) and starts sending.
    private func start(_ plan: ResponsePlan, now: Int64) -> Action {
        if case .later(let later) = plan.body { return prepare(later, now: now) }
        load(plan)
        deadline = now + context.timeoutMilliseconds
        // Corked, the tail of a file body waits in our send queue until the close (tcp(7) TCP_CORK), so a
        // reset after a failed identity check (send) still keeps a fast client from reading a whole body.
        if exchange.file != nil { try? socket.setCork(true) }
        return send(now: now)
    }

    /// Has the pool make the plan, parked meanwhile.
    private func prepare(_ later: ResponsePlan.LaterPlan, now: Int64) -> Action {
        let pool = context.pool
        let mailbox = context.mailbox
        let pending = PendingPlan()
        exchange.pending = pending
        exchange.state = .preparing
        deadline = now + context.timeoutMilliseconds
        let token = self.token
        pool.submit {
            pending.fulfil(later.make())
            mailbox.post(token)
            return false
        }
        return .park
    }

    private func load(_ plan: ResponsePlan) {
        exchange.state = .sending
        exchange.status = plan.status.code
        if plan.sendsHead {
            exchange.headBytes = context.heads.head(of: plan)
        } else {
            exchange.headBytes = []
        }
        switch plan.body {
        case .none: break
        case .bytes(let bytes): exchange.body = bytes[...]
        case .file(let openFile, let offset, let length) where length <= Self.smallFileLimit:
            loadSmallFile(openFile, offset: offset, length: length)
        case .file(let openFile, let offset, let length):
            sendFile(openFile, offset: offset, length: length)
        case .parts(let openFile, let list):
            exchange.file = openFile
            exchange.parts = list[...]
            _ = loadNextPart()
        case .gzip(let openFile, let fileStatus):
            // Only a handler with a compressor plans a gzip body.
            guard let gzip = context.handler.gzip else { preconditionFailure("a gzip body without a compressor") }
            exchange.stream = gzip.stream(of: openFile, status: fileStatus, pool: context.pool)
            exchange.streamIndex = 0
        case .later:
            preconditionFailure("a later plan is made before it is loaded")
        }
    }

    /// Makes the next part of a multipart body the one being sent: literal bytes go out like an in-memory
    /// body, a slice of the file like a file body. `false` when none is left.
    private func loadNextPart() -> Bool {
        guard let part = exchange.parts.popFirst() else { return false }
        switch part {
        case .bytes(let bytes):
            exchange.body = bytes[...]
            exchange.bodyOffset = 0
        case .file(let offset, let length):
            exchange.fileOffset = offset
            exchange.fileChecked = offset
            exchange.fileEnd = offset + length
        }
        return true
    }

    /// A small file costs less copied than spliced: its bytes in memory, then head and body leave in one sendmsg
    /// (one TCP push) instead of sendmsg(MSG_MORE) + sendfile through the splice path. The bytes come from the
    /// loop's ``SmallFileCache`` when it holds the version the plan's `fstat` gave; else from one pread, kept
    /// when they are the whole file and settled. Bytes not confirmed by the `fstat` after the read go the
    /// sendfile way instead, which sees the change and resets.
    private func loadSmallFile(_ openFile: OpenFile, offset: Int64, length: Int64) {
        let range = Int(offset)..<Int(offset + length)
        if let status = openFile.firstStatus, let cached = context.fileCache.bytes(for: status),
            range.upperBound <= cached.count
        {
            openFile.close()
            exchange.body = cached[range]
            return
        }
        guard let confirmed = Self.read(openFile, offset: offset, length: Int(length), into: &context.smallBody)
        else {
            sendFile(openFile, offset: offset, length: length)
            return
        }
        openFile.close()
        // Kept only when the fstat after the read saw the very key of the one before it (ctime too: a chmod or a
        // rewrite that put the mtime back still counts as a change here) and the file had been left alone for a
        // second before the request (see SmallFileCache on why both make the key name these bytes).
        if offset == 0, length == confirmed.size, let first = openFile.firstStatus,
            SmallFileCache.Version(first) == SmallFileCache.Version(confirmed),
            SmallFileCache.isSettled(confirmed, clockSeconds: exchange.requestSeconds)
        {
            // A copy of its own, exactly its size: the loop's buffer stays the loop's, and the bound counts bytes.
            let kept = context.smallBody.withUnsafeBufferPointer { read in
                [UInt8](unsafeUninitializedCapacity: read.count) { copy, count in
                    count = copy.initialize(fromContentsOf: read)
                }
            }
            context.fileCache.insert(kept, for: confirmed)
            exchange.body = kept[...]
        } else {
            exchange.body = context.smallBody[...]
        }
    }

    private func sendFile(_ openFile: OpenFile, offset: Int64, length: Int64) {
        exchange.file = openFile
        exchange.fileOffset = offset
        exchange.fileChecked = offset
        exchange.fileEnd = offset + length
    }

    /// Reads `length` bytes at `offset` into `bytes` (replacing what it held) and returns the file's status after
    /// the read; `nil` on error, or when the file is no longer the version the plan was built from (the bytes
    /// may mix two versions): the sendfile path then sees the change and resets.
    static func read(_ file: OpenFile, offset: Int64, length: Int, into bytes: inout [UInt8]) -> FileStatus? {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: repeatElement(0, count: length))
        var initialized = 0
        let failed = bytes.withUnsafeMutableBytes { buffer in
            while initialized < length {
                guard
                    let count = try? file.read(
                        into: UnsafeMutableRawBufferPointer(rebasing: buffer[initialized...]),
                        at: offset + Int64(initialized)
                    )
                else {
                    return true
                }
                if count == 0 { return false }
                initialized += count
            }
            return false
        }
        bytes.removeLast(length - initialized)
        guard !failed, let now = try? file.status(),
            file.firstStatus.map({ FileVersion(now) == FileVersion($0) }) ?? true
        else {
            return nil
        }
        return now
    }

    /// Sends what the socket takes now: head and in-memory body in one gathered send, then the file
    /// with sendfile(2). A bounded number of calls per wake-up keeps one fast reader from starving others;
    /// while the loop has other connections, one slice of the file per wake-up.
    private func send(now: Int64) -> Action {
        if let tls = exchange.tls { return send(over: tls, now: now) }
        // Alone on the loop, a file body goes out in calls as long as the socket takes (the fewest calls and
        // wake-ups); with others, a 256 KiB slice per wake-up, as lighttpd sends: in interleaved runs of 8
        // downloads at once that was 10-20 % faster, and it never slowed the single download.
        let shared = context.liveConnections > 1
        let slice = shared ? Int64(Self.sharedSlice) : 1 << 30
        do {
            for _ in 0..<16 {
                if exchange.headSent < exchange.headBytes.count || exchange.bodyOffset < exchange.body.count {
                    let result = try exchange.headBytes.withUnsafeBytes { head in
                        try exchange.body.withUnsafeBytes { body in
                            try socket.send(
                                UnsafeRawBufferPointer(rebasing: head[exchange.headSent...]),
                                UnsafeRawBufferPointer(rebasing: body[exchange.bodyOffset...]),
                                more: exchange.file != nil
                            )
                        }
                    }
                    guard case .processed(let count) = result else { return .wait(.writable) }
                    advance(sent: count)
                } else if let file = exchange.file, exchange.fileOffset < exchange.fileEnd {
                    // sendfile(2) reads the file as it is now: a rewrite since the last call would splice
                    // another version's bytes into this body at the promised length. What guarantees that no
                    // such body ever looks complete is the last check below, made with the whole body queued
                    // and its corked tail held back; this one only cuts a doomed transfer short, so once per
                    // socket buffer's worth is enough (an fstat(2) per call was 0.3-0.5 calls per MiB).
                    if exchange.fileOffset - exchange.fileChecked >= Self.changeCheckInterval {
                        if fileChanged() { return resetForChangedFile() }
                        exchange.fileChecked = exchange.fileOffset
                    }
                    if shared && !exchange.backlogLimited {
                        // Shared, a socket is woken again only when less than a slice waits unsent: what waits
                        // beyond the window is sent later from the client's ACK, on the client's CPU; with at
                        // most a slice held back, the server's own calls put most bytes on the wire (8 curls:
                        // their CPU per MiB -15 to -25 %, ours +5 to +15 %, epoll_wait calls -30 to -45 %).
                        try? socket.setNotSentLowWater(Self.sharedSlice)
                        exchange.backlogLimited = true
                    }
                    let want = Int(min(exchange.fileEnd - exchange.fileOffset, slice))
                    let result = try socket.sendFile(file, offset: exchange.fileOffset, count: want)
                    guard case .processed(let count) = result else { return .wait(.writable) }
                    if count == 0 {
                        // The file shrank since it was opened: stop here; the identity check below resets
                        // the connection, and even a FIN would leave the body short of its Content-Length.
                        exchange.fileEnd = exchange.fileOffset
                        continue
                    }
                    exchange.fileOffset += Int64(count)
                    exchange.bodySent += Int64(count)
                    // A non-blocking socket takes less than asked only when its buffer is full (or the file
                    // ended, which the next call sees): wait for room instead of making an EAGAIN call. A
                    // slice done with more to come: the other connections first (the socket stays writable,
                    // so the level-triggered epoll_wait hands this one back on the same turn's next wait).
                    if count < want || (shared && exchange.fileOffset < exchange.fileEnd) {
                        deadline = now + context.timeoutMilliseconds
                        return .wait(.writable)
                    }
                } else if loadNextPart() {
                    continue
                } else if let stream = exchange.stream {
                    switch nextChunk(of: stream) {
                    case .chunk, .end: continue
                    case .wait: return .park
                    case .failed: return resetForChangedFile()
                    }
                } else {
                    // The whole body is queued, its corked tail not yet on the wire: one last fstat(2) tells
                    // whether every byte came from the version the head promised.
                    if exchange.file != nil && fileChanged() { return resetForChangedFile() }
                    return finish(now: now)
                }
                deadline = now + context.timeoutMilliseconds
            }
            return .wait(.writable)
        } catch {
            // EPIPE/ECONNRESET: the client is gone. The log line shows how much of the body it got.
            record()
            return .close
        }
    }

    /// Sends over TLS: head and in-memory body encrypted from where they stand, the file read with `pread`
    /// into the loop's chunk and encrypted, each chunk checked against the version the head promised
    /// before it is encrypted; then `close_notify`. Records the socket does not take wait in `tls` and go
    /// first on the next call, as the rest of a partial `send` would.
    private func send(over tls: TLSChannel, now: Int64) -> Action {
        do {
            for _ in 0..<16 {
                switch try tls.flush(to: socket) {
                case .blocked(let progressed):
                    if progressed { deadline = now + context.timeoutMilliseconds }
                    return .wait(.writable)
                case .done:
                    break
                }
                // Everything queued went out: after close_notify, the response is complete.
                if tls.isClosing { return finish(now: now) }
                if exchange.headSent < exchange.headBytes.count { advance(sent: try writeHead(over: tls)) }
                if exchange.bodyOffset < exchange.body.count {
                    let end = min(exchange.body.count, exchange.bodyOffset + Self.tlsChunk)
                    let count = try exchange.body.withUnsafeBytes {
                        try tls.write(UnsafeRawBufferPointer(rebasing: $0[exchange.bodyOffset..<end]))
                    }
                    advance(sent: count)
                } else if let file = exchange.file, exchange.fileOffset < exchange.fileEnd {
                    let want = Int(min(exchange.fileEnd - exchange.fileOffset, Int64(Self.tlsChunk)))
                    let count = try context.fileChunk.withUnsafeMutableBytes {
                        try file.read(
                            into: UnsafeMutableRawBufferPointer(rebasing: $0[..<want]),
                            at: exchange.fileOffset
                        )
                    }
                    if count == 0 {
                        exchange.fileEnd = exchange.fileOffset  // Shrank since opened: the identity check below resets.
                    } else {
                        // pread(2) reads the file as it is now: a chunk of a rewritten file must never be
                        // encrypted under the head of the old one.
                        if fileChanged() { return resetForChangedFile() }
                        _ = try context.fileChunk.withUnsafeBytes {
                            try tls.write(UnsafeRawBufferPointer(rebasing: $0[..<count]))
                        }
                        exchange.fileOffset += Int64(count)
                        exchange.bodySent += Int64(count)
                    }
                }
                if exchange.bodyOffset == exchange.body.count
                    && (exchange.file == nil || exchange.fileOffset >= exchange.fileEnd)
                {
                    if loadNextPart() { continue }
                    if let stream = exchange.stream {
                        switch nextChunk(of: stream) {
                        case .chunk, .end:
                            continue
                        case .wait:
                            // What is queued (the head, the last chunk) goes out before the wait.
                            if case .blocked = try tls.flush(to: socket) { return .wait(.writable) }
                            return .park
                        case .failed:
                            return resetForChangedFile()
                        }
                    }
                    if exchange.file != nil && fileChanged() { return resetForChangedFile() }
                    // Queued behind the body's last records: a small response leaves in one send.
                    tls.close()
                }
                deadline = now + context.timeoutMilliseconds
            }
            return .wait(.writable)
        } catch {
            record()
            return .close
        }
    }

    /// Makes the next chunk of the gzip body the one being sent (`.chunk`), or says why there is none: `.end`
    /// when the body is complete (then there is no stream any more), `.wait` (the flight posts our token when
    /// it grows), `.failed`.
    private func nextChunk(of stream: GzipFlight) -> GzipFlight.Progress {
        let progress = stream.read(at: exchange.streamIndex, waking: context.mailbox, token: token)
        switch progress {
        case .chunk(let bytes):
            exchange.body = bytes[...]
            exchange.bodyOffset = 0
            exchange.streamIndex += 1
        case .end:
            exchange.stream = nil
        case .wait, .failed:
            break
        }
        return progress
    }

    /// Encrypts the head's rest, and with it as much of an in-memory body as fits in the loop's chunk, in one
    /// `SSL_write`: a small response becomes one record instead of two (one AEAD seal and 22 bytes fewer,
    /// as nginx's `ssl_buffer_size` gathers them). Returns the bytes taken: the head's first, then the body's.
    private func writeHead(over tls: TLSChannel) throws -> Int {
        let headRest = exchange.headBytes.count - exchange.headSent
        let bodyRest = min(exchange.body.count - exchange.bodyOffset, Self.tlsChunk - headRest)
        guard bodyRest > 0 else {
            return try exchange.headBytes.withUnsafeBytes {
                try tls.write(UnsafeRawBufferPointer(rebasing: $0[exchange.headSent...]))
            }
        }
        return try context.fileChunk.withUnsafeMutableBytes { chunk in
            exchange.headBytes.withUnsafeBytes {
                chunk.baseAddress!.copyMemory(from: $0.baseAddress! + exchange.headSent, byteCount: headRest)
            }
            exchange.body.withUnsafeBytes {
                (chunk.baseAddress! + headRest).copyMemory(
                    from: $0.baseAddress! + exchange.bodyOffset,
                    byteCount: bodyRest
                )
            }
            return try tls.write(UnsafeRawBufferPointer(rebasing: chunk[..<(headRest + bodyRest)]))
        }
    }

    /// Counts `count` bytes taken by a gathered send of the head's rest and then the body's rest.
    private func advance(sent count: Int) {
        let fromHead = min(count, exchange.headBytes.count - exchange.headSent)
        exchange.headSent += fromHead
        exchange.bodyOffset += count - fromHead
        exchange.bodySent += Int64(count - fromHead)
    }

    /// Whether the file being sent is no longer the version the head described (rewritten in place,
    /// truncated or grown since the plan's `fstat`): the bytes sent may then be a mix of two versions.
    /// A file deleted or renamed meanwhile is unchanged: the open descriptor still reads the old one.
    private func fileChanged() -> Bool {
        guard let file = exchange.file, let promised = file.firstStatus, let now = try? file.status() else {
            return false
        }
        return FileVersion(now) != FileVersion(promised)
    }

    /// The file changed under a response: a clean close would let the client take a mix of two versions
    /// for the file, so close with a reset instead (`SO_LINGER` 0: RST, unsent bytes dropped; socket(7)).
    /// The client sees an error, never a complete-looking body; the access log shows the bytes that went out.
    private func resetForChangedFile() -> Action {
        let target = AccessLog.escape(exchange.request?.target ?? "?")
        context.log.warning("\(target) changed while being sent to \(peer.host); connection reset")
        try? socket.setResetOnClose()
        record()
        return .close
    }

    /// The response is out: log it, then close, lingering if the client may still be sending.
    private func finish(now: Int64) -> Action {
        record()
        releaseResponse()
        // Over TLS the client answers our close_notify with its own: unread input, so linger too.
        guard exchange.mayHaveUnreadInput || exchange.tls != nil else { return .close }
        // Lingering close: FIN first, then read and discard until the client's EOF, so unread input
        // never makes close(2) send a reset that destroys the response in flight (RFC 9112 §9.6).
        try? socket.shutdown(.write)
        exchange.state = .lingering
        deadline = now + Self.lingerMilliseconds
        return drain()
    }

    /// Releases the response's memory and file as soon as it is sent, before a lingering close.
    private func releaseResponse() {
        exchange.file?.close()
        exchange.file = nil
        exchange.headBytes = []
        exchange.body = []
        exchange.headSent = 0
        exchange.bodyOffset = 0
        exchange.parts = []
        exchange.stream?.cancel()
        exchange.stream = nil
    }

    // MARK: Lingering close

    private func drain() -> Action {
        for _ in 0..<16 {
            let result = try? context.scratch.withUnsafeMutableBytes { try socket.receive(into: $0) }
            switch result {
            case .wouldBlock: return .wait(.readable)
            case .processed(let count) where count > 0: continue
            default: return .close  // EOF or reset: nothing left to protect.
            }
        }
        return .wait(.readable)
    }

    // MARK: Access log

    /// Writes the access-log line once: at the end of the response, or when it is cut short.
    private func record() {
        guard !exchange.logged else { return }
        exchange.logged = true
        // Building a line nobody reads costs more than the rest of a small request.
        guard context.accessBuffer != nil || context.log.access != nil else { return }
        if let buffer = context.accessBuffer {
            buffer.append(client: peer, accessLogEntry(), wallSeconds: WallClock.secondsSinceEpoch())
        } else if let access = context.log.access {
            access(AccessLog.line(client: peer.host, accessLogEntry(), now: WallClock.secondsSinceEpoch()))
        }
    }

    /// The values of this response's access-log line.
    private func accessLogEntry() -> AccessLogEntry {
        let tlsVersion = context.tls == nil ? nil : exchange.tls?.version ?? "-"
        // Not `request == nil`: that compares two optional requests, a copy of this one included (callgrind).
        guard case .some = exchange.request else {
            return AccessLogEntry(
                user: exchange.user,
                request: nil,
                rawRequestLine: exchange.rawRequestLine ?? Self.firstLine(exchange.head.received),
                status: exchange.status,
                bytesSent: exchange.bodySent,
                tlsVersion: tlsVersion
            )
        }
        // Field by field, read in place: handing the request over (`AccessLogEntry(request:)`, even inlined)
        // copied it, every field retained and released, about 400 instructions (callgrind, 2026-12-07).
        return AccessLogEntry(
            user: exchange.user,
            requestLine: exchange.request?.distinctRequestLine,
            method: exchange.request?.method.rawValue ?? "",
            target: exchange.request?.target ?? "",
            version: exchange.request?.version,
            headers: exchange.request?.headers,
            status: exchange.status,
            bytesSent: exchange.bodySent,
            tlsVersion: tlsVersion
        )
    }

    /// The first line of what a client sent, for the log when its head could not be parsed.
    static func firstLine(_ bytes: [UInt8]) -> String {
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        return String(latin1: line.prefix(1024))
    }
}
