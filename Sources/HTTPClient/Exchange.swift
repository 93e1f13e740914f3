import HTTPCore

/// One HTTP/1.0 request and its response over a ``ByteStream``, read by pulling: ``send(_:body:halfClose:)``,
/// then ``readHead(allowHTTP09:)``, then ``readBody(into:)`` until it returns 0.
///
/// ```swift
/// let exchange = Exchange(stream: stream, deadline: nil)
/// try exchange.send(request, halfClose: true)
/// let head = try exchange.readHead()
/// while case let count = try exchange.readBody(into: buffer), count > 0 { use(buffer[..<count]) }
/// ```
///
/// The body is delimited as RFC 9112 §6.3 says (``BodyFraming``): a length, chunks (``ChunkedDecoder``), or the
/// end of the connection. A body that ends early throws ``ClientError/cutBody(received:expected:)`` after every
/// byte that did arrive was handed out; it never looks like success. Memory stays constant: one receive
/// buffer, allocated once, carries the head and chunk framing, and a length-delimited body is read straight
/// into the caller's buffer. The exchange owns the stream and closes it.
public final class Exchange {
    /// The transport: a TCP socket, or anything else that moves bytes.
    public let stream: any ByteStream
    /// When the whole exchange must be over; every read and write stops there with ``ClientError/timedOut(_:)``.
    public let deadline: ContinuousClock.Instant?
    /// The response head once ``readHead(allowHTTP09:)`` returned it.
    public private(set) var head: HTTPResponseHead?
    /// The size of the response head on the wire (0 for an HTTP/0.9 reply, which has none).
    public private(set) var headBytes = 0
    /// The final response head exactly as received: line endings, reason phrase and field bytes untouched
    /// (empty for HTTP/0.9). `-i` writes these bytes, as curl does.
    public private(set) var rawHead: [UInt8] = []
    /// The interim (1xx) heads that came before the final one, each exactly as received, in order.
    public private(set) var interimHeads: [[UInt8]] = []
    /// When ``readHead(allowHTTP09:)`` threw for a malformed or cut head: the interim heads and the
    /// well-formed lines received before the fault, as received (what curl has written with `-i` by then).
    public private(set) var partialHead: [UInt8] = []
    /// Whether the reply had no status line and was taken as an HTTP/0.9 body.
    public private(set) var isHTTP09 = false
    /// How the body is delimited; known once the head is read.
    public private(set) var framing: BodyFraming = .none
    /// Body bytes handed out so far (after de-chunking).
    public private(set) var bodyBytesReceived: Int64 = 0
    /// Whether the body has been read to its end.
    public private(set) var isBodyComplete = false
    /// The trailer field lines of a chunked body (after the last chunk), each without its line ending.
    public var trailerLines: [[UInt8]] { chunked.trailerLines }

    private var requestMethod: HTTPMethod = .get
    private let buffer: UnsafeMutableRawBufferPointer
    /// Bytes that arrived with the head and belong to the body, handed out before the stream is read again.
    private var leftover: [UInt8] = []
    private var leftoverStart = 0
    /// The received bytes in `buffer` that the chunked decoder has not consumed yet.
    private var window = 0..<0
    private var chunked = ChunkedDecoder()

    /// Creates an exchange over `stream`.
    ///
    /// - Parameters:
    ///   - deadline: when the exchange must be over (`--max-time`); `nil` for no limit beyond the stream's own.
    ///   - bufferSize: the receive buffer: one read of the head or of chunked framing takes at most this much.
    public init(stream: any ByteStream, deadline: ContinuousClock.Instant? = nil, bufferSize: Int = 64 * 1024) {
        self.stream = stream
        self.deadline = deadline
        buffer = .allocate(byteCount: max(4096, bufferSize), alignment: 16)
    }

    deinit {
        buffer.deallocate()
        stream.close()
    }

    /// Closes the stream; reading stops.
    public func close() { stream.close() }

    /// The body length the head announced (`Content-Length`), or `nil` for chunks, close-delimited, or none.
    public var expectedBodyBytes: Int64? {
        if case .length(let length) = framing { return length }
        return nil
    }

    /// Sends `request` and `body`, then half-closes if `halfClose`.
    ///
    /// - Throws: ``ClientError/sendFailed(_:)``, ``ClientError/timedOut(_:)``.
    public func send(_ request: HTTPRequest, body: [UInt8]? = nil, halfClose: Bool = true) throws(ClientError) {
        requestMethod = request.method
        var bytes = request.serialized()
        if let body { bytes += body }
        try stream.write(bytes, deadline: deadline)
        // The HOWTO's HTTP-like exchange: shutdown(SHUT_WR) sends FIN, the server's recv returns 0 and it knows
        // the request is complete; the answer can still be read (RFC 9112 §9.6).
        if halfClose { try stream.closeWrite() }
    }

