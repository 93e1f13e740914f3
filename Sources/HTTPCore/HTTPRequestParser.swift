/// Parses a request head from the bytes received so far.
///
/// Feed it the whole buffer each time more bytes arrive: it answers "not yet" (`nil`),
/// a request and the length of its head, or an ``HTTPParseError`` as soon as the bytes
/// can no longer become a valid head (so an over-long line is refused before it ends).
public struct HTTPRequestParser: Sendable {
    /// The limits this parser enforces.
    public var limits: HTTPParserLimits

    /// Creates a parser with `limits`.
    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// Parses the request head at the start of `bytes`.
    ///
    /// - Returns: the request and the number of bytes its head used (any body follows),
    ///   or `nil` if the head is not complete yet.
    /// - Throws: ``HTTPParseError`` carrying the status to answer with.
    public func parse(
        _ bytes: UnsafeRawBufferPointer
    ) throws(HTTPParseError) -> (request: HTTPRequest, headLength: Int)? {
        var start = 0
        // RFC 9112 §2.2: a server SHOULD ignore at least one empty line received before the request line.
        while start < bytes.count, bytes[start] == ASCII.cr || bytes[start] == ASCII.lf {
            if bytes[start] == ASCII.cr, start + 1 < bytes.count, bytes[start + 1] != ASCII.lf {
                throw .badRequest("bare CR")
            }
            start += 1
        }
        guard let lineEnd = Self.indexOfLF(bytes, from: start) else {
            if bytes.count - start > limits.maxRequestLineLength + 1 { throw .requestLineTooLong }
            return nil
        }
        let line = Self.trimCR(bytes, start, lineEnd)
        if line.count > limits.maxRequestLineLength { throw .requestLineTooLong }
        var (method, target, version) = try parseRequestLine(line)
        // The line is exactly `method SP target [SP version]`, each decoded as received: the request spells it
        // from those fields, and only a version read as another (below) needs the line kept as received.
        var requestLine: String?

        guard let parsedVersion = version else {
            // HTTP/0.9 (RFC 1945 §4.1): "GET /path" alone; the head ends with that line.
            return (HTTPRequest(method: method, target: target, version: nil), lineEnd + 1)
        }
        // RFC 9112 §2.3: a higher minor version of a supported major version is treated as the highest we know.
        if parsedVersion.major == 1 && parsedVersion.minor > 1 {
            version = .http1_1
            requestLine = String(latin1: line)
        }

        var headers = HTTPHeaders()
        headers.reserveCapacity(8)  // One allocation for a usual head instead of one per doubling.
        var cursor = lineEnd + 1
        let headerStart = cursor
        while true {
            guard let end = Self.indexOfLF(bytes, from: cursor) else {
                if bytes.count - headerStart > limits.maxHeaderBytes { throw .headersTooLarge }
                return nil
            }
            if end + 1 - headerStart > limits.maxHeaderBytes { throw .headersTooLarge }
            let field = Self.trimCR(bytes, cursor, end)
            cursor = end + 1
            if field.isEmpty { break }
            if headers.count >= limits.maxHeaderCount { throw .tooManyHeaders }
            let (name, value) = try parseField(field)
            headers.add(name: name, value: value)
        }

        var request = HTTPRequest(
            method: method,
            target: target,
            version: version,
            headers: headers,
            requestLine: requestLine
        )
        try validate(&request)
        return (request, cursor)
    }

    /// Convenience for tests and callers holding an array.
    public func parse(_ bytes: [UInt8]) throws(HTTPParseError) -> (request: HTTPRequest, headLength: Int)? {
        let result: Result<(request: HTTPRequest, headLength: Int)?, HTTPParseError> = bytes.withUnsafeBytes { raw in
            Result { () throws(HTTPParseError) in try parse(raw) }
        }
        return try result.get()
    }

    private func parseRequestLine(
        _ line: UnsafeRawBufferPointer.SubSequence
    ) throws(HTTPParseError)
        -> (HTTPMethod, String, HTTPVersion?)
    {
        if line.contains(ASCII.cr) { throw .badRequest("bare CR in request line") }
        // RFC 9112 §3: method SP request-target SP HTTP-version, single spaces: two or three parts.
        guard let firstSpace = line.firstIndex(of: ASCII.space) else { throw .badRequest("malformed request line") }
        let secondSpace = line[(firstSpace + 1)...].firstIndex(of: ASCII.space)
        if let secondSpace, line[(secondSpace + 1)...].contains(ASCII.space) {
            throw .badRequest("malformed request line")
        }
        let methodBytes = line[line.startIndex..<firstSpace]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(ASCII.isTokenCharacter) else {
            throw .badRequest("malformed method")
        }
        let method = Self.method(methodBytes)
        let targetBytes = line[(firstSpace + 1)..<(secondSpace ?? line.endIndex)]
        guard !targetBytes.isEmpty, !targetBytes.contains(where: { $0 < 0x21 || $0 == 0x7F }) else {
            throw .badRequest("malformed request target")
        }
        let target = String(latin1: targetBytes)
        guard let secondSpace else {
            // RFC 1945 §4.1: a Simple-Request is only ever GET.
            guard method == .get else { throw .badRequest("HTTP/0.9 request with a method other than GET") }
            try Self.validateTarget(target)
            return (method, target, nil)
        }
        let version = try Self.parseVersion(line[(secondSpace + 1)...])
        try Self.validateTarget(target)
        return (method, target, version)
    }

