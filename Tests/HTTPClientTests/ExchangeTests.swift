import Fetch
import HTTPClient
import HTTPCore
import Sockets
import System
import Testing

/// A ``ByteStream`` that plays a script: each read returns the next piece (cut to the reader's buffer), or
/// ends the stream, times out, or resets. What is written is recorded. Proves the reader needs no socket.
final class ScriptedStream: ByteStream {
    enum Step {
        case bytes([UInt8])
        case endOfFile
        case timeout
        case reset
    }

    private var steps: [Step]
    private(set) var written: [UInt8] = []
    private(set) var halfClosed = false
    private(set) var closed = false
    /// How many reads the reader made.
    private(set) var reads = 0

    init(_ steps: [Step]) { self.steps = steps }

    /// `text` one byte a read, the worst a network can do.
    static func byteByByte(_ text: String) -> [Step] { text.utf8.map { .bytes([$0]) } }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant?) throws(ClientError) -> Int
    {
        reads += 1
        guard !steps.isEmpty else { return 0 }
        switch steps.removeFirst() {
        case .bytes(let bytes):
            let count = min(bytes.count, buffer.count)
            bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            if count < bytes.count { steps.insert(.bytes(Array(bytes[count...])), at: 0) }
            return count
        case .endOfFile: return 0
        case .timeout: throw .timedOut("reading the response")
        case .reset: throw .connectionReset
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant?) throws(ClientError) {
        written += bytes
    }

    func closeWrite() throws(ClientError) { halfClosed = true }

    func close() { closed = true }
}

/// Reads the rest of the body `chunk` bytes at a time at most, until it ends or a read throws.
///
/// - Returns: the bytes handed out, and what the failing read threw (`nil` when the body ended well).
func readToFailure(_ exchange: Exchange, chunk: Int = 64 * 1024) -> (body: [UInt8], error: ClientError?) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
    defer { buffer.deallocate() }
    var body: [UInt8] = []
    while true {
        let count: Int
        do { count = try exchange.readBody(into: buffer) } catch { return (body, error) }
        if count == 0 { return (body, nil) }
        #expect(count <= chunk)
        body += UnsafeRawBufferPointer(rebasing: buffer[..<count])
    }
}

/// The pull API over an in-memory stream: partial reads, EOF mid-body, timeouts, resets, framing.
@Suite struct ExchangeTests {
    /// An exchange over `steps` whose GET (or `method`) has been sent and whose head has been read.
    static func exchange(
        _ steps: [ScriptedStream.Step],
        method: HTTPMethod = .get,
        allowHTTP09: Bool = false
    ) throws -> (Exchange, ScriptedStream) {
        let stream = ScriptedStream(steps)
        let exchange = Exchange(stream: stream, bufferSize: 4096)
        try exchange.send(HTTPRequest(method: method, target: "/", version: .http1_0, headers: HTTPHeaders()))
        _ = try exchange.readHead(allowHTTP09: allowHTTP09)
        return (exchange, stream)
    }