    /// Reads and parses the response head, skipping any interim (1xx) heads before it.
    ///
    /// RFC 9110 §15.2: a client must be able to parse 1xx responses it did not expect; each is kept as
    /// received in ``interimHeads`` and the next head is read, until a final one. (101 is skipped too: an
    /// HTTP/1.0 request never asks to switch protocols.) Every head together is held to the parser's limit.
    ///
    /// - Parameter allowHTTP09: take a reply without a status line as an HTTP/0.9 body (curl's `--http0.9`);
    ///   otherwise it is refused, being indistinguishable from a misbehaving server.
    /// - Throws: ``ClientError/emptyReply`` when the server closed without a byte, ``ClientError/noStatusLine``,
    ///   ``ClientError/unsupportedStatusLine(_:)``, ``ClientError/malformedHead(_:)`` for a bad line,
    ///   ``ClientError/badResponse(_:)`` for a head cut short or too large, ``ClientError/badFraming(_:)`` for
    ///   a `Content-Length` that cannot be trusted, and what the stream throws. ``partialHead`` then holds
    ///   the well-formed lines that came before the fault.
    public func readHead(allowHTTP09: Bool = false) throws(ClientError) -> HTTPResponseHead {
        let parser = HTTPResponseParser()
        var received: [UInt8] = []
        var interimBytes = 0
        while true {
            if !received.isEmpty {
                let parsed: (head: HTTPResponseHead, headLength: Int)?
                do {
                    parsed = try parser.parse(received)
                } catch .noStatusLine {
                    guard allowHTTP09, interimHeads.isEmpty else { throw .noStatusLine }
                    let head = HTTPResponseHead(version: HTTPVersion(major: 0, minor: 9), status: .ok)
                    return try start(head, received, headLength: 0, http09: true)
                } catch .unsupportedStatusLine(let why) {
                    throw .unsupportedStatusLine(why)
                } catch .malformed(_, let lineStart) {
                    partialHead = interimHeads.flatMap { $0 } + received[..<lineStart]
                    throw .malformedHead(Self.reason(parsing: received))
                } catch {
                    throw .badResponse(error.description)
                }
                if let (head, headLength) = parsed {
                    interimBytes += headLength
                    guard interimBytes <= parser.maxHeadBytes else {
                        throw .badResponse(HTTPResponseParser.Failure.headTooLarge(parser.maxHeadBytes).description)
                    }
                    guard head.status.code / 100 == 1 else {
                        return try start(head, received, headLength: headLength, http09: false)
                    }
                    interimHeads.append(Array(received[..<headLength]))
                    received.removeFirst(headLength)
                    continue
                }
            }
            let count = try read(into: buffer)
            if count == 0 {
                partialHead = interimHeads.flatMap { $0 } + Self.completeLines(received)
                // No line of a final head, only interim heads or a piece of a status line, then the close: no
                // response came (curl: "Empty reply from server").
                if !received.contains(UInt8(ascii: "\n")) { throw .emptyReply }
                throw .badResponse("connection closed inside the response head")
            }
            received += UnsafeRawBufferPointer(rebasing: buffer[..<count])
        }
    }

    /// The parser's words for the malformed head in `bytes` (the text of its `.malformed` failure).
    private static func reason(parsing bytes: [UInt8]) -> String {
        do {
            _ = try HTTPResponseParser().parse(bytes)
        } catch .malformed(let why, _) {
            return why
        } catch {
            return error.description
        }
        return "malformed response head"
    }

    /// The bytes of `bytes` up to the end of its last complete line.
    private static func completeLines(_ bytes: [UInt8]) -> [UInt8] {
        guard let lastLF = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        return Array(bytes[...lastLF])
    }

    /// Records `head` and keeps the body bytes that came with it.
    private func start(
        _ head: HTTPResponseHead,
        _ received: [UInt8],
        headLength: Int,
        http09: Bool
    ) throws(ClientError) -> HTTPResponseHead {
        self.head = head
        headBytes = headLength
        rawHead = Array(received[..<headLength])
        isHTTP09 = http09
        leftover = Array(received[headLength...])
        if isHTTP09 {
            framing = .untilClose
        } else {
            do {
                framing = try BodyFraming(response: head, requestMethod: requestMethod)
            } catch {
                // curl takes the head line by line and stops at the bad Content-Length: what came before it
                // is what it printed.
                partialHead = interimHeads.flatMap { $0 } + rawHead[..<Self.firstBadContentLength(rawHead)]
                throw .badFraming(error)
            }
        }
        isBodyComplete = framing == .none || framing == .length(0)
        return head
    }

