/// The transport under one HTTP exchange: an ordered, reliable stream of bytes in each direction.
///
/// ``Exchange`` reads and writes only through this protocol, so it never assumes a socket: ``SocketStream``
/// is plain TCP, and a TLS stream that encrypts over a `SocketStream` fits behind the same four calls.
/// A `deadline` of `nil` waits as long as the stream's own timeouts allow.
public protocol ByteStream: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`.
    ///
    /// - Returns: how many bytes arrived, at least 1; 0 means end of file: the peer finished sending. That is
    ///   a value, not an error (recv(2) returning 0), and the reader decides whether the message was complete.
    /// - Throws: ``ClientError/timedOut(_:)`` after `deadline`, ``ClientError/connectionReset``, or
    ///   ``ClientError/receiveFailed(_:)``.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant?) throws(ClientError) -> Int

    /// Writes every byte of `bytes`, looping over partial writes, or throws.
    ///
    /// - Throws: ``ClientError/timedOut(_:)`` after `deadline`, ``ClientError/sendFailed(_:)``.
    func write(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant?) throws(ClientError)

    /// Says "that was all" while the other direction stays open: TCP's half-close, `shutdown(SHUT_WR)`
    /// (RFC 9112 §9.6 lets an HTTP/1.0 client do this after its request; the server's read returns 0).
    ///
    /// - Throws: ``ClientError/sendFailed(_:)``.
    func closeWrite() throws(ClientError)

    /// Releases the stream; later calls fail. Calling it twice does nothing.
    func close()
}

extension ByteStream {
    /// Writes every byte of `bytes`; see ``write(_:deadline:)-(UnsafeRawBufferPointer,_)``.
    public func write(_ bytes: [UInt8], deadline: ContinuousClock.Instant?) throws(ClientError) {
        let result: Result<Void, ClientError> = bytes.withUnsafeBytes { raw in
            Result { () throws(ClientError) in try write(raw, deadline: deadline) }
        }
        try result.get()
    }
}

/// The time left before `deadline`.
///
/// - Throws: ``ClientError/timedOut(_:)`` ("operation timed out", curl's words) when none is left.
func remaining(_ deadline: ContinuousClock.Instant) throws(ClientError) -> Duration {
    let left = deadline - ContinuousClock.now
    guard left > .zero else { throw .timedOut("operation") }
    return left
}
