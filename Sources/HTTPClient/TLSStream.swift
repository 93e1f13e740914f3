import TLS

/// A ``ByteStream`` that speaks TLS over another byte stream (a ``SocketStream``): `https://`.
///
/// The ``TLSSession`` turns plaintext into records and back; this stream moves the records through the
/// transport, so the socket lessons hold one layer down exactly as for plain TCP: a record may arrive in
/// pieces over many reads (the session waits for the rest), a transport read of 0 is the end of the TCP
/// stream, and every wait is bounded by the same deadline. ``Exchange`` cannot tell this stream from a
/// plain one, except in one case: a TCP end without the server's `close_notify`, which
/// ``read(into:deadline:)`` reports as ``ClientError/tlsTruncated`` instead of an end of file, because an
/// attacker can cut a connection but cannot forge `close_notify` (RFC 8446 §6.1).
public final class TLSStream: ByteStream {
    private let transport: any ByteStream
    private let session: TLSSession
    /// One read from the transport: several records at once when they have arrived (a record is at most 16 KiB
    /// of plaintext plus its overhead), so a large body costs one `poll` and `recv` per 64 KiB, not per record.
    private let inbound: UnsafeMutableRawBufferPointer
    private var transportEnded = false
    /// An error met after ``read(into:deadline:)`` had already decrypted bytes in the same call: those bytes are
    /// returned first and the error is thrown by the next call.
    private var pendingError: ClientError?

    /// Runs the handshake over `transport` (which the new stream then owns) for the server `host`.
    ///
    /// - Throws: ``ClientError/tlsHandshakeFailed(_:)``, ``ClientError/certificateRejected(_:verifyResult:)``, or the
    ///   transport's errors (a timeout, a reset).
    public init(
        over transport: any ByteStream,
        context: TLSContext,
        host: String,
        deadline: ContinuousClock.Instant?
    ) throws(ClientError) {
        self.transport = transport
        inbound = .allocate(byteCount: 64 * 1024, alignment: 16)
        do {
            session = try TLSSession(context: context, peerName: host)
        } catch {
            inbound.deallocate()
            transport.close()
            throw ClientError(error)
        }
        do {
            try handshake(deadline: deadline)
        } catch {
            close()
            throw error
        }
    }

    deinit { inbound.deallocate() }

    /// What the handshake agreed and what the server's certificate said (`-v`, `%{ssl_verify_result}`).
    public var summary: TLSSummary { session.summary }

    private func handshake(deadline: ContinuousClock.Instant?) throws(ClientError) {
        while true {
            let progress: TLSSession.Progress
            do { progress = try session.handshake() } catch { throw ClientError(error) }
            try flush(deadline: deadline)
            if progress == .done { return }
            guard try fill(deadline: deadline) else {
                throw .tlsHandshakeFailed("the server closed the connection during the TLS handshake")
            }
        }
    }

    /// Sends every record the session has made.
    private func flush(deadline: ContinuousClock.Instant?) throws(ClientError) {
        let records = session.takeOutput()
        if !records.isEmpty { try transport.write(records, deadline: deadline) }
    }

    /// Reads once from the transport into the session; `false` at the TCP end of stream.
    private func fill(deadline: ContinuousClock.Instant?) throws(ClientError) -> Bool {
        if transportEnded { return false }
        let count = try transport.read(into: inbound, deadline: deadline)
        if count == 0 {
            transportEnded = true
            session.receiveEndOfStream()
            return false
        }
        session.receive(UnsafeRawBufferPointer(rebasing: inbound[0..<count]))
        return true
    }

    public func read(
        into buffer: UnsafeMutableRawBufferPointer,
        deadline: ContinuousClock.Instant?
    ) throws(ClientError)
        -> Int
    {
        if let error = pendingError {
            pendingError = nil
            throw error
        }
        // SSL_read(3) gives at most one record a call: go on while whole records are already in, so the caller
        // gets up to its buffer's size at a time, and wait for the transport only while nothing was decrypted.
        var filled = 0
        while filled < buffer.count {
            let result: TLSSession.ReadResult
            do {
                result = try session.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            } catch {
                // After the handshake, a bad record is a receive failure (curl: 56), not a handshake one.
                let failure: ClientError =
                    error.kind == .protocolError ? .receiveFailed(error.detail) : ClientError(error)
                guard filled > 0 else { throw failure }
                pendingError = failure
                return filled
            }
            switch result {
            case .bytes(let count): filled += count
            case .closed: return filled  // close_notify: the server's clean end of data (0 once all is read).
            case .needsInput:
                if filled > 0 { return filled }
                // A post-handshake message (a TLS 1.3 session ticket) may want an answer first.
                try flush(deadline: deadline)
                _ = try fill(deadline: deadline)  // At the end, the next session.read throws tlsTruncated.
            }
        }
        return filled
    }

    public func write(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant?) throws(ClientError) {
        do { _ = try session.write(bytes) } catch { throw ClientError(error) }
        try flush(deadline: deadline)
    }

    /// The TLS half-close: `close_notify` (RFC 8446 §6.1: "no more data from me"; TLS 1.3 lets the peer go
    /// on sending), then TCP's `shutdown(SHUT_WR)` under it. See the README's half-close table for what servers
    /// make of it; http-fetch does not do it over https unless asked (`--half-close`).
    public func closeWrite() throws(ClientError) {
        session.close()
        try flush(deadline: nil)
        try transport.closeWrite()
    }

    public func close() {
        transport.close()
    }
}
