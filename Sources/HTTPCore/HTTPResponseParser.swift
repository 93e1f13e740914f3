/// Parses a response head for the client: status line and header fields.
///
/// Lenient where real servers are sloppy (LF-only endings, folded or repeated fields,
/// a missing reason phrase), strict where sloppiness would corrupt the body's framing.
public struct HTTPResponseParser: Sendable {
    /// Why a response head could not be parsed.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// The reply does not begin with `HTTP/`: an HTTP/0.9 reply (body only), or garbage.
        case noStatusLine
        /// The status line starts with `HTTP/` but its version or status code cannot be read; the text says
        /// which (curl's words: `Unsupported HTTP version in response`, `Unsupported response code in HTTP
        /// response`).
        case unsupportedStatusLine(String)
        /// A line of the head is malformed (a NUL byte, a field without a colon, a bad field name); the text
        /// says how, and `lineStart` is the offset of that line in the head: the lines before it are
        /// well-formed.
        case malformed(String, lineStart: Int)
        /// The head grew past the limit without ending.
        case headTooLarge(Int)

        public var description: String {
            switch self {
            case .noStatusLine: return "the reply has no HTTP status line"
            case .unsupportedStatusLine(let why): return why
            case .malformed(let why, _): return "malformed response head: \(why)"
            case .headTooLarge(let limit): return "response head larger than \(limit) bytes"
            }
        }
    }

    /// The largest head accepted.
    public var maxHeadBytes: Int

    /// Creates a parser; `maxHeadBytes` bounds memory when a server sends an endless header.
    public init(maxHeadBytes: Int = 256 * 1024) {
        self.maxHeadBytes = maxHeadBytes
    }

    /// Parses the response head at the start of `bytes`.
    ///
    /// - Returns: the head and its length in bytes, or `nil` if it is not complete yet.
    /// - Throws: ``Failure``; `.noStatusLine` as soon as the first bytes cannot start `HTTP/`.
    public func parse(_ bytes: [UInt8]) throws(Failure) -> (head: HTTPResponseHead, headLength: Int)? {
        let prefix = Array("HTTP/".utf8)
        let checked = min(bytes.count, prefix.count)
        if Array(bytes[..<checked]) != Array(prefix[..<checked]) { throw .noStatusLine }
        // Find the empty line that ends the head: CRLF CRLF, or LF LF from sloppy servers.
        var lines: [ArraySlice<UInt8>] = []
        var lineStarts: [Int] = []
        var lineStart = 0
        var index = 0
        var headLength: Int?
        while index < bytes.count {
            if bytes[index] == ASCII.lf {
                var line = bytes[lineStart..<index]
                if line.last == ASCII.cr { line = line.dropLast() }
                if line.isEmpty {
                    headLength = index + 1
                    break
                }
                lines.append(line)
                lineStarts.append(lineStart)
                lineStart = index + 1
            }
            index += 1
        }
        guard let headLength else {
            if bytes.count > maxHeadBytes { throw .headTooLarge(maxHeadBytes) }
            return nil
        }
        if headLength > maxHeadBytes { throw .headTooLarge(maxHeadBytes) }
        let head = try parseLines(lines, starts: lineStarts)
        return (head, headLength)
    }

    private func parseLines(_ lines: [ArraySlice<UInt8>], starts: [Int]) throws(Failure) -> HTTPResponseHead {
        guard let statusLine = lines.first else { throw .malformed("empty status line", lineStart: 0) }
        // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4).
        let parts = statusLine.split(separator: ASCII.space, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts[0].count == 8, ASCII.isDigit(parts[0][parts[0].startIndex + 5]),
            parts[0][parts[0].startIndex + 6] == UInt8(ascii: "."), ASCII.isDigit(parts[0][parts[0].startIndex + 7])
        else { throw .unsupportedStatusLine("Unsupported HTTP version in response") }
        let versionBytes = Array(parts[0])
        let version = HTTPVersion(major: Int(versionBytes[5] - 0x30), minor: Int(versionBytes[7] - 0x30))
        guard parts.count >= 2, parts[1].count == 3, parts[1].allSatisfy(ASCII.isDigit),
            parts[1].first! >= UInt8(ascii: "1")
        else { throw .unsupportedStatusLine("Unsupported response code in HTTP response") }
        let code = parts[1].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        // RFC 9110 §5.5: a recipient of a NUL must reject the message or replace it; we reject (curl: exit 8).
        if statusLine.contains(0) { throw .malformed("Nul byte in header", lineStart: 0) }
        let reason = parts.count == 3 ? String(latin1: parts[2]) : ""
        var fields: [(String, String)] = []
        for (line, lineStart) in zip(lines, starts).dropFirst() {
            if line.contains(0) { throw .malformed("Nul byte in header", lineStart: lineStart) }
            if line.first == ASCII.space || line.first == ASCII.tab {
                // RFC 9112 §5.2: a recipient may replace obs-fold with a space before interpreting the field.
                guard !fields.isEmpty else {
                    throw .malformed("continuation line before any field", lineStart: lineStart)
                }
                let more = String(latin1: line.drop { $0 == ASCII.space || $0 == ASCII.tab })
                fields[fields.count - 1].1 += " " + more
                continue
            }
            guard let colon = line.firstIndex(of: ASCII.colon), colon > line.startIndex else {
                throw .malformed("header line without a name and colon", lineStart: lineStart)
            }
            let name = line[line.startIndex..<colon]
            guard name.allSatisfy(ASCII.isTokenCharacter) else {
                throw .malformed("bad header name", lineStart: lineStart)
            }
            var value = line[(colon + 1)...]
            while let first = value.first, first == ASCII.space || first == ASCII.tab { value = value.dropFirst() }
            while let last = value.last, last == ASCII.space || last == ASCII.tab { value = value.dropLast() }
            fields.append((String(latin1: name), String(latin1: value)))
        }
        var headers = HTTPHeaders()
        for (name, value) in fields { headers.add(name: name, value: value) }
        let status = HTTPStatus(code: code)
        return HTTPResponseHead(
            version: version,
            status: HTTPStatus(code, reason.isEmpty ? status.reasonPhrase : reason),
            headers: headers
        )
    }
}
