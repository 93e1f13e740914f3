import HTTPCore
import Sockets

/// What to send.
public struct FetchRequest: Sendable {
    public var method: HTTPMethod
    public var url: HTTPURL
    /// Extra header fields, sent after `Host`, `User-Agent` and `Accept`; a field of the same name replaces those.
    public var headers: HTTPHeaders
    /// A request body, sent with its `Content-Length`.
    public var body: [UInt8]?

    /// Creates a request.
    public init(method: HTTPMethod = .get, url: HTTPURL, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// How to connect and read.
public struct ClientOptions: Sendable {
    /// Restrict name resolution to IPv4 or IPv6.
    public var family: AddressFamily = .unspecified
    /// How long one connection attempt may take; `nil` waits as long as the kernel does.
    public var connectTimeout: Duration? = .seconds(30)
    /// How long a single receive may wait for data; `nil` waits forever.
    public var readTimeout: Duration? = nil
    /// Half-close after the request (`shutdown(SHUT_WR)`), the HTTP/1.0 way of saying "that was all".
    public var halfClose: Bool = true
    /// The `User-Agent` value.
    public var userAgent: String = "http-fetch/\(http10ClientVersion)"

    /// The defaults: any family, 30 s connect timeout, half-close on.
    public init() {}
}

/// The version of http-fetch.
public let http10ClientVersion = "0.1.0"

/// The outcome of a fetch whose body went to a sink.
public struct FetchResult: Sendable {
    /// The response head.
    public var head: HTTPResponseHead
    /// The number of body bytes delivered to the sink.
    public var bodyBytes: Int64
}

/// An HTTP/1.0 client: connect, send the request, half-close, read the response until EOF.
public struct Client: Sendable {
    public var options: ClientOptions

    /// Creates a client.
    public init(options: ClientOptions = ClientOptions()) {
        self.options = options
    }

    /// The request head as sent on the wire.
    public func makeRequestHead(_ request: FetchRequest) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: request.url.hostHeader)
        headers.add(name: "User-Agent", value: options.userAgent)
        headers.add(name: "Accept", value: "*/*")
        for (name, value) in request.headers { headers.replaceOrAdd(name: name, value: value) }
        if let body = request.body, !request.headers.contains("Content-Length") {
            headers.add(name: "Content-Length", value: String(body.count))
        }
        return HTTPRequest(method: request.method, target: request.url.target, version: .http1_0, headers: headers)
    }

    /// Fetches `request`, handing the head to `onHead` and the body, chunk by chunk, to `onBody`.
    ///
    /// Memory stays constant: the body is never held whole. A `Content-Length` body that ends early
    /// throws exit 18 after delivering what did arrive; a sink that throws becomes exit 23.
    /// - Throws: ``FetchError``.
    public func fetch(
        _ request: FetchRequest,
        onHead: (HTTPResponseHead) throws -> Void = { _ in },
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws(FetchError) -> FetchResult {
        let socket = try connect(to: request.url)
        defer { socket.close() }
        var bytes = makeRequestHead(request).serialized()
        if let body = request.body { bytes += body }
        do {
            try socket.sendAll(bytes)
            // The HOWTO's HTTP-like exchange: shutdown(SHUT_WR) sends FIN, the server's recv returns 0,
            // and it knows the request is complete; we can still read its answer (RFC 9112 §9.6).
            if options.halfClose { try socket.shutdown(.write) }
        } catch {
            throw .sendFailed("\(error)")
        }
        return try readResponse(from: socket, isHead: request.method == .head, onHead: onHead, onBody: onBody)
    }

    /// Fetches `url` with GET and returns the head and the whole body. For tests and small files.
    public func get(_ url: String) throws(FetchError) -> (head: HTTPResponseHead, body: [UInt8]) {
        var body: [UInt8] = []
        let result = try fetch(FetchRequest(url: try HTTPURL(parsing: url))) { body.append(contentsOf: $0) }
        return (result.head, body)
    }

    /// Resolves the URL's host and tries each address in turn until one connects.
    func connect(to url: HTTPURL) throws(FetchError) -> Socket {
        let addresses: [SocketAddress]
        do {
            addresses = try SocketAddress.resolve(host: url.host, port: url.port, family: options.family)
        } catch {
            throw .couldNotResolve(error.description)
        }
        var failures: [String] = []
        for address in addresses {
            do {
                let socket = try Socket(family: address.family)
                do {
                    try socket.connect(to: address, timeout: options.connectTimeout)
                    try socket.setTimeouts(receive: options.readTimeout, send: options.readTimeout)
                    return socket
                } catch {
                    socket.close()
                    throw error
                }
            } catch SocketError.timedOut {
                failures.append("\(address): connect timed out")
                if addresses.count == 1 { throw .timedOut("connection to \(address)") }
            } catch {
                failures.append("\(address): \(error)")
            }
        }
        throw .couldNotConnect(failures.joined(separator: "; "))
    }

    private func readResponse(
        from socket: Socket,
        isHead: Bool,
        onHead: (HTTPResponseHead) throws -> Void,
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws(FetchError) -> FetchResult {
        let parser = HTTPResponseParser()
        var buffer: [UInt8] = []
        var head: HTTPResponseHead?
        var headLength = 0
        while head == nil {
            let chunk = try receive(socket)
            if chunk.isEmpty {
                if buffer.isEmpty { throw .emptyReply }
                throw .receiveFailed("connection closed inside the response head")
            }
            buffer += chunk
            do {
                if let parsed = try parser.parse(buffer) {
                    head = parsed.head
                    headLength = parsed.headLength
                }
            } catch .noStatusLine {
                throw .receiveFailed("the reply is not HTTP/1.x (no status line)")
            } catch {
                throw .receiveFailed(error.description)
            }
        }
        guard let head else { throw .emptyReply }
        do { try onHead(head) } catch { throw .writeFailed("\(error)") }

        // RFC 9112 §6.3: no body after HEAD, 1xx, 204 and 304 whatever the headers say.
        let code = head.status.code
        if isHead || code / 100 == 1 || code == 204 || code == 304 { return FetchResult(head: head, bodyBytes: 0) }
        var expected: Int64?
        if let length = head.headers["Content-Length"] {
            guard let value = Int64(length.split(separator: ",").first.map(String.init) ?? length), value >= 0 else {
                throw .receiveFailed("invalid Content-Length '\(length)'")
            }
            expected = value
        }
        var delivered: Int64 = 0
        func deliver(_ bytes: ArraySlice<UInt8>) throws(FetchError) {
            var slice = bytes
            // Bytes past Content-Length are not part of this response (RFC 9112 §6.3).
            if let expected { slice = slice.prefix(Int(min(Int64(slice.count), expected - delivered))) }
            guard !slice.isEmpty else { return }
            do {
                try slice.withUnsafeBytes { try onBody($0) }
            } catch {
                throw .writeFailed("\(error)")
            }
            delivered += Int64(slice.count)
        }
        try deliver(buffer[headLength...])
        buffer = []
        while expected.map({ delivered < $0 }) ?? true {
            let chunk = try receive(socket)
            if chunk.isEmpty { break }  // recv returned 0: EOF, the server is done.
            try deliver(chunk[...])
        }
        if let expected, delivered < expected { throw .partialFile(remaining: expected - delivered) }
        return FetchResult(head: head, bodyBytes: delivered)
    }

    private func receive(_ socket: Socket) throws(FetchError) -> [UInt8] {
        do {
            return try socket.receive(upTo: 65536)
        } catch SocketError.timedOut {
            throw .timedOut("reading the response")
        } catch {
            throw .receiveFailed("\(error)")
        }
    }
}
