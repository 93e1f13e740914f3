import HTTPCore

/// A whole response held in memory: what ``Client/fetch(_:method:headers:body:maxBodyBytes:)`` returns.
public struct FetchResponse: Sendable, Equatable {
    /// The status line's version: `HTTP/1.0`, or whatever the server answered.
    public var version: HTTPVersion
    /// The status, such as `.ok` or `.notFound`; compare `status.code` for a number.
    public var status: HTTPStatus
    /// The header fields in the order received, looked up case-insensitively: `headers["content-type"]`.
    public var headers: HTTPHeaders
    /// The body bytes, de-chunked; empty for HEAD.
    public var body: [UInt8]

    /// Creates a response.
    public init(
        version: HTTPVersion = .http1_0,
        status: HTTPStatus,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = []
    ) {
        self.version = version
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8, invalid bytes replaced by U+FFFD.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

extension Client {
    /// Sends one request to `url` and returns status, headers and body.
    ///
    /// ```swift
    /// let response = try Client().fetch("http://127.0.0.1:8080/hello.txt")
    /// print(response.status.code, response.headers["Content-Type"] ?? "", response.text)
    /// ```
    ///
    /// A 404 or 500 is a response like any other, not an error; redirects are not followed and gzip is
    /// not decoded (the `Fetch` library's `Fetcher` does curl's behaviour). The connection is half-closed
    /// after the request unless ``ClientOptions/halfClose`` is off.
    /// - Parameters:
    ///   - url: an `http://` URL.
    ///   - method: GET by default.
    ///   - headers: extra fields; one named like a default (`User-Agent`, `Accept`) replaces it.
    ///   - body: a request body, sent with its `Content-Length`.
    ///   - maxBodyBytes: the most body bytes to hold (64 MiB by default).
    /// - Throws: ``ClientError``: `malformedURL`, `connectFailed` (refused), `cutBody` (shorter than its
    ///   `Content-Length`), `timedOut`, `emptyReply`, `badResponse`, `bodyTooLarge` past `maxBodyBytes`...
    public func fetch(
        _ url: String,
        method: HTTPMethod = .get,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8]? = nil,
        maxBodyBytes: Int = 64 << 20
    ) throws(ClientError) -> FetchResponse {
        let request = FetchRequest(method: method, url: try HTTPURL(parsing: url), headers: headers, body: body)
        return try fetch(request, maxBodyBytes: maxBodyBytes)
    }

    /// Sends `request` and returns status, headers and body; see ``fetch(_:method:headers:body:maxBodyBytes:)``.
    ///
    /// - Parameter deadline: when the whole exchange must be over; ``ClientError/timedOut(_:)`` after it.
    public func fetch(
        _ request: FetchRequest,
        deadline: ContinuousClock.Instant? = nil,
        maxBodyBytes: Int = 64 << 20
    ) throws(ClientError) -> FetchResponse {
        let exchange = try open(request, deadline: deadline)
        defer { exchange.close() }
        let head = try exchange.readHead(allowHTTP09: options.allowHTTP09)
        let body = try exchange.readWholeBody(limit: maxBodyBytes)
        return FetchResponse(version: head.version, status: head.status, headers: head.headers, body: body)
    }
}
