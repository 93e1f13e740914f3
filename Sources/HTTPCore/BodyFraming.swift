/// How the body of a message is delimited (RFC 9112 §6.3).
public enum BodyFraming: Equatable, Sendable {
    /// No body at all, whatever the header fields say.
    case none
    /// Exactly this many bytes.
    case length(Int64)
    /// `Transfer-Encoding: chunked`: read with ``ChunkedDecoder`` until the last chunk.
    case chunked
    /// Everything until the server closes the connection (a response only).
    case untilClose

    /// The framing of a response to a request with `requestMethod`.
    ///
    /// - Throws: ``HTTPFramingError/invalidContentLength(_:)`` for a `Content-Length` that is not a
    ///   number, or repeated values that differ.
    public init(response head: HTTPResponseHead, requestMethod: HTTPMethod) throws(HTTPFramingError) {
        // RFC 9112 §6.3 (1): no body after HEAD, 1xx, 204 and 304 whatever the headers say.
        let code = head.status.code
        if requestMethod == .head || code / 100 == 1 || code == 204 || code == 304 {
            self = .none
            return
        }
        // RFC 9112 §6.3 (4): chunked as the final coding wins over any Content-Length.
        if Self.codings(head.headers).last == "chunked" {
            self = .chunked
            return
        }
        // An empty value (or list member) is no number either: keep it, so that it is refused below.
        let lengths = head.headers.values(for: "Content-Length").flatMap {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        guard let first = lengths.first else {
            // RFC 9112 §6.3 (8): otherwise the body runs until the server closes the connection.
            self = .untilClose
            return
        }
        // RFC 9112 §6.3 (5): repeated values must all agree, or the framing cannot be trusted. Like curl, a
        // value is read as a signed 64-bit number (a leading '+' passes, a negative one does not).
        let values = lengths.map { Int64($0.trimmingWhitespace().lowercased()) }
        guard let value = values[0], value >= 0, values.allSatisfy({ $0 == value }) else {
            throw .invalidContentLength(first.trimmingWhitespace().lowercased())
        }
        self = .length(value)
    }

    /// The framing of a request body.
    ///
    /// RFC 9112 §6.3 (7): a request with neither `Transfer-Encoding` nor `Content-Length` has no body.
    /// - Throws: ``HTTPFramingError`` for a `Transfer-Encoding` whose final coding is not chunked (§6.3 (4):
    ///   the length cannot be known), or a `Content-Length` that is not all digits or repeats differently.
    public init(request: HTTPRequest) throws(HTTPFramingError) {
        let codings = Self.codings(request.headers)
        if !codings.isEmpty {
            guard codings.last == "chunked" else { throw .unknownTransferCoding(codings.joined(separator: ", ")) }
            self = .chunked
            return
        }
        let fields = request.headers.values(for: .contentLength)
        if fields.isEmpty {
            self = .none
            return
        }
        let lengths = fields.flatMap { $0.split(separator: ",") }.map { $0.trimmingWhitespace() }
        // Content-Length = 1*DIGIT (RFC 9110 §8.6); 18 digits keep any value inside 64 bits.
        guard let first = lengths.first, !first.isEmpty, first.utf8.count <= 18, first.utf8.allSatisfy(ASCII.isDigit),
            lengths.allSatisfy({ $0 == first }), let value = Int64(first)
        else { throw .invalidContentLength(lengths.first?.lowercased() ?? "") }
        self = .length(value)
    }

    /// The transfer codings listed in every `Transfer-Encoding` field, in order, trimmed and in lower case.
    private static func codings(_ headers: HTTPHeaders) -> [String] {
        headers.values(for: .transferEncoding).flatMap { $0.split(separator: ",") }.map {
            $0.trimmingWhitespace().lowercased()
        }
    }
}
