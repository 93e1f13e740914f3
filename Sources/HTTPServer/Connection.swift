import HTTPCore
import Sockets
import System

/// One client connection and where it stands, as darkhttpd keeps it: a small state machine
/// that an ``EventLoop`` advances whenever the socket is ready or a deadline passes.
///
/// reading head → sending (head, then body) → lingering close → closed. Every step is
/// non-blocking; EAGAIN parks the connection until epoll says it is ready again.
final class Connection {
    enum State {
        /// Receiving the request head; watched for readable.
        case readingHead
        /// Sending the status line, headers and body; watched for writable only, so a client that
        /// half-closed (an EOF that stays readable) neither stops the response nor spins the loop.
        case sending
        /// Response sent and our side shut down: discarding what the client still sends until its EOF.
        case lingering
    }

    /// What the connection waits for next.
    enum Next {
        case read, write, close
    }

    let socket: Socket
    /// The loop's name for this connection: its epoll registrations carry it (``TokenTable``).
    let token: UInt64
    let peer: SocketAddress
    var state = State.readingHead
    /// Monotonic milliseconds after which ``EventLoop`` times the current state out.
    var deadline: Int64
    /// What the socket is registered for in the loop's epoll set; `nil` while not registered.
    var registered: Epoll.Events?

    /// The request bytes received so far (the head, and whatever followed it).
    var received: [UInt8] = []
    var request: HTTPRequest?
    /// Whether the client may still send bytes we will not read: then closing at once could turn
    /// our FIN into a reset that destroys the response (RFC 9112 §9.6), so the close lingers.
    var mayHaveUnreadInput = true

    // The response being sent.
    var status = 0
    var head: [UInt8] = []
    var headSent = 0
    var body: [UInt8] = []
    var bodyOffset = 0
    var file: OpenFile?
    var fileStart: Int64 = 0
    var fileOffset: Int64 = 0
    var fileEnd: Int64 = 0
    /// Body bytes that really went out: what the access log reports.
    var bodySent: Int64 = 0
    var logged = false
    /// The user that Basic authentication let in, for the access log's third field.
    var user: String?

    init(socket: Socket, peer: SocketAddress, token: UInt64, deadline: Int64) {
        self.socket = socket
        self.token = token
        self.peer = peer
        self.deadline = deadline
    }

    /// Whether head or in-memory body bytes are still to be sent.
    var hasBytesToSend: Bool { headSent < head.count || bodyOffset < body.count }

    /// Takes over `plan`: the head (unless HTTP/0.9) and where the body comes from.
    func load(_ plan: ResponsePlan) {
        state = .sending
        status = plan.status.code
        head = plan.sendsHead ? plan.head.serialized() : []
        switch plan.body {
        case .none: break
        case .bytes(let bytes): body = bytes
        case .file(let openFile, let offset, let length) where length <= Self.smallFileLimit:
            // A small file costs less copied than spliced: one pread into memory, then head and body leave
            // in one sendmsg (one TCP push) instead of sendmsg(MSG_MORE) + sendfile through the splice path.
            if let bytes = Self.read(openFile, offset: offset, length: Int(length)) {
                openFile.close()
                body = bytes
            } else {
                file = openFile
                fileStart = offset
                fileOffset = offset
                fileEnd = offset + length
            }
        case .file(let openFile, let offset, let length):
            file = openFile
            fileStart = offset
            fileOffset = offset
            fileEnd = offset + length
        }
    }

    /// Files up to this size are sent from memory; larger ones with sendfile(2).
    static let smallFileLimit: Int64 = 16384

    /// Reads `length` bytes at `offset`; `nil` on error, or when the file is no longer the version the plan
    /// was built from (the bytes may mix two versions): the sendfile path then sees the change and resets.
    static func read(_ file: OpenFile, offset: Int64, length: Int) -> [UInt8]? {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            initialized = 0
            while initialized < length {
                let raw = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[initialized...])
                guard let count = try? file.read(into: raw, at: offset + Int64(initialized)) else {
                    failed = true
                    return
                }
                if count == 0 { return }
                initialized += count
            }
        }
        guard !failed, let now = try? file.status(),
            file.firstStatus.map({ FileVersion(now) == FileVersion($0) }) ?? true
        else {
            return nil
        }
        return bytes
    }

    /// Whether the file being sent is no longer the version the head described (rewritten in place,
    /// truncated or grown since the plan's `fstat`): the bytes sent may then be a mix of two versions.
    /// A file deleted or renamed meanwhile is unchanged: the open descriptor still reads the old one.
    func fileChanged() -> Bool {
        guard let file, let promised = file.firstStatus, let now = try? file.status() else { return false }
        return FileVersion(now) != FileVersion(promised)
    }

    /// Counts `count` bytes taken by a gathered send of the head's rest and then the body's rest.
    func advance(sent count: Int) {
        let fromHead = min(count, head.count - headSent)
        headSent += fromHead
        bodyOffset += count - fromHead
        bodySent += Int64(count - fromHead)
    }

    /// Releases the response's memory and file as soon as it is sent, before a lingering close.
    func releaseResponse() {
        file?.close()
        file = nil
        head = []
        body = []
        headSent = 0
        bodyOffset = 0
    }

    /// Closes the socket and any file still open.
    func close() {
        file?.close()
        file = nil
        socket.close()
    }
}
