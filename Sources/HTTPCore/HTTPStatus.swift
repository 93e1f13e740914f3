/// A response status: the code and its reason phrase (RFC 9110 §15).
public struct HTTPStatus: Hashable, Sendable, CustomStringConvertible {
    public let code: Int
    public let reasonPhrase: String

    /// Creates a status from a code and reason phrase.
    public init(_ code: Int, _ reasonPhrase: String) {
        self.code = code
        self.reasonPhrase = reasonPhrase
    }

    /// The status for `code` with its standard reason phrase, or `"Unknown"`.
    public init(code: Int) {
        self = HTTPStatus.known.first { $0.code == code } ?? HTTPStatus(code, "Unknown")
    }

    public static let ok = HTTPStatus(200, "OK")
    public static let noContent = HTTPStatus(204, "No Content")
    public static let partialContent = HTTPStatus(206, "Partial Content")
    public static let movedPermanently = HTTPStatus(301, "Moved Permanently")
    public static let found = HTTPStatus(302, "Found")
    public static let seeOther = HTTPStatus(303, "See Other")
    public static let notModified = HTTPStatus(304, "Not Modified")
    public static let temporaryRedirect = HTTPStatus(307, "Temporary Redirect")
    public static let permanentRedirect = HTTPStatus(308, "Permanent Redirect")
    public static let badRequest = HTTPStatus(400, "Bad Request")
    public static let unauthorized = HTTPStatus(401, "Unauthorized")
    public static let forbidden = HTTPStatus(403, "Forbidden")
    public static let notFound = HTTPStatus(404, "Not Found")
    public static let requestTimeout = HTTPStatus(408, "Request Timeout")
    public static let preconditionFailed = HTTPStatus(412, "Precondition Failed")
    public static let contentTooLarge = HTTPStatus(413, "Content Too Large")
    public static let uriTooLong = HTTPStatus(414, "URI Too Long")
    public static let rangeNotSatisfiable = HTTPStatus(416, "Range Not Satisfiable")
    public static let requestHeaderFieldsTooLarge = HTTPStatus(431, "Request Header Fields Too Large")
    public static let internalServerError = HTTPStatus(500, "Internal Server Error")
    public static let notImplemented = HTTPStatus(501, "Not Implemented")
    public static let serviceUnavailable = HTTPStatus(503, "Service Unavailable")
    public static let httpVersionNotSupported = HTTPStatus(505, "HTTP Version Not Supported")

    static let known: [HTTPStatus] = [
        .ok, .noContent, .partialContent, .movedPermanently, .found, .seeOther, .notModified, .temporaryRedirect,
        .permanentRedirect, .badRequest, .unauthorized, .forbidden, .notFound, .requestTimeout, .preconditionFailed,
        .contentTooLarge,
        .uriTooLong,
        .rangeNotSatisfiable, .requestHeaderFieldsTooLarge, .internalServerError, .notImplemented,
        .serviceUnavailable, .httpVersionNotSupported,
    ]

    /// `200 OK`.
    public var description: String { "\(code) \(reasonPhrase)" }
}
