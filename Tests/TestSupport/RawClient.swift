import HTTPCore
import HTTPServer
import Sockets

/// What a raw client connects to: a `Server`, or a `TestServer` (its server's address).
public protocol LocalServer {
    /// The address the server listens on.
    var localAddress: SocketAddress { get }
}

extension Server: LocalServer {}

extension TestServer: LocalServer {
    /// The address the server listens on.
    public var localAddress: SocketAddress { server.localAddress }
}

/// A raw client connection to `server` with blocking calls: it connects within 5 s, then every receive and
/// send may wait `timeout`. `receiveBuffer` sets SO_RCVBUF before connecting (a slow or small reader).
public func connectClient(
    _ server: some LocalServer,
    receiveBuffer: Int? = nil,
    timeout: Duration = .seconds(10)
) throws -> Socket {
    let socket = try Socket(family: .ipv4)
    if let receiveBuffer { try socket.setReceiveBufferSize(receiveBuffer) }
    try socket.connect(to: server.localAddress, timeout: .seconds(5))
    try socket.setTimeouts(receive: timeout, send: timeout)
    return socket
}

/// Reads until EOF; `pause` is called between reads (a slow reader).
public func readToEnd(_ socket: Socket, chunk: Int = 65536, pause: (() -> Void)? = nil) throws -> [UInt8] {
    var reply: [UInt8] = []
    while true {
        let bytes = try socket.receive(upTo: chunk)
        if bytes.isEmpty { return reply }
        reply += bytes
        pause?()
    }
}

/// Sends `request` (Latin-1), half-closes, and returns everything the server sent back, as Latin-1; each receive
/// may wait `timeout`.
public func exchange(_ server: some LocalServer, _ request: String, timeout: Duration = .seconds(5)) throws -> String {
    let socket = try connectClient(server, timeout: timeout)
    defer { socket.close() }
    try socket.sendAll(request.latin1Bytes)
    try socket.shutdown(.write)
    return String(latin1: try readToEnd(socket))
}

/// Sends `request` without half-closing, then reads until the server closes (or 10 s pass); returns the reply
/// (Latin-1) and the seconds from the request to the close.
public func exchangeKeepingOpen(
    _ server: some LocalServer,
    _ request: [UInt8]
) throws -> (
    reply: String, seconds: Double
) {
    let socket = try connectClient(server)
    defer { socket.close() }
    let start = ContinuousClock.now
    if !request.isEmpty { try socket.sendAll(request) }
    let reply = try readToEnd(socket)
    let elapsed = ContinuousClock.now - start
    return (String(latin1: reply), Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// Splits a reply at the end of its head (the head as UTF-8 text, the body as bytes).
public func splitReply(_ reply: [UInt8]) -> (head: String, body: ArraySlice<UInt8>) {
    let marker: [UInt8] = [13, 10, 13, 10]
    var index = 0
    while index + 4 <= reply.count {
        if reply[index..<(index + 4)].elementsEqual(marker) {
            return (String(decoding: reply[..<index], as: UTF8.self), reply[(index + 4)...])
        }
        index += 1
    }
    return (String(decoding: reply, as: UTF8.self), [])
}

/// The status line of a reply.
public func statusLine(_ reply: String) -> String {
    // "\r\n" is one Character in Swift: look at scalars.
    String(String.UnicodeScalarView(reply.unicodeScalars.prefix { $0 != "\r" && $0 != "\n" }))
}

/// A reply that is not a complete HTTP response head.
public struct IncompleteReply: Error, CustomStringConvertible {
    /// The bytes received.
    public let bytes: [UInt8]
    public var description: String { "incomplete reply: \(String(latin1: bytes.prefix(200)))" }
}

/// GETs `target` in one raw HTTP/1.0 exchange and parses the reply's head with HTTPCore's response parser.
public func get(_ server: some LocalServer, _ target: String) throws -> (head: HTTPResponseHead, body: [UInt8]) {
    let socket = try connectClient(server)
    defer { socket.close() }
    try socket.sendAll(Array("GET \(target) HTTP/1.0\r\n\r\n".utf8))
    let reply = try readToEnd(socket)
    guard let (head, length) = try HTTPResponseParser().parse(reply) else { throw IncompleteReply(bytes: reply) }
    return (head, Array(reply[length...]))
}

/// Base64 (RFC 4648 §4, with padding), for the fields tests send, such as `Authorization: Basic`.
public func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        let chunk = bytes[index..<min(index + 3, bytes.count)]
        let value = chunk.enumerated().reduce(0) { $0 | Int($1.element) << (16 - 8 * $1.offset) }
        for position in 0..<4 {
            out.append(position <= chunk.count ? alphabet[(value >> (18 - 6 * position)) & 63] : UInt8(ascii: "="))
        }
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}
