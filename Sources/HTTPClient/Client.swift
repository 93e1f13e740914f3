import HTTPCore
import Sockets

/// What to send.
public struct FetchRequest: Sendable {
    public var method: HTTPMethod
    public var url: HTTPURL
    /// Extra header fields, sent after `Host`, `User-Agent` and `Accept`; a field of the same name replaces those.
    public var headers: HTTPHeaders
    /// Names of default fields not to send at all (curl's `-H 'Accept:'`).
    public var omittedHeaders: [String]
    /// A request body, sent with its `Content-Length`.
    public var body: [UInt8]?

    /// Creates a request.
    public init(
        method: HTTPMethod = .get,
        url: HTTPURL,
        headers: HTTPHeaders = HTTPHeaders(),
        omittedHeaders: [String] = [],
        body: [UInt8]? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.omittedHeaders = omittedHeaders
        self.body = body
    }
}

/// How to connect and read.
public struct ClientOptions: Sendable {
    /// Restrict name resolution to IPv4 or IPv6.
    public var family: AddressFamily = .unspecified
    /// How long one connection attempt may take; `nil` waits as long as the kernel does.
    public var connectTimeout: Duration? = .seconds(300)
    /// How long a single receive may wait for data; `nil` waits forever.
    public var readTimeout: Duration? = nil
    /// Half-close after the request (`shutdown(SHUT_WR)`), the HTTP/1.0 way of saying "that was all".
    public var halfClose: Bool = true
    /// The `User-Agent` value.
    public var userAgent: String = "http-fetch/\(http10Version)"
    /// Accept a reply without a status line as an HTTP/0.9 body (curl's `--http0.9`).
    public var allowHTTP09: Bool = false
    /// Send every request to this HTTP proxy, in absolute form (RFC 9112 §3.2.2).
    public var proxy: HTTPURL? = nil
    /// The size of the receive buffer: one `recv` reads at most this much.
    public var receiveBufferSize: Int = 256 * 1024

    /// The defaults: any family, 300 s connect timeout (curl's), half-close on, no proxy.
    public init() {}
}

/// The outcome of a fetch whose body went to a sink.
public struct FetchResult: Sendable {
    /// The response head.
    public var head: HTTPResponseHead
    /// The number of body bytes delivered to the sink (after de-chunking).
    public var bodyBytes: Int64
    /// The size of the response head on the wire.
    public var headBytes: Int
    /// Whether the body was read (`onHead` may decline it).
    public var bodyWasRead: Bool
}

/// What the caller wants done with a response body once it has seen the head.
public enum BodyAction: Sendable {
    /// Read the body and hand it to `onBody`.
    case read
    /// Close the connection without reading the body (a redirect, a failure with `-f`).
    case skip
}

/// Something that happened during an exchange, for `-v`.
public enum ClientEvent: Sendable {
    /// A connection attempt to this address begins.
    case connecting(SocketAddress)
    /// The connection to this address is established.
    case connected(SocketAddress)
    /// The request head went out: these bytes (the body, if any, is not included).
    case requestSent([UInt8])
    /// A response head arrived.
    case responseHead(HTTPResponseHead)
    /// The reply had no status line and `--http0.9` accepted it as a bare body.
    case http09
}

/// An HTTP/1.0 client: connect, send the request, half-close, read the response until EOF.
public struct Client: Sendable {
    public var options: ClientOptions

    /// Creates a client.
    public init(options: ClientOptions = ClientOptions()) {
        self.options = options
    }

