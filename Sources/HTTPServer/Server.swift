import HTTPCore
import Sockets
import Synchronization

/// A static-file HTTP/1.0 server listening on one socket.
///
/// Create it to bind and listen, then call ``run()`` to serve until ``stop()`` or, with
/// `stopOnSignals`, SIGINT/SIGTERM. Each accepted connection is served on its own thread with
/// blocking sockets and `SO_RCVTIMEO`/`SO_SNDTIMEO` deadlines: read the head, send the answer,
/// close with a lingering close.
public final class Server: Sendable {
    /// The configuration it was started with.
    public let configuration: ServerConfiguration
    /// The address it listens on; with port 0 this holds the port the kernel picked.
    public let localAddress: SocketAddress
    let handler: StaticFileHandler
    let accessLog: AccessLog
    private let listener: Socket
    private let stopping = Atomic<Bool>(false)

    /// Why the server could not start.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Checks the root, opens the access log, binds and listens.
    ///
    /// - Throws: ``StartError`` with a one-line reason such as
    ///   `cannot listen on 127.0.0.1:80: bind: Permission denied (errno 13)`.
    public init(configuration: ServerConfiguration) throws(StartError) {
        self.configuration = configuration
        do {
            handler = try StaticFileHandler(root: configuration.root, serverName: configuration.serverName)
        } catch {
            throw StartError(description: error.description)
        }
        do {
            accessLog = try AccessLog(destination: configuration.accessLog)
        } catch {
            throw StartError(description: "cannot open access log: \(error)")
        }
        let where_ = "\(configuration.host):\(configuration.port)"
        do {
            let address = try SocketAddress.resolve(host: configuration.host, port: configuration.port, passive: true)[
                0
            ]
            let socket = try Socket(family: address.family)
            try socket.setReuseAddress(true)
            if address.family == .ipv6 { try socket.setIPv6Only(true) }
            try socket.bind(to: address)
            try socket.listen(backlog: configuration.backlog)
            listener = socket
            localAddress = try socket.localAddress()
        } catch {
            throw StartError(description: "cannot listen on \(where_): \(error)")
        }
    }

    /// `http://127.0.0.1:PORT/`, with IPv6 hosts in brackets.
    public var url: String { "http://\(localAddress)/" }

    /// Serves connections until ``stop()`` is called or, if `stopOnSignals`, SIGINT or SIGTERM arrives.
    ///
    /// Wakes at least every 200 ms to look at the stop flags, like darkhttpd's `stop_running`.
    public func run(stopOnSignals: Bool = false) throws {
        defer { listener.close() }
        while !stopping.load(ordering: .relaxed) && !(stopOnSignals && Signals.stopRequested) {
            guard try Poll.wait(for: .readable, on: listener, timeoutMilliseconds: 200) else { continue }
            let connection: Socket?
            do {
                connection = try listener.accept()
            } catch {
                // EMFILE/ENFILE and friends: report, back off, keep serving the connections we have.
                OutputFile.standardError.write("http-serve: warning: \(error)\n")
                Threads.sleep(.milliseconds(100))
                continue
            }
            guard let connection else { continue }
            let server = self
            do {
                try Threads.detach { server.serve(connection) }
            } catch {
                OutputFile.standardError.write("http-serve: warning: \(error)\n")
                connection.close()
            }
        }
    }

    /// Asks ``run()`` to return; it does within 200 ms.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
    }

    /// Serves one connection: read the request head, answer, lingering close.
    func serve(_ connection: Socket) {
        let client = (try? connection.peerAddress().host) ?? "-"
        defer { connection.close() }
        do {
            try connection.setTimeouts(receive: configuration.timeout, send: configuration.timeout)
        } catch {
            return
        }
        let parser = HTTPRequestParser(limits: configuration.limits)
        var buffer: [UInt8] = []
        var request: HTTPRequest?
        var plan: ResponsePlan
        read: while true {
            do {
                if let (parsed, _) = try parser.parse(buffer) {
                    request = parsed
                    plan = handler.respond(to: parsed, now: WallClock.secondsSinceEpoch())
                    break read
                }
            } catch {
                plan = handler.respond(to: error, now: WallClock.secondsSinceEpoch())
                break read
            }
            do {
                let chunk = try connection.receive(upTo: 16384)
                if chunk.isEmpty {
                    // EOF: a client that sent nothing just goes; half a head can never complete.
                    if buffer.isEmpty { return }
                    plan = handler.respond(
                        to: HTTPParseError(.badRequest, "incomplete request head"),
                        now: WallClock.secondsSinceEpoch()
                    )
                    break read
                }
                buffer += chunk
            } catch SocketError.timedOut {
                // A client that sent nothing is closed silently; half a head gets 408 (RFC 9110 §15.5.9).
                if buffer.isEmpty { return }
                plan = handler.respond(
                    to: HTTPParseError(.requestTimeout, "request head not received in time"),
                    now: WallClock.secondsSinceEpoch()
                )
                break read
            } catch {
                return
            }
        }
        let sent = send(plan, on: connection)
        accessLog.record(
            client: client,
            request: request,
            rawRequestLine: request == nil ? Self.firstLine(buffer) : nil,
            status: plan.head.status.code,
            bytesSent: sent,
            now: WallClock.secondsSinceEpoch()
        )
        lingeringClose(connection)
    }

    /// Sends the plan; returns the number of body bytes that went out.
    private func send(_ plan: ResponsePlan, on connection: Socket) -> Int64 {
        var sent: Int64 = 0
        do {
            var first = plan.sendsHead ? plan.head.serialized() : []
            switch plan.body {
            case .none:
                try connection.sendAll(first)
            case .bytes(let bytes):
                first += bytes
                try connection.sendAll(first)
                sent = Int64(bytes.count)
            case .file(let file, let offset, let length):
                defer { file.close() }
                try connection.sendAll(first)
                var chunk = [UInt8](repeating: 0, count: 65536)
                while sent < length {
                    let want = Int(min(Int64(chunk.count), length - sent))
                    let count = try chunk.withUnsafeMutableBytes { buffer in
                        try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<want]), at: offset + sent)
                    }
                    // The file shrank under us: stop; the short body tells the client it is incomplete.
                    if count == 0 { break }
                    try chunk.withUnsafeBytes { try connection.sendAll(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                    sent += Int64(count)
                }
            }
        } catch {
            if case .file(let file, _, _) = plan.body { file.close() }
        }
        return sent
    }

    /// Half-closes, then reads and discards for up to 2 s before closing.
    ///
    /// Closing a socket with unread input makes the kernel send RST (RFC 9112 §9.6), and an RST can
    /// destroy the response before the client has read it. So: FIN first, drain what the client still
    /// sends until its EOF, then close. Not `SO_LINGER`, which only waits for our data to be acknowledged.
    private func lingeringClose(_ connection: Socket) {
        try? connection.shutdown(.write)
        let deadline = ContinuousClock.now + .seconds(2)
        _ = try? connection.setTimeouts(receive: .milliseconds(200), send: .milliseconds(200))
        while ContinuousClock.now < deadline {
            do {
                if try connection.receive(upTo: 16384).isEmpty { break }  // EOF: the client is done.
            } catch SocketError.timedOut {
                continue
            } catch {
                break  // A reset: nothing left to protect.
            }
        }
    }

    static func firstLine(_ bytes: [UInt8]) -> String {
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        return String(latin1: line.prefix(1024))
    }
}
