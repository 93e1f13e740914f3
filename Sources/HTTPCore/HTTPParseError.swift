/// Why a request head was refused, and the status to answer with.
///
/// Each case carries its status (the idea of hummingbird's `HTTPResponseError`): the
/// server needs no table of its own to turn a parse failure into a response.
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The status the server answers with.
    public let status: HTTPStatus
    /// A short reason for logs and the error page; never contains request bytes.
    public let reason: String

    /// Creates an error with a status and a reason.
    public init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status.code) \(status.reasonPhrase): \(reason)" }

    static func badRequest(_ reason: String) -> HTTPParseError { HTTPParseError(.badRequest, reason) }
    static let requestLineTooLong = HTTPParseError(.uriTooLong, "request line too long")
    static let headersTooLarge = HTTPParseError(.requestHeaderFieldsTooLarge, "header section too large")
    static let tooManyHeaders = HTTPParseError(.requestHeaderFieldsTooLarge, "too many header fields")
    static let unsupportedVersion = HTTPParseError(.httpVersionNotSupported, "unsupported HTTP major version")
}

/// Limits on a request head, with the defaults the server documents.
public struct HTTPParserLimits: Sendable, Equatable {
    /// The longest request line accepted, in bytes without its line ending; longer gets 414.
    public var maxRequestLineLength: Int = 8 * 1024
    /// The largest header section accepted (all field lines and their line endings); larger gets 431.
    public var maxHeaderBytes: Int = 64 * 1024
    /// The most header fields accepted; more gets 431.
    public var maxHeaderCount: Int = 100

    /// The defaults: 8 KiB request line, 64 KiB of headers, 100 fields.
    public init() {}

    /// Limits with the given values.
    public init(maxRequestLineLength: Int, maxHeaderBytes: Int, maxHeaderCount: Int) {
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
    }
}