    /// The method named by `bytes` (a token): the shared value for GET and HEAD, which nearly every request is.
    static func method(_ bytes: UnsafeRawBufferPointer.SubSequence) -> HTTPMethod {
        if bytes.elementsEqual("GET".utf8) { return .get }
        if bytes.elementsEqual("HEAD".utf8) { return .head }
        return HTTPMethod(String(latin1: bytes))
    }

    /// `HTTP/` DIGIT `.` DIGIT (RFC 9112 §2.3); a major version other than 1 is 505.
    static func parseVersion(_ bytes: UnsafeRawBufferPointer.SubSequence) throws(HTTPParseError) -> HTTPVersion {
        let start = bytes.startIndex
        guard bytes.count == 8, bytes.prefix(5).elementsEqual("HTTP/".utf8), ASCII.isDigit(bytes[start + 5]),
            bytes[start + 6] == UInt8(ascii: "."), ASCII.isDigit(bytes[start + 7])
        else { throw .badRequest("malformed HTTP version") }
        let version = HTTPVersion(major: Int(bytes[start + 5] - 0x30), minor: Int(bytes[start + 7] - 0x30))
        guard version.major == 1 else { throw .unsupportedVersion }
        return version
    }

    /// The origin form `/path` or the absolute form `http://host/path` (RFC 9112 §3.2).
    static func validateTarget(_ target: String) throws(HTTPParseError) {
        if target.hasPrefix("/") { return }
        let lower = target.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return }
        throw .badRequest("request target must start with /")
    }

    private func parseField(_ field: UnsafeRawBufferPointer.SubSequence) throws(HTTPParseError) -> (String, String) {
        // RFC 9112 §5.2: obs-fold is obsolete; a server may reject it with 400.
        if field.first == ASCII.space || field.first == ASCII.tab { throw .badRequest("obsolete line folding") }
        guard let colon = field.firstIndex(of: ASCII.colon) else { throw .badRequest("header field without colon") }
        let name = field[field.startIndex..<colon]
        // RFC 9112 §5.1: no whitespace between the field name and the colon; such a request gets 400.
        guard !name.isEmpty, name.allSatisfy(ASCII.isTokenCharacter) else { throw .badRequest("malformed header name") }
        var value = field[(colon + 1)...]
        while let first = value.first, first == ASCII.space || first == ASCII.tab { value = value.dropFirst() }
        while let last = value.last, last == ASCII.space || last == ASCII.tab { value = value.dropLast() }
        // RFC 9110 §5.5: field values are visible characters, spaces, tabs and obs-text; CR, LF and NUL are refused.
        if value.contains(where: { ($0 < 0x20 && $0 != ASCII.tab) || $0 == 0x7F }) {
            throw .badRequest("control character in header value")
        }
        return (String(latin1: name), String(latin1: value))
    }

    private func validate(_ request: inout HTTPRequest) throws(HTTPParseError) {
        let hosts = request.headers.count(named: "Host")
        // RFC 9112 §3.2: an HTTP/1.1 request without Host, or with more than one, gets 400.
        if let version = request.version, version >= .http1_1, hosts != 1 {
            throw .badRequest(hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host")
        }
        if hosts > 1 { throw .badRequest("more than one Host") }
        // RFC 9112 §6.1: an HTTP/1.0 recipient cannot know the codings, so Transfer-Encoding in an HTTP/1.0
        // message means faulty framing: the body's end is unknown (nginx answers 400 too).
        let codings = request.headers["Transfer-Encoding"]
        if let version = request.version, version < .http1_1, codings != nil {
            throw .badRequest("Transfer-Encoding in an HTTP/1.0 request")
        }
        // RFC 9112 §6.1: a server MAY reject a request with both Transfer-Encoding and Content-Length; request
        // smuggling lives on two parties reading the two differently (nginx rejects it too).
        if codings != nil, request.headers["Content-Length"] != nil {
            throw .badRequest("both Transfer-Encoding and Content-Length")
        }
        // RFC 9112 §6.3: chunked must be the final coding, and a Content-Length must be one valid number.
        do throws(HTTPFramingError) {
            _ = try BodyFraming(request: request)
        } catch {
            throw .badRequest(error.description)
        }
    }

    static func indexOfLF(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == ASCII.lf { return index }
            index += 1
        }
        return nil
    }

    /// The line from `start` up to `lf`, without a CR right before the LF (LF-only endings are accepted).
    static func trimCR(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ lf: Int) -> UnsafeRawBufferPointer.SubSequence {
        let end = lf > start && bytes[lf - 1] == ASCII.cr ? lf - 1 : lf
        return bytes[start..<end]
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
