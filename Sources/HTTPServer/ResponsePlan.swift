import HTTPCore
import Sockets

/// What the server will answer to one request: the head, and where the body comes from.
///
/// The plan is the seam between "what" (``StaticFileHandler``, pure decisions over the request
/// and the file system) and "how" (the engine that moves the bytes).
public struct ResponsePlan: Sendable {
    /// Where the body's bytes come from.
    public enum Body: Sendable {
        /// No body: HEAD, 304, or a body-less status.
        case none
        /// Bytes held in memory: error pages, listings, small generated content.
        case bytes([UInt8])
        /// `length` bytes of an open file from `offset`.
        case file(OpenFile, offset: Int64, length: Int64)
    }

    /// The status line and headers.
    public var head: HTTPResponseHead
    /// The body to send after the head.
    public var body: Body
    /// `false` for an HTTP/0.9 simple request: the body goes out with no status line or headers.
    public var sendsHead: Bool = true

    /// Creates a plan.
    public init(head: HTTPResponseHead, body: Body, sendsHead: Bool = true) {
        self.head = head
        self.body = body
        self.sendsHead = sendsHead
    }

    /// The number of body bytes the plan sends.
    public var bodyLength: Int64 {
        switch body {
        case .none: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, _, let length): return length
        }
    }
}
