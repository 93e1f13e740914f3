/// The few socket outcomes that callers branch on.
public enum SocketError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The peer reset the connection or stopped reading (`ECONNRESET`, `EPIPE`).
    case peerClosed
    /// A deadline passed (`SO_RCVTIMEO`/`SO_SNDTIMEO` expired, or a `poll(2)` wait ran out).
    case timedOut
    /// A host or port could not be turned into an address; the text says why.
    case invalidAddress(String)

    public var description: String {
        switch self {
        case .peerClosed: return "connection closed by peer"
        case .timedOut: return "timed out"
        case .invalidAddress(let why): return why
        }
    }
}

/// The result of one non-blocking transfer: some bytes, or nothing until the descriptor is ready.
///
/// `processed(0)` from a receive is end of file: the peer shut down its write side.
public enum IOResult: Equatable, Sendable {
    case processed(Int)
    case wouldBlock
}
