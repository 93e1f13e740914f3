import HTTPCore
import Sockets

/// Reads one response from a connected socket: the head, then the body as its framing says.
///
/// One receive buffer, allocated once, carries the whole transfer, so memory stays constant
/// whatever the size of the body.
struct ResponseReader {
    let socket: Socket
    let deadline: ContinuousClock.Instant?
    let allowHTTP09: Bool
    private let buffer: UnsafeMutableRawBufferPointer

    init(socket: Socket, deadline: ContinuousClock.Instant?, bufferSize: Int, allowHTTP09: Bool) {
        self.socket = socket
        self.deadline = deadline
        self.allowHTTP09 = allowHTTP09
        buffer = .allocate(byteCount: max(4096, bufferSize), alignment: 16)
    }

    /// Frees the receive buffer.
    func release() { buffer.deallocate() }

    /// The framing of `head`'s body; `isHead` when the request was HEAD.
    static func framing(of head: HTTPResponseHead, isHead: Bool) throws(FetchError) -> BodyFraming {
        do {
            return try BodyFraming(response: head, requestMethod: isHead ? .head : .get)
        } catch {
            throw .receiveFailed(error.description)
        }
    }

    /// Receives the next bytes into the buffer; 0 means end of file.
    func receive() throws(FetchError) -> Int {
        do {
            if let deadline {
                let left = try remaining(deadline)
                guard try Poll.wait(for: .readable, on: socket, timeoutMilliseconds: Poll.milliseconds(left)) else {
                    throw FetchError.timedOut("operation")
                }
            }
            switch try socket.receive(into: buffer) {
            case .processed(let count): return count
            case .wouldBlock: throw FetchError.timedOut("reading the response")
            }
        } catch let error as FetchError {
            throw error
        } catch SocketError.peerClosed {
            throw .connectionReset
        } catch {
            throw .receiveFailed("\(error)")
        }
    }

    func read(
        isHead: Bool,
        onEvent: (ClientEvent) -> Void,
        onHead: (HTTPResponseHead) throws -> BodyAction,
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws(FetchError) -> FetchResult {
        let parser = HTTPResponseParser()
        var pending: [UInt8] = []
        var parsed: (head: HTTPResponseHead, headLength: Int)?
        var http09 = false
        while parsed == nil {
            let count = try receive()
            if count == 0 {
                if pending.isEmpty { throw .emptyReply }
                throw .receiveFailed("connection closed inside the response head")
            }
            pending += UnsafeRawBufferPointer(rebasing: buffer[..<count])
            do {
                parsed = try parser.parse(pending)
            } catch .noStatusLine {
                // curl refuses HTTP/0.9 unless --http0.9: a reply without a status line is
                // indistinguishable from a misbehaving server.
                guard allowHTTP09 else {
                    throw .receiveFailed("unsupported HTTP/0.9 reply (no status line; use --http0.9)")
                }
                http09 = true
                onEvent(.http09)
                parsed = (HTTPResponseHead(version: HTTPVersion(major: 0, minor: 9), status: .ok), 0)
            } catch {
                throw .receiveFailed(error.description)
            }
        }
        guard let (head, headLength) = parsed else { throw .emptyReply }
        if !http09 { onEvent(.responseHead(head)) }
        let action: BodyAction
        do { action = try onHead(head) } catch { throw Self.sinkError(error) }
        var result = FetchResult(head: head, bodyBytes: 0, headBytes: headLength, bodyWasRead: false)
        guard action == .read else { return result }
        result.bodyWasRead = true

        let framing = http09 ? .untilClose : try Self.framing(of: head, isHead: isHead)
        var body = BodyFramer(framing: framing)
        func deliver(_ bytes: UnsafeRawBufferPointer) throws(FetchError) {
            guard !bytes.isEmpty else { return }
            do { try onBody(bytes) } catch { throw Self.sinkError(error) }
            result.bodyBytes += Int64(bytes.count)
        }
        let leftover = Array(pending[headLength...])
        var finished: Bool
        do {
            finished = try leftover.withUnsafeBytes { raw in try body.feed(raw, deliver: deliver) }
        } catch {
            throw Self.sinkError(error)
        }
        while !finished {
            let count = try receive()
            if count == 0 {
                try body.finishAtEndOfFile()
                break
            }
            finished = try body.feed(UnsafeRawBufferPointer(rebasing: buffer[..<count]), deliver: deliver)
        }
        return result
    }

    static func sinkError(_ error: any Error) -> FetchError {
        (error as? FetchError) ?? .writeFailed("\(error)")
    }
}

/// Splits the bytes after the head into body data according to the framing.
struct BodyFramer {
    private var framing: BodyFraming
    private var remaining: Int64
    private var chunked = ChunkedDecoder()

    init(framing: BodyFraming) {
        self.framing = framing
        if case .length(let length) = framing { remaining = length } else { remaining = 0 }
    }

    /// Feeds received bytes; returns `true` once the body is complete.
    mutating func feed(
        _ bytes: UnsafeRawBufferPointer,
        deliver: (UnsafeRawBufferPointer) throws(FetchError) -> Void
    ) throws(FetchError) -> Bool {
        switch framing {
        case .none:
            return true
        case .length:
            // Bytes past Content-Length are not part of this response (RFC 9112 §6.3).
            let count = Int(min(Int64(bytes.count), remaining))
            try deliver(UnsafeRawBufferPointer(rebasing: bytes[..<count]))
            remaining -= Int64(count)
            return remaining == 0
        case .chunked:
            var offset = 0
            while offset < bytes.count, !chunked.isComplete {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                let consumed: Int
                let data: Range<Int>
                do { (consumed, data) = try chunked.decode(rest) } catch { throw .receiveFailed(error.description) }
                try deliver(UnsafeRawBufferPointer(rebasing: rest[data]))
                offset += consumed
            }
            return chunked.isComplete
        case .untilClose:
            try deliver(bytes)
            return false
        }
    }

    /// The connection reached EOF: fine for a body delimited by the close, an error for the others.
    func finishAtEndOfFile() throws(FetchError) {
        switch framing {
        case .none, .untilClose: return
        case .length: if remaining > 0 { throw .partialFile(remaining: remaining) }
        case .chunked:
            // curl: "transfer closed with outstanding read data remaining" (exit 18).
            if !chunked.isComplete {
                throw FetchError(exitCode: 18, message: "transfer closed with outstanding read data remaining")
            }
        }
    }
}
