import HTTPCore
import Sockets
import TLS

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
    /// How long a single receive or send may wait for the peer; `nil` waits forever (or until the deadline).
    public var readTimeout: Duration? = nil
    /// Half-close after the request (`shutdown(SHUT_WR)`), the HTTP/1.0 way of saying "that was all".
    public var halfClose: Bool = true
    /// The `User-Agent` value.
    public var userAgent: String = "http-fetch/\(http10Version)"
    /// Accept a reply without a status line as an HTTP/0.9 body (curl's `--http0.9`).
    public var allowHTTP09: Bool = false
    /// Send every request to this HTTP proxy, in absolute form (RFC 9112 §3.2.2).
    public var proxy: HTTPURL? = nil
    /// The size of the exchange's own receive buffer, for the head and chunked framing: one read of those takes
    /// at most this much. A body delimited by its length or the close is read straight into the caller's buffer.
    public var receiveBufferSize: Int = 64 * 1024
    /// How `https://` is secured; the defaults verify the server against the system trust store.
    public var tls = TLSOptions()

    /// The defaults: any family, 300 s connect timeout (curl's), half-close on, no proxy.
    public init() {}
}

/// Something that happened while an exchange was set up, for `-v`.
public enum ClientEvent: Sendable {
    /// A connection attempt to this address begins.
    case connecting(SocketAddress)
    /// The connection to this address is established.
    case connected(SocketAddress)
    /// The request head goes out: these bytes (the body, if any, is not included).
    case requestSent([UInt8])
    /// A proxy tunnel to this `host:port` is open (`CONNECT`, RFC 9110 §9.3.6).
    case tunnelEstablished(String)
    /// The TLS handshake is done: what it agreed and what the server's certificate says.
    case tlsEstablished(TLSSummary)
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
        // Through a proxy, plain http asks the proxy for the absolute URL (RFC 9112 §3.2.2); https goes through
        // a CONNECT tunnel and asks the origin server itself, in origin form.
        let absolute = options.proxy != nil && request.url.scheme == .http
        let target = absolute ? request.url.absoluteForm : request.url.target
        return HTTPRequest(method: request.method, target: target, version: .http1_0, headers: headers)
    }

    /// Connects, sends `request` (half-closing unless ``ClientOptions/halfClose`` is off) and returns the
    /// exchange, ready for ``Exchange/readHead(allowHTTP09:)``.
    ///
    /// - Parameters:
    ///   - deadline: when the whole exchange must be over (`--max-time`).
    ///   - onEvent: told of each connection attempt and of the request head.
    /// - Throws: ``ClientError``: `resolveFailed`, `connectFailed`, `timedOut`, `sendFailed`.
    public func open(
        _ request: FetchRequest,
        deadline: ContinuousClock.Instant? = nil,
        onEvent: (ClientEvent) -> Void = { _ in }
    ) throws(ClientError) -> Exchange {
        var request = request
        let stream: any ByteStream
        if request.url.scheme == .https {
            // Proxy credentials are for the proxy: they go on the CONNECT, never through the tunnel.
            let proxyAuthorization = request.headers["Proxy-Authorization"]
            request.headers.remove(name: "Proxy-Authorization")
            stream = try connectSecurely(
                to: request.url,
                proxyAuthorization: proxyAuthorization,
                deadline: deadline,
                onEvent: onEvent
            )
        } else {
            stream = try connect(to: options.proxy ?? request.url, deadline: deadline, onEvent: onEvent)
        }
        let exchange = Exchange(stream: stream, deadline: deadline, bufferSize: options.receiveBufferSize)
        let head = makeRequestHead(request)
        onEvent(.requestSent(head.serialized()))
        try exchange.send(head, body: request.body, halfClose: options.halfClose)
        return exchange
    }

    /// Opens a TLS stream to `url`'s host: directly, or through a `CONNECT` tunnel when a proxy is set, then
    /// the handshake, verified as ``ClientOptions/tls`` says.
    ///
    /// - Throws: what ``connect(to:deadline:onEvent:)`` throws, ``ClientError/badResponse(_:)`` when the proxy
    ///   refuses the tunnel, and the TLS errors (`tlsHandshakeFailed`, `certificateRejected`, ...).
    public func connectSecurely(
        to url: HTTPURL,
        proxyAuthorization: String? = nil,
        deadline: ContinuousClock.Instant? = nil,
        onEvent: (ClientEvent) -> Void = { _ in }
    ) throws(ClientError) -> any ByteStream {
        // The context first: an unreadable --cacert fails before any connection is made.
        let context = try options.tls.makeContext()
        let transport = try connect(to: options.proxy ?? url, deadline: deadline, onEvent: onEvent)
        if options.proxy != nil {
            do {
                try ProxyTunnel.open(
                    through: transport,
                    to: url.authority,
                    proxyAuthorization: proxyAuthorization,
                    userAgent: options.userAgent,
                    deadline: deadline
                )
            } catch {
                transport.close()
                throw error
            }
            onEvent(.tunnelEstablished(url.authority))
        }
        let stream = try TLSStream(over: transport, context: context, host: url.host, deadline: deadline)
        onEvent(.tlsEstablished(stream.summary))
        return stream
    }

    /// Opens the stream to `url`'s host (or the proxy's): resolves it and connects to the first address that
    /// accepts. ``connectSecurely(to:proxyAuthorization:deadline:onEvent:)`` wraps it in TLS for `https://`.
    ///
    /// - Throws: ``ClientError/resolveFailed(_:viaProxy:)``, `connectFailed`, `timedOut`.
    public func connect(
        to url: HTTPURL,
        deadline: ContinuousClock.Instant? = nil,
        onEvent: (ClientEvent) -> Void = { _ in }
    ) throws(ClientError) -> any ByteStream {
        let addresses: [SocketAddress]
        do {
            addresses = try SocketAddress.resolve(host: url.host, port: url.port, family: options.family)
        } catch {
            throw .resolveFailed(error.description, viaProxy: options.proxy != nil)
        }
        return try SocketStream.connect(
            to: addresses,
            name: url.hostHeader,
            connectTimeout: options.connectTimeout,
            deadline: deadline,
            ioTimeout: options.readTimeout,
            onEvent: onEvent
        )
    }

    /// Fetches `url` with GET and returns the head and the whole body. For tests and small files.
    public func get(_ url: String) throws(ClientError) -> (head: HTTPResponseHead, body: [UInt8]) {
        let response = try fetch(url)
        return (
            HTTPResponseHead(version: response.version, status: response.status, headers: response.headers),
            response.body
        )
    }
}
