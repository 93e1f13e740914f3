import Sockets
import TLS

/// The TLS layer of one ``Connection``: its `TLSSession` (OpenSSL over memory buffers) and the records
/// not yet taken by the socket. The connection keeps the socket and its state machine; this only moves
/// bytes, so the HTTP side (head reading, plans, the access log) is the same code as over plain TCP.
///
/// Every step is non-blocking. OpenSSL never waits: when it needs the client's records
/// (`SSL_ERROR_WANT_READ`), ``receive(from:into:reads:)`` answers `.wait(.readable)`; when the socket does
/// not take our records (EAGAIN), the rest stays queued and the answer is `.wait(.writable)` (the
/// `SSL_ERROR_WANT_WRITE` of a socket BIO, seen one layer down).
final class TLSChannel {
    /// What ``receive(from:into:reads:)`` produced.
    enum Received: Equatable {
        /// This many plaintext bytes are in the buffer.
        case bytes(Int)
        /// Nothing yet: wait for the socket to be ready for this.
        case wait(Epoll.Events)
        /// The client's data ended: `close_notify`, or TCP's end (a head cut short either way).
        case endOfStream
    }

    /// What ``flush(to:)`` achieved.
    enum Flushed: Equatable {
        /// Every queued record is in the socket's send buffer.
        case done
        /// The socket took only part (`progressed`: at least one byte); wait writable for the rest.
        case blocked(progressed: Bool)
    }

    private let session: TLSSession
    /// Records OpenSSL produced that the socket has not taken yet, from ``queuedFrom``.
    private var queued: [UInt8] = []
    private var queuedFrom = 0
    private var sawEndOfStream = false
    /// Whether our `close_notify` is queued (``close()``).
    private(set) var isClosing = false
    /// The first bytes the client sent, kept until the handshake completes: when they were a plain HTTP
    /// request, the access log shows its request line.
    private(set) var firstBytes: [UInt8] = []

    /// A server session with `context`'s certificate and key.
    init(context: TLSContext) throws(TLSError) {
        session = try TLSSession(context: context)
    }

    /// Whether the handshake completed.
    var isHandshakeDone: Bool { session.isHandshakeDone }

    /// The negotiated version ("TLSv1.3") once the handshake completed, else `nil`.
    var version: String? { session.isHandshakeDone ? session.version : nil }

    // MARK: Receiving

    /// Advances the handshake, then decrypts into `buffer` what the client sent. Records OpenSSL has to
    /// send first (the handshake's flights, session tickets) are flushed before any wait for input: the
    /// client waits for them. `reads` bounds the `recv` calls (one busy client must not starve the loop);
    /// records already received are always decrypted first, since epoll cannot report those.
    ///
    /// - Throws: `TLSError` when the handshake fails (``TLSError/Kind/plainHTTP`` when the client spoke
    ///   plain HTTP) or a record is bad; a socket error when the client reset.
    func receive(
        from socket: Socket,
        into buffer: UnsafeMutableRawBufferPointer,
        reads: inout Int
    ) throws
        -> Received
    {
        while true {
            if !session.isHandshakeDone, try session.handshake() == .done { firstBytes = [] }
            if session.isHandshakeDone {
                switch try read(into: buffer) {
                case .bytes(let count): return .bytes(count)
                case .closed: return .endOfStream
                case .needsInput: break
                }
            }
            guard try flush(to: socket) == .done else { return .wait(.writable) }
            guard !sawEndOfStream else { return .endOfStream }
            guard reads > 0 else { return .wait(.readable) }  // Level-triggered: the rest wakes us again.
            reads -= 1
            switch try socket.receive(into: buffer) {
            case .wouldBlock:
                return .wait(.readable)
            case .processed(0):
                session.receiveEndOfStream()
                sawEndOfStream = true
                // Mid-handshake there is nothing to decrypt; after it, OpenSSL still has records to read.
                if !session.isHandshakeDone { return .endOfStream }
            case .processed(let count):
                let received = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                if !session.isHandshakeDone && firstBytes.count < 1024 {
                    firstBytes += received.prefix(1024 - firstBytes.count)
                }
                session.receive(received)
            }
        }
    }

    /// `session.read`, with TCP's end without `close_notify` taken as an end: for a head, a cut like any other.
    private func read(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> TLSSession.ReadResult {
        do {
            return try session.read(into: buffer)
        } catch {
            if error.kind == .truncated { return .closed }
            throw error
        }
    }

    // MARK: Sending

    /// Encrypts all of `bytes` into records queued for ``flush(to:)``; returns the count.
    func write(_ bytes: UnsafeRawBufferPointer) throws(TLSError) -> Int {
        try session.write(bytes)
    }

    /// Queues our `close_notify` (RFC 8446 §6.1): the client can then tell the end of the body from a
    /// connection cut by someone else.
    func close() {
        isClosing = true
        session.close()
    }

    /// Sends queued records, as much as the socket takes (a partial send keeps the rest, exactly as a
    /// partial `send` of plaintext does).
    func flush(to socket: Socket) throws -> Flushed {
        if queuedFrom == queued.count {
            // The usual case: everything before went out, so the new records become the queue as they are.
            queued = session.takeOutput()
            queuedFrom = 0
        } else {
            session.appendOutput(to: &queued)
        }
        var progressed = false
        while queuedFrom < queued.count {
            let result = try queued.withUnsafeBytes {
                try socket.send(UnsafeRawBufferPointer(rebasing: $0[queuedFrom...]))
            }
            guard case .processed(let count) = result else { return .blocked(progressed: progressed) }
            queuedFrom += count
            progressed = true
        }
        if isClosing { queued = [] }  // Nothing more will be encrypted: give the memory back before lingering.
        return .done
    }
}
