/// Collects a request head as its bytes arrive and says when it is complete, too large, or cut off:
/// the read side's framing rules, with no socket in sight.
///
/// Give it each chunk as it is received. It parses (with ``HTTPRequestParser``) only when a chunk holds
/// a line end or the bytes have outgrown every limit: a head can only complete, or fail, at a line end,
/// and parsing only then keeps a client that trickles bytes one at a time from costing quadratic time.
/// An HTTP/0.9 simple request (`GET /path`, RFC 1945 §4.1) is complete at its first line end.
public struct RequestHeadReader: Sendable {
    /// The limits the head must keep to.
    public let limits: HTTPParserLimits
    /// Every byte received so far: the head, and whatever followed it in the same reads. A head that is
    /// complete in the first chunk is parsed where it lies and not copied here (nearly every request).
    public private(set) var received: [UInt8] = []
    /// How many bytes were received, those parsed in place included.
    private var receivedCount = 0

    /// What the bytes so far amount to.
    public enum Outcome: Sendable, Equatable {
        /// Not a whole head yet: read more.
        case incomplete
        /// A whole head. `mayHaveUnreadInput` says the client may still send bytes the server will not
        /// read (bytes after the head, or a body it announced): then the server must close lingering,
        /// or its FIN may turn into a reset that destroys the response (RFC 9112 §9.6).
        case complete(HTTPRequest, mayHaveUnreadInput: Bool)
        /// The bytes can never become a valid head: answer with the error's status.
        case failed(HTTPParseError)
    }

    /// Creates an empty reader.
    /// - Parameter limits: the request line and header limits; beyond them the head fails with 414 or 431.
    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// Whether no byte has been received: a client that goes now just goes, with nothing to answer.
    public var isEmpty: Bool { receivedCount == 0 }

    /// Adds `chunk`, the bytes of one read, and says whether the head is complete.
    /// - Parameter chunk: the bytes received; must not be empty (an empty read is the end of input).
    /// - Returns: ``Outcome/incomplete`` until the head is whole or refused.
    public mutating func append(_ chunk: ArraySlice<UInt8>) -> Outcome {
        let newLine = chunk.contains(ASCII.lf)
        defer { receivedCount += chunk.count }
        if receivedCount == 0 && newLine {
            // The first read holds a line end: parse it where it lies. Complete, nothing is copied; otherwise
            // the bytes are kept as from any read (a failed head's first line goes to the access log).
            let outcome = chunk.withUnsafeBytes { parse($0) }
            if case .complete = outcome { return outcome }
            received.append(contentsOf: chunk)
            return outcome
        }
        received.append(contentsOf: chunk)
        let ceiling = limits.maxRequestLineLength + limits.maxHeaderBytes + 4
        guard newLine || received.count > ceiling else { return .incomplete }
        return parse(received)
    }

    /// Parses the bytes received so far (all of them, from the first).
    private func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        do {
            guard let (request, headLength) = try HTTPRequestParser(limits: limits).parse(bytes) else {
                return .incomplete
            }
            return .complete(
                request,
                mayHaveUnreadInput: Self.mayHaveUnreadInput(request, after: headLength, of: bytes.count)
            )
        } catch {
            return .failed(error)
        }
    }

    private func parse(_ bytes: [UInt8]) -> Outcome {
        bytes.withUnsafeBytes { parse($0) }
    }

    /// The outcome when the client ends its input (EOF) before the head completed: `nil` if it sent
    /// nothing (nothing to answer), else a 400, since half a head can never complete.
    public func endOfInput() -> HTTPParseError? {
        isEmpty ? nil : HTTPParseError(.badRequest, "incomplete request head")
    }

    /// Whether a client may send more than the head: bytes already followed it, or it announced a body
    /// (`Transfer-Encoding`, or a `Content-Length` other than `0`) that the server, serving GET and HEAD
    /// only, will not read.
    static func mayHaveUnreadInput(_ request: HTTPRequest, after headLength: Int, of receivedCount: Int) -> Bool {
        receivedCount > headLength || request.headers.contains(.transferEncoding)
            || (request.headers[.contentLength].map { $0 != "0" } ?? false)
    }
}
