/// A parsed request head.
public struct HTTPRequest: Sendable, Equatable {
    /// The method token, such as `GET`.
    public var method: HTTPMethod
    /// The request target exactly as received (ISO-8859-1 decoded, so every byte survives).
    public var target: String
    /// The protocol version; `nil` for an HTTP/0.9 simple request (`GET /path` with no version).
    public var version: HTTPVersion?
    /// The header fields in the order received.
    public var headers: HTTPHeaders
    /// The request line as received, without its line ending: what the access log shows. Spelled from the
    /// method, target and version when asked for, unless it was given (or received) differently: a parsed
    /// request keeps no copy of a line those fields spell exactly, which is nearly every one.
    public var requestLine: String {
        get { givenRequestLine ?? "\(method) \(target)" + (version.map { " \($0)" } ?? "") }
        set { givenRequestLine = newValue }
    }
    private var givenRequestLine: String?
    /// The request line when it was given (or received) other than ``method``, ``target`` and ``version``
    /// spell it; `nil` for nearly every request. Lets the access log write the line without building it.
    public var distinctRequestLine: String? { givenRequestLine }

    /// Creates a request head.
    public init(
        method: HTTPMethod,
        target: String,
        version: HTTPVersion?,
        headers: HTTPHeaders = HTTPHeaders(),
        requestLine: String? = nil
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.givenRequestLine = requestLine
    }

    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.version == rhs.version
            && lhs.headers == rhs.headers && lhs.requestLine == rhs.requestLine
    }

    /// Whether this is an HTTP/0.9 simple request, answered with the body alone.
    public var isSimpleRequest: Bool { version == nil }
}