    @Test func send_writesHeadAndBody_thenHalfCloses() throws {
        let stream = ScriptedStream([])
        let exchange = Exchange(stream: stream)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "h")
        try exchange.send(
            HTTPRequest(method: .post, target: "/f", version: .http1_0, headers: headers),
            body: "a=1".bytes,
            halfClose: true
        )
        #expect(String(latin1: stream.written) == "POST /f HTTP/1.0\r\nHost: h\r\n\r\na=1")
        #expect(stream.halfClosed)
        let other = ScriptedStream([])
        try Exchange(stream: other).send(
            HTTPRequest(method: .get, target: "/", version: .http1_0, headers: headers),
            halfClose: false
        )
        #expect(!other.halfClosed)
    }

    @Test func headOneByteARead_bodyInPartialReads_stopsAtContentLength() throws {
        let steps =
            ScriptedStream.byteByByte("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n")
            + [.bytes("0123".bytes), .bytes("456".bytes), .bytes("789EXTRA".bytes)]
        let (exchange, _) = try Self.exchange(steps)
        #expect(exchange.head?.status == .ok)
        #expect(exchange.headBytes == 39)
        #expect(exchange.expectedBodyBytes == 10)
        #expect(readToFailure(exchange, chunk: 3) == ("0123456789".bytes, nil))
        #expect(exchange.bodyBytesReceived == 10)
        #expect(exchange.isBodyComplete)
    }

    @Test func bytesThatCameWithTheHead_comeFirst() throws {
        let (exchange, stream) = try Self.exchange([.bytes("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello".bytes)])
        #expect(readToFailure(exchange, chunk: 2) == ("hello".bytes, nil))
        #expect(stream.reads == 1)
    }

    @Test func endOfFileMidBody_isCutBody_afterTheBytesThatCame() throws {
        let (exchange, _) = try Self.exchange([
            .bytes("HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\n01".bytes), .bytes("23".bytes), .endOfFile,
        ])
        let (body, error) = readToFailure(exchange)
        #expect(error == ClientError.cutBody(received: 4, expected: 10))
        #expect(body == "0123".bytes)
        #expect(!exchange.isBodyComplete)
        #expect(error?.isCutShort == true)
        #expect(error.map(FetchError.init) == .partialFile(remaining: 6))
    }

    @Test func chunkedBody_splitAnywhere_isDecoded_intoASmallBuffer() throws {
        let wire =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX: y\r\n\r\nGARBAGE"
        let (exchange, _) = try Self.exchange(ScriptedStream.byteByByte(wire))
        #expect(exchange.framing == .chunked)
        #expect(readToFailure(exchange, chunk: 3) == ("hello, world".bytes, nil))
        #expect(exchange.bodyBytesReceived == 12)
    }

    @Test func chunkedBody_endingBeforeTheLastChunk_isCutBodyOfUnknownLength() throws {
        let (exchange, _) = try Self.exchange([
            .bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel".bytes), .endOfFile,
        ])
        let (body, error) = readToFailure(exchange)
        #expect(error == ClientError.cutBody(received: 3, expected: nil))
        #expect(body == "hel".bytes)
        #expect(error.map(FetchError.init)?.exitCode == 18)
        #expect(error?.description == "transfer closed with outstanding read data remaining")
    }

    @Test func brokenChunkSize_isBadFraming() throws {
        let (exchange, _) = try Self.exchange([
            .bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".bytes)
        ])
        let (_, error) = readToFailure(exchange)
        #expect(error == ClientError.badFraming(.malformedChunk("missing chunk size")))
    }

    @Test func timeoutMidBody_isTimedOut_afterTheBytesThatCame() throws {
        let (exchange, _) = try Self.exchange([
            .bytes("HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nabc".bytes), .timeout,
        ])
        let (body, error) = readToFailure(exchange)
        #expect(error == ClientError.timedOut("reading the response"))
        #expect(body == "abc".bytes)
        #expect(error?.isTransient == true)
        #expect(error.map(FetchError.init)?.exitCode == 28)
    }

    @Test func resetMidBody_isConnectionReset_whichIsCutShort() throws {
        let (exchange, _) = try Self.exchange([.bytes("HTTP/1.0 200 OK\r\nContent-Length: 9\r\n\r\nabc".bytes), .reset])
        let (body, error) = readToFailure(exchange)
        #expect(error == ClientError.connectionReset)
        #expect(body == "abc".bytes)
        #expect(error?.isCutShort == true)
        #expect(error.map(FetchError.init)?.exitCode == 56)
    }

    @Test func bodyWithoutLength_endsAtEndOfFile_successfully() throws {
        let (exchange, _) = try Self.exchange([.bytes("HTTP/1.0 200 OK\r\n\r\nall ".bytes), .bytes("of it".bytes)])
        #expect(exchange.framing == .untilClose)
        #expect(exchange.expectedBodyBytes == nil)
        #expect(try exchange.readWholeBody() == "all of it".bytes)
        #expect(exchange.isBodyComplete)
    }

    @Test func head_and204_haveNoBody_whateverTheFieldsSay() throws {
        let (head, _) = try Self.exchange(
            [.bytes("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n".bytes)],
            method: .head
        )
        #expect(head.isBodyComplete)
        #expect(try head.readWholeBody() == [])
        let (noContent, _) = try Self.exchange([.bytes("HTTP/1.0 204 No Content\r\nContent-Length: 3\r\n\r\nabc".bytes)]
        )
        #expect(try noContent.readWholeBody() == [])
    }

    @Test func emptyReply_andCloseInsideTheHead_areDistinct() throws {
        #expect(throws: ClientError.emptyReply) { try Self.exchange([.endOfFile]) }
        #expect(throws: ClientError.badResponse("connection closed inside the response head")) {
            try Self.exchange([.bytes("HTTP/1.0 200 OK\r\n".bytes), .endOfFile])
        }
    }

    @Test func noStatusLine_isRefused_unlessHTTP09IsAllowed() throws {
        #expect(throws: ClientError.noStatusLine) { try Self.exchange([.bytes("just a body".bytes)]) }
        let (exchange, _) = try Self.exchange([.bytes("just ".bytes), .bytes("a body".bytes)], allowHTTP09: true)
        #expect(exchange.isHTTP09)
        #expect(exchange.head?.version == HTTPVersion(major: 0, minor: 9))
        #expect(try exchange.readWholeBody() == "just a body".bytes)
    }

    @Test func interimHeads_areSkipped_andKeptAsReceived() throws {
        let (exchange, _) = try Self.exchange(
            ScriptedStream.byteByByte("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\nLink: </a>\n\n")
                + [.bytes("HTTP/1.0 200\r\nContent-Length: 2\r\n\r\nhi".bytes)]
        )
        #expect(exchange.head?.status.code == 200)
        #expect(
            exchange.interimHeads.map { String(latin1: $0) } == [
                "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 103 Early\nLink: </a>\n\n",
            ]
        )
        #expect(String(latin1: exchange.rawHead) == "HTTP/1.0 200\r\nContent-Length: 2\r\n\r\n")
        #expect(try exchange.readWholeBody() == "hi".bytes)
    }

    @Test func interimHeadsThenTheClose_isAnEmptyReply() throws {
        #expect(throws: ClientError.emptyReply) {
            try Self.exchange([.bytes("HTTP/1.1 100 Continue\r\n\r\n".bytes), .endOfFile])
        }
    }

    @Test func malformedHead_keepsTheLinesBeforeTheFault() throws {
        let stream = ScriptedStream([
            .bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nA: 1\r\nX\u{0}: 2\r\n\r\n".bytes)
        ])
        let exchange = Exchange(stream: stream)
        try exchange.send(HTTPRequest(method: .get, target: "/", version: .http1_0, headers: HTTPHeaders()))
        #expect(throws: ClientError.malformedHead("Nul byte in header")) { try exchange.readHead() }
        #expect(String(latin1: exchange.partialHead) == "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nA: 1\r\n")
        #expect(FetchError(.malformedHead("Nul byte in header")).exitCode == 8)
    }

    @Test func chunkedTrailers_areHandedOut_afterTheBody() throws {
        let (exchange, _) = try Self.exchange([
            .bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n".bytes)
        ])
        #expect(try exchange.readWholeBody() == "hi".bytes)
        #expect(exchange.trailerLines == ["X-T: 1".bytes])
    }

    @Test func conflictingContentLengths_areBadFraming() throws {
        #expect(throws: ClientError.badFraming(.invalidContentLength("2"))) {
            try Self.exchange([.bytes("HTTP/1.0 200 OK\r\nContent-Length: 2, 3\r\n\r\nabc".bytes)])
        }
    }

    @Test func wholeBody_overTheLimit_isBodyTooLarge() throws {
        let (exchange, _) = try Self.exchange([.bytes("HTTP/1.0 200 OK\r\n\r\n0123456789".bytes)])
        #expect(throws: ClientError.bodyTooLarge(5)) { try exchange.readWholeBody(limit: 5) }
    }

    @Test func socketStream_writesAll_halfCloses_andTimesOutAtTheDeadline() throws {
        let (near, far) = try Socket.makePair()
        defer { far.close() }
        let stream = SocketStream(socket: near)
        defer { stream.close() }
        // More than a socket buffer holds: send(2) takes it in parts, the stream loops.
        let big = [UInt8](repeating: 7, count: 4 << 20)
        let received = Locked<Int?>(nil)
        try Threads.detach {
            var count = 0
            while let chunk = try? far.receive(upTo: 1 << 16), !chunk.isEmpty { count += chunk.count }
            received.withLock { $0 = count }
        }
        try stream.write(big, deadline: .now + .seconds(10))
        // The half-close is what ends the reader's loop: its recv returns 0.
        try stream.closeWrite()
        let waitEnd = ContinuousClock.now + .seconds(10)
        while received.withLock({ $0 }) == nil && ContinuousClock.now < waitEnd { Threads.sleep(.milliseconds(5)) }
        #expect(received.withLock { $0 } == big.count)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
        defer { buffer.deallocate() }
        let start = ContinuousClock.now
        #expect(throws: ClientError.timedOut("operation")) {
            try stream.read(into: buffer, deadline: .now + .milliseconds(100))
        }
        #expect(ContinuousClock.now - start < .seconds(2))
        try far.sendAll("x".bytes)
        far.close()
        #expect(try stream.read(into: buffer, deadline: nil) == 1)
        #expect(try stream.read(into: buffer, deadline: nil) == 0)
    }
}