    /// The request head as sent on the wire: origin form, or absolute form through a proxy.
    public func makeRequestHead(_ request: FetchRequest) -> HTTPRequest {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: request.url.hostHeader)
        headers.add(name: "User-Agent", value: options.userAgent)
        headers.add(name: "Accept", value: "*/*")
        for (name, value) in request.headers { headers.replaceOrAdd(name: name, value: value) }
        if let body = request.body, !request.headers.contains("Content-Length") {
            headers.add(name: "Content-Length", value: String(body.count))
        }
        for name in request.omittedHeaders { headers.remove(name: name) }
        let target = options.proxy == nil ? request.url.target : request.url.absoluteForm
        return HTTPRequest(method: request.method, target: target, version: .http1_0, headers: headers)
    }

    /// Fetches `request`: hands the head to `onHead`, then, if it answers `.read`, the body chunk by chunk
    /// to `onBody`.
    ///
    /// Memory stays constant: the body is never held whole. A `Content-Length` body that ends early
    /// throws exit 18 after delivering what did arrive; a chunked body is decoded. An error `onHead` or
    /// `onBody` throws passes through if it is a ``FetchError`` and becomes exit 23 otherwise.
    /// - Parameter deadline: when the whole exchange must be over (`--max-time`); exit 28 after it.
    /// - Throws: ``FetchError``.
    public func fetch(
        _ request: FetchRequest,
        deadline: ContinuousClock.Instant? = nil,
        onEvent: (ClientEvent) -> Void = { _ in },
        onHead: (HTTPResponseHead) throws -> BodyAction = { _ in .read },
        onBody: (UnsafeRawBufferPointer) throws -> Void
    ) throws(FetchError) -> FetchResult {
        let socket = try connect(to: options.proxy ?? request.url, deadline: deadline, onEvent: onEvent)
        defer { socket.close() }
        var bytes = makeRequestHead(request).serialized()
        onEvent(.requestSent(bytes))
        if let body = request.body { bytes += body }
        do {
            if let deadline { try socket.setTimeouts(receive: options.readTimeout, send: try remaining(deadline)) }
            try socket.sendAll(bytes)
            // The HOWTO's HTTP-like exchange: shutdown(SHUT_WR) sends FIN, the server's recv returns 0,
            // and it knows the request is complete; we can still read its answer (RFC 9112 §9.6).
            if options.halfClose { try socket.shutdown(.write) }
        } catch SocketError.timedOut {
            throw .timedOut("sending the request")
        } catch let error as FetchError {
            throw error
        } catch {
            throw .sendFailed("\(error)")
        }
        let reader = ResponseReader(
            socket: socket,
            deadline: deadline,
            bufferSize: options.receiveBufferSize,
            allowHTTP09: options.allowHTTP09
        )
        defer { reader.release() }
        return try reader.read(isHead: request.method == .head, onEvent: onEvent, onHead: onHead, onBody: onBody)
    }

    /// Fetches `url` with GET and returns the head and the whole body. For tests and small files.
    public func get(_ url: String) throws(FetchError) -> (head: HTTPResponseHead, body: [UInt8]) {
        var body: [UInt8] = []
        let result = try fetch(FetchRequest(url: try HTTPURL(parsing: url))) { body.append(contentsOf: $0) }
        return (result.head, body)
    }

    /// Resolves the URL's host and tries each address in turn until one connects.
    ///
    /// Each attempt gets the connect timeout, cut short by the deadline. A name that does not resolve
    /// is exit 6 (5 for a proxy); when every address refuses, exit 7; when the last attempt timed out, 28.
    func connect(
        to url: HTTPURL,
        deadline: ContinuousClock.Instant? = nil,
        onEvent: (ClientEvent) -> Void = { _ in }
    ) throws(FetchError) -> Socket {
        let addresses: [SocketAddress]
        do {
            addresses = try SocketAddress.resolve(host: url.host, port: url.port, family: options.family)
        } catch {
            throw options.proxy == nil ? .couldNotResolve(error.description) : .couldNotResolveProxy(error.description)
        }
        var failures: [String] = []
        var lastTimedOut = false
        for address in addresses {
            var timeout = options.connectTimeout
            if let deadline {
                let left = try remaining(deadline)
                timeout = timeout.map { min($0, left) } ?? left
            }
            onEvent(.connecting(address))
            do {
                let socket = try Socket(family: address.family)
                do {
                    try socket.connect(to: address, timeout: timeout)
                    if let readTimeout = options.readTimeout {
                        try socket.setTimeouts(receive: readTimeout, send: readTimeout)
                    }
                    onEvent(.connected(address))
                    return socket
                } catch {
                    socket.close()
                    throw error
                }
            } catch SocketError.timedOut {
                failures.append("\(address): connect timed out")
                lastTimedOut = true
            } catch {
                failures.append("\(address): \(error)")
                lastTimedOut = false
            }
        }
        if lastTimedOut { throw .timedOut("connection to \(url.hostHeader) (\(failures.joined(separator: "; ")))") }
        throw .couldNotConnect(failures.joined(separator: "; "))
    }
}

/// The time left before `deadline`, or exit 28 if none is left.
func remaining(_ deadline: ContinuousClock.Instant) throws(FetchError) -> Duration {
    let left = deadline - ContinuousClock.now
    guard left > .zero else { throw .timedOut("operation") }
    return left
}
