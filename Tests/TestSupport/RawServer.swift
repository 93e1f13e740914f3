import HTTPCore
import Sockets
import System

/// A throwaway server that misbehaves on purpose: it accepts up to `connections` connections one after
/// another, reads each request head (and a `Content-Length` body), records it, and answers with whatever
/// `reply` says: exact bytes, a pause, or silence.
public final class RawServer: Sendable {
    /// What the server does with one connection, once it has read the request.
    public enum Reply: Sendable {
        /// Send these bytes, then close.
        case bytes([UInt8])
        /// Send the first bytes, wait, send the rest, close.
        case slow([UInt8], pause: Duration, rest: [UInt8])
        /// Close without a word.
        case close
        /// nginx's habit (issue 9): if the client half-closed after its request, send only the first `keep`
        /// bytes and close (with a reset when `reset`); otherwise send them all. Records which it was.
        case abortAfterHalfClose([UInt8], keep: Int, reset: Bool = false)
    }

    /// The port it listens on (picked by the kernel).
    public let port: UInt16
    /// The address it listens on.
    public let host: String
    private let requests = Locked<[String]>([])
    private let halfCloses = Locked<[Int: Bool]>([:])

    /// The request heads and bodies received so far, as ISO-8859-1 text.
    public var received: [String] { requests.withLock { $0 } }

    /// For each connection answered with `.abortAfterHalfClose`, in order: whether the client had half-closed.
    public var halfClosed: [Bool] { halfCloses.withLock { $0.sorted { $0.key < $1.key }.map(\.value) } }

    /// Starts listening on `host`, port 0, and answers `connections` connections one after another with what
    /// `reply` returns for each (its index and the request received).
    public init(
        host: String = "127.0.0.1",
        connections: Int = 1,
        reply: @escaping @Sendable (Int, String) -> Reply
    ) throws {
        let address = try SocketAddress.resolve(host: host, port: 0)[0]
        let listener = try Socket(family: address.family)
        try listener.setReuseAddress(true)
        try listener.bind(to: address)
        try listener.listen(backlog: 8)
        port = try listener.localAddress().port
        self.host = host
        try Threads.detach { [self] in
            defer { listener.close() }
            for index in 0..<connections {
                guard let connection = try? listener.accept() else { return }
                try? connection.setTimeouts(receive: .seconds(10), send: .seconds(10))
                let request = Self.readRequest(connection)
                self.requests.withLock { $0.append(request) }
                switch reply(index, request) {
                case .bytes(let bytes):
                    try? connection.sendAll(bytes)
                case .slow(let first, let pause, let rest):
                    try? connection.sendAll(first)
                    Threads.sleep(pause)
                    try? connection.sendAll(rest)
                case .close:
                    break
                case .abortAfterHalfClose(let bytes, let keep, let reset):
                    // A half-closed client's FIN is already there; one that keeps its side open sends nothing.
                    try? connection.setTimeouts(receive: .milliseconds(300), send: .seconds(10))
                    let halfClosed = (try? connection.receive(upTo: 1))?.isEmpty == true
                    self.halfCloses.withLock { $0[index] = halfClosed }
                    try? connection.sendAll(halfClosed ? Array(bytes.prefix(keep)) : bytes)
                    if halfClosed && reset { try? connection.setResetOnClose() }
                }
                connection.close()
            }
        }
    }

    /// `http://host:port` plus `path`, with IPv6 hosts in brackets.
    public func url(_ path: String = "/") -> String {
        let name = host.contains(":") ? "[\(host)]" : host
        return "http://\(name):\(port)\(path)"
    }

    private static func readRequest(_ connection: Socket) -> String {
        var received: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            guard let chunk = try? connection.receive(upTo: 4096), !chunk.isEmpty else { break }
            received += chunk
            if let range = received.firstRange(of: Array("\r\n\r\n".utf8)) { headEnd = range.upperBound }
        }
        let head = String(latin1: received)
        if let headEnd,
            let line = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-length:") }),
            let length = Int(line.split(separator: ":")[1].trimmingPrefix(" "))
        {
            while received.count < headEnd + length {
                guard let chunk = try? connection.receive(upTo: 4096), !chunk.isEmpty else { break }
                received += chunk
            }
        }
        return String(latin1: received)
    }
}
