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
        var (method, target, version) = try parseRequestLine(bytes, line)
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
            requestLine = String(latin1: bytes[line])
        }

        guard let (headers, cursor) = try parseFields(bytes, from: lineEnd + 1) else { return nil }
        let request = HTTPRequest(
            method: method,
            target: target,
            version: version,
            headers: headers,
            requestLine: requestLine
        )
        try validate(request)
        return (request, cursor)
    }

    /// The field lines from `start` up to the empty line that ends the head: the headers and the head's length,
    /// or `nil` when that line has not arrived yet.
    private func parseFields(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int
    ) throws(HTTPParseError) -> (HTTPHeaders, Int)? {
        // Where each field lies is collected in stack room (a usual head's fields fit), then kept with the field
        // lines in one allocation of the size they take. An InlineArray, not withUnsafeTemporaryAllocation: that
        // generic call, its closure returning a tuple, looked up type metadata on every request (callgrind).
        let zero = HTTPHeaders.FieldBounds(nameStart: 0, nameEnd: 0, valueStart: 0, valueEnd: 0)
        var room = InlineArray<32, HTTPHeaders.FieldBounds>(repeating: zero)
        var spilled: [HTTPHeaders.FieldBounds] = []  // All of them, once there are more than the room holds.
        var headers = HTTPHeaders(indexed: ())
        var count = 0
        var cursor = start
        while true {
            guard let end = Self.indexOfLF(bytes, from: cursor) else {
                if bytes.count - start > limits.maxHeaderBytes { throw .headersTooLarge }
                return nil
            }
            if end + 1 - start > limits.maxHeaderBytes { throw .headersTooLarge }
            let field = Self.trimCR(bytes, cursor, end)
            cursor = end + 1
            if field.isEmpty { break }
            if count >= limits.maxHeaderCount { throw .tooManyHeaders }
            let (bounds, known) = try parseField(bytes, field, from: start)
            if let known { headers.noteReceived(known, at: count) }
            if count < room.count {
                room[count] = bounds
            } else {
                if spilled.isEmpty { for index in room.indices { spilled.append(room[index]) } }
                spilled.append(bounds)
            }
            count += 1
        }
        let lines = UnsafeRawBufferPointer(rebasing: bytes[start..<cursor])
        if spilled.isEmpty {
            withUnsafeBytes(of: &room) { headers.keepReceived(count, of: $0, lines: lines) }
        } else {
            spilled.withUnsafeBytes { headers.keepReceived(count, of: $0, lines: lines) }
        }
        return (headers, cursor)
    }

    /// Convenience for tests and callers holding an array.
    public func parse(_ bytes: [UInt8]) throws(HTTPParseError) -> (request: HTTPRequest, headLength: Int)? {
        let result: Result<(request: HTTPRequest, headLength: Int)?, HTTPParseError> = bytes.withUnsafeBytes { raw in
            Result { () throws(HTTPParseError) in try parse(raw) }
        }
        return try result.get()
    }

    private func parseRequestLine(
        _ bytes: UnsafeRawBufferPointer,
        _ line: Range<Int>
    ) throws(HTTPParseError) -> (HTTPMethod, String, HTTPVersion?) {
        // One pass finds the spaces and any CR; the checks then run in the grammar's order.
        var firstSpace: Int?
        var secondSpace: Int?
        var moreSpaces = false
        var bareCR = false
        for index in line {
            let byte = bytes[index]
            if byte == ASCII.space {
                if firstSpace == nil {
                    firstSpace = index
                } else if secondSpace == nil {
                    secondSpace = index
                } else {
                    moreSpaces = true
                }
            } else if byte == ASCII.cr {
                bareCR = true
            }
        }
        if bareCR { throw .badRequest("bare CR in request line") }
        // RFC 9112 §3: method SP request-target SP HTTP-version, single spaces: two or three parts.
        guard let firstSpace, !moreSpaces else { throw .badRequest("malformed request line") }
        let methodBytes = line.lowerBound..<firstSpace
        guard !methodBytes.isEmpty, methodBytes.allSatisfy({ ASCII.isTokenCharacter(bytes[$0]) }) else {
            throw .badRequest("malformed method")
        }
        let method = Self.method(bytes, methodBytes)
        let targetBytes = (firstSpace + 1)..<(secondSpace ?? line.upperBound)
        var nonASCII: UInt8 = 0
        for index in targetBytes {
            let byte = bytes[index]
            if byte < 0x21 || byte == 0x7F { throw .badRequest("malformed request target") }
            nonASCII |= byte
        }
        if targetBytes.isEmpty { throw .badRequest("malformed request target") }
        let target = String(latin1: bytes, targetBytes, isASCII: nonASCII < 0x80)
        guard let secondSpace else {
            // RFC 1945 §4.1: a Simple-Request is only ever GET.
            guard method == .get else { throw .badRequest("HTTP/0.9 request with a method other than GET") }
            try Self.validateTarget(bytes, targetBytes)
            return (method, target, nil)
        }
        let version = try Self.parseVersion(bytes[(secondSpace + 1)..<line.upperBound])
        try Self.validateTarget(bytes, targetBytes)
        return (method, target, version)
    }

    /// The method named by `bytes` (a token): the shared value for GET and HEAD, which nearly every request is.
    static func method(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> HTTPMethod {
        let start = range.lowerBound
        if range.count == 3, bytes[start] == UInt8(ascii: "G"), bytes[start + 1] == UInt8(ascii: "E"),
            bytes[start + 2] == UInt8(ascii: "T")
        {
            return .get
        }
        if range.count == 4, bytes[start] == UInt8(ascii: "H"), bytes[start + 1] == UInt8(ascii: "E"),
            bytes[start + 2] == UInt8(ascii: "A"), bytes[start + 3] == UInt8(ascii: "D")
        {
            return .head
        }
        return HTTPMethod(String(latin1: bytes[range]))
    }

    /// `HTTP/` DIGIT `.` DIGIT (RFC 9112 §2.3); a major version other than 1 is 505.
    static func parseVersion(_ bytes: UnsafeRawBufferPointer.SubSequence) throws(HTTPParseError) -> HTTPVersion {
        let start = bytes.startIndex
        guard bytes.count == 8, bytes[start] == UInt8(ascii: "H"), bytes[start + 1] == UInt8(ascii: "T"),
            bytes[start + 2] == UInt8(ascii: "T"), bytes[start + 3] == UInt8(ascii: "P"),
            bytes[start + 4] == ASCII.slash, ASCII.isDigit(bytes[start + 5]),
            bytes[start + 6] == UInt8(ascii: "."), ASCII.isDigit(bytes[start + 7])
        else { throw .badRequest("malformed HTTP version") }
        let version = HTTPVersion(major: Int(bytes[start + 5] - 0x30), minor: Int(bytes[start + 7] - 0x30))
        guard version.major == 1 else { throw .unsupportedVersion }
        return version
    }

    /// The origin form `/path` or the absolute form `http://host/path` (RFC 9112 §3.2), the scheme in any case.
    static func validateTarget(_ bytes: UnsafeRawBufferPointer, _ target: Range<Int>) throws(HTTPParseError) {
        if bytes[target.lowerBound] == ASCII.slash { return }
        func hasPrefix(_ lowercase: StaticString) -> Bool {
            guard target.count >= lowercase.utf8CodeUnitCount else { return false }
            for offset in 0..<lowercase.utf8CodeUnitCount
            where ASCII.lowercased(bytes[target.lowerBound + offset]) != lowercase.utf8Start[offset] {
                return false
            }
            return true
        }
        if hasPrefix("http://") || hasPrefix("https://") { return }
        throw .badRequest("request target must start with /")
    }

    /// Parses one field line: where its name and value lie (counted from `base`, the first field line's start),
    /// and the known name (``HTTPHeaders/KnownName``) it spells. No string is made.
    private func parseField(
        _ bytes: UnsafeRawBufferPointer,
        _ field: Range<Int>,
        from base: Int
    ) throws(HTTPParseError) -> (HTTPHeaders.FieldBounds, HTTPHeaders.KnownName?) {
        // RFC 9112 §5.2: obs-fold is obsolete; a server may reject it with 400.
        let first = bytes[field.lowerBound]
        if first == ASCII.space || first == ASCII.tab { throw .badRequest("obsolete line folding") }
        var colon = field.lowerBound
        while colon < field.upperBound, bytes[colon] != ASCII.colon { colon += 1 }
        if colon == field.upperBound { throw .badRequest("header field without colon") }
        // RFC 9112 §5.1: no whitespace between the field name and the colon; such a request gets 400.
        let name = field.lowerBound..<colon
        guard !name.isEmpty, name.allSatisfy({ ASCII.isTokenCharacter(bytes[$0]) }) else {
            throw .badRequest("malformed header name")
        }
        var valueStart = colon + 1
        var valueEnd = field.upperBound
        while valueStart < valueEnd, bytes[valueStart] == ASCII.space || bytes[valueStart] == ASCII.tab {
            valueStart += 1
        }
        while valueEnd > valueStart, bytes[valueEnd - 1] == ASCII.space || bytes[valueEnd - 1] == ASCII.tab {
            valueEnd -= 1
        }
        // RFC 9110 §5.5: field values are visible characters, spaces, tabs and obs-text; CR, LF and NUL are refused.
        for index in valueStart..<valueEnd {
            let byte = bytes[index]
            if (byte < 0x20 && byte != ASCII.tab) || byte == 0x7F {
                throw .badRequest("control character in header value")
            }
        }
        let known = HTTPHeaders.KnownName.recognise(UnsafeRawBufferPointer(rebasing: bytes[name]))
        let bounds = HTTPHeaders.FieldBounds(
            nameStart: UInt32(name.lowerBound - base),
            nameEnd: UInt32(name.upperBound - base),
            valueStart: UInt32(valueStart - base),
            valueEnd: UInt32(valueEnd - base)
        )
        return (bounds, known)
    }

    private func validate(_ request: HTTPRequest) throws(HTTPParseError) {
        let hosts = request.headers.count(named: .host)
        // RFC 9112 §3.2: an HTTP/1.1 request without Host, or with more than one, gets 400.
        if let version = request.version, version >= .http1_1, hosts != 1 {
            throw .badRequest(hosts == 0 ? "HTTP/1.1 request without Host" : "more than one Host")
        }
        if hosts > 1 { throw .badRequest("more than one Host") }
        // RFC 9112 §6.1: an HTTP/1.0 recipient cannot know the codings, so Transfer-Encoding in an HTTP/1.0
        // message means faulty framing: the body's end is unknown (nginx answers 400 too).
        let codings = request.headers.contains(.transferEncoding)
        if let version = request.version, version < .http1_1, codings {
            throw .badRequest("Transfer-Encoding in an HTTP/1.0 request")
        }
        // RFC 9112 §6.1: a server MAY reject a request with both Transfer-Encoding and Content-Length; request
        // smuggling lives on two parties reading the two differently (nginx rejects it too).
        let length = request.headers.contains(.contentLength)
        if codings, length { throw .badRequest("both Transfer-Encoding and Content-Length") }
        // RFC 9112 §6.3: chunked must be the final coding, and a Content-Length must be one valid number.
        // Without either field the request has no body (§6.3 (7)): nothing to check.
        guard codings || length else { return }
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
    static func trimCR(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ lf: Int) -> Range<Int> {
        let end = lf > start && bytes[lf - 1] == ASCII.cr ? lf - 1 : lf
        return start..<end
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