    /// The offset of the first `Content-Length` line of `head` whose value is not all digits, or the head's
    /// length when every value is a number (the values then disagree: the whole head came before the fault).
    private static func firstBadContentLength(_ head: [UInt8]) -> Int {
        var start = 0
        for line in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            defer { start += line.count + 1 }
            let text = String(latin1: line.last == UInt8(ascii: "\r") ? line.dropLast() : line)
            guard let colon = text.firstIndex(of: ":"),
                text[..<colon].lowercased() == "content-length"
            else { continue }
            let value = text[text.index(after: colon)...].trimmingWhitespace()
            if value.isEmpty || !value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return start }
        }
        return head.count
    }

    /// Reads the next body bytes into `output`.
    ///
    /// - Returns: how many bytes were written to the start of `output`; 0 once the body is complete (and
    ///   after that). Bytes past a `Content-Length` or the last chunk are not part of the response and are
    ///   never handed out.
    /// - Throws: ``ClientError/cutBody(received:expected:)`` when the stream ends before the body does,
    ///   ``ClientError/badFraming(_:)`` for broken chunks, and what the stream throws.
    public func readBody(into output: UnsafeMutableRawBufferPointer) throws(ClientError) -> Int {
        precondition(head != nil, "readBody before readHead")
        precondition(!output.isEmpty, "readBody into an empty buffer")
        guard !isBodyComplete else { return 0 }
        let count: Int
        switch framing {
        case .none:
            count = 0
        case .length(let length):
            let wanted = Int(min(Int64(output.count), length - bodyBytesReceived))
            count = try receive(into: UnsafeMutableRawBufferPointer(rebasing: output[..<wanted]))
            if count == 0 { throw .cutBody(received: bodyBytesReceived, expected: length) }
            if bodyBytesReceived + Int64(count) == length { isBodyComplete = true }
        case .untilClose:
            count = try receive(into: output)
        case .chunked:
            count = try readChunkData(into: output)
        }
        if count == 0 { isBodyComplete = true }
        bodyBytesReceived += Int64(count)
        return count
    }

    /// Decodes chunked framing from the receive buffer until some chunk data lands in `output` or the last
    /// chunk has been read (0).
    private func readChunkData(into output: UnsafeMutableRawBufferPointer) throws(ClientError) -> Int {
        while !chunked.isComplete {
            if window.isEmpty {
                let count = try receive(into: buffer)
                if count == 0 { throw .cutBody(received: bodyBytesReceived, expected: nil) }
                window = 0..<count
            }
            // At most output.count bytes of input, so the data found in them always fits.
            let input = UnsafeRawBufferPointer(rebasing: buffer[window.prefix(output.count)])
            let consumed: Int
            let data: Range<Int>
            do { (consumed, data) = try chunked.decode(input) } catch { throw .badFraming(error) }
            window = (window.lowerBound + consumed)..<window.upperBound
            if !data.isEmpty {
                output.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[data]))
                return data.count
            }
        }
        return 0
    }

    /// Hands out the leftover bytes that came with the head first, then reads the stream.
    private func receive(into output: UnsafeMutableRawBufferPointer) throws(ClientError) -> Int {
        guard leftoverStart == leftover.count else {
            let count = min(output.count, leftover.count - leftoverStart)
            leftover.withUnsafeBytes { bytes in
                output.copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: bytes[leftoverStart..<(leftoverStart + count)])
                )
            }
            leftoverStart += count
            return count
        }
        return try read(into: output)
    }

    /// Reads the stream. A TLS end without `close_notify` (``ClientError/tlsTruncated``) counts as the end of
    /// the stream wherever the framing tells complete from cut by itself (a head, a length, chunks), so a cut
    /// body is the same ``ClientError/cutBody(received:expected:)`` over https as over http; only a
    /// close-delimited body, whose end nothing but `close_notify` can vouch for, keeps the error.
    private func read(into output: UnsafeMutableRawBufferPointer) throws(ClientError) -> Int {
        do {
            return try stream.read(into: output, deadline: deadline)
        } catch .tlsTruncated where !(head != nil && framing == .untilClose) {
            return 0
        }
    }

    /// Reads the whole body into an array.
    ///
    /// - Parameter limit: the most bytes to hold; a longer body throws ``ClientError/bodyTooLarge(_:)``.
    public func readWholeBody(limit: Int = .max) throws(ClientError) -> [UInt8] {
        var body: [UInt8] = []
        if let expected = expectedBodyBytes { body.reserveCapacity(Int(min(expected, Int64(min(limit, 1 << 24))))) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try readBody(into: chunk)
            if count == 0 { return body }
            guard body.count + count <= limit else { throw .bodyTooLarge(limit) }
            body += UnsafeRawBufferPointer(rebasing: chunk[..<count])
        }
    }
}
