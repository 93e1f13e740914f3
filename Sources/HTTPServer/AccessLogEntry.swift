import HTTPCore

/// One response's values for its access-log line (``AccessLog/line(client:user:request:rawRequestLine:status:bytesSent:now:tlsVersion:)``),
/// the request's looked up once, and the line written from them with plain stores (``ByteWriter``): no
/// `String` is built, the date comes preformatted, numbers and escapes are written byte by byte.
struct AccessLogEntry {
    /// The authenticated user (CLF's third field, RFC 7617).
    var user: String?
    /// The request line when it is not spelled from ``method``, ``target`` and ``version``: as given, or the
    /// first line received when it could not be parsed (`""` for none).
    var requestLine: String?
    var method = ""
    var target = ""
    var version: HTTPVersion?
    /// The request's fields, for the `Referer` and `User-Agent` values: written from the bytes received.
    var headers: HTTPHeaders?
    var status: Int
    var bytesSent: Int64
    /// The TLS field after the user agent (nginx's `$ssl_protocol`), for a server speaking https.
    var tlsVersion: String?

    /// An entry of these values, the request's looked up by the caller.
    init(
        user: String?,
        requestLine: String?,
        method: String,
        target: String,
        version: HTTPVersion?,
        headers: HTTPHeaders?,
        status: Int,
        bytesSent: Int64,
        tlsVersion: String?
    ) {
        self.user = user
        self.requestLine = requestLine
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.status = status
        self.bytesSent = bytesSent
        self.tlsVersion = tlsVersion
    }

    /// The entry of a response to `request`, or to an unparsed `rawRequestLine` when `request` is `nil`.
    /// (`Connection` looks the request's fields up itself: handing over the request it keeps would copy it.)
    init(
        user: String?,
        request: HTTPRequest?,
        rawRequestLine: String?,
        status: Int,
        bytesSent: Int64,
        tlsVersion: String?
    ) {
        var requestLine: String? = rawRequestLine ?? ""
        if let request { requestLine = request.distinctRequestLine }
        self.init(
            user: user,
            requestLine: requestLine,
            method: request?.method.rawValue ?? "",
            target: request?.target ?? "",
            version: request?.version,
            headers: request?.headers,
            status: status,
            bytesSent: bytesSent,
            tlsVersion: tlsVersion
        )
    }

    /// At most how many bytes ``write(to:date:)`` writes: an escaped value takes at most four bytes for each
    /// of its UTF-8 bytes.
    var capacity: Int {
        // The separators, brackets and quotes, the date (26), two numbers (20 each), `HTTP/`, the version.
        var escaped = (user?.utf8.count ?? 0) + (requestLine?.utf8.count ?? 0) + method.utf8.count + target.utf8.count
        if let headers {
            _ = headers.withValueBytes(.referer) { escaped += $0.count }
            _ = headers.withValueBytes(.userAgent) { escaped += $0.count }
        }
        return 160 + 4 * escaped + (tlsVersion?.utf8.count ?? 0)
    }

    /// Writes the line after its first field, the client's address, which the caller has written; room for
    /// ``capacity`` bytes must be there. `date` is ``AccessLog/commonLogDate(_:)``'s text.
    func write(to writer: inout ByteWriter, date: [UInt8]) {
        writer.write(" - ")
        if let user, !user.isEmpty { writer.writeLogEscaped(user) } else { writer.write(UInt8(ascii: "-")) }
        writer.write(" [")
        writer.write(date)
        writer.write("] \"")
        if let requestLine {
            writer.writeLogEscaped(requestLine)
        } else {
            // What ``HTTPRequest/requestLine`` spells, escaped piece by piece: escaping goes byte by byte.
            writer.writeLogEscaped(method)
            writer.write(UInt8(ascii: " "))
            writer.writeLogEscaped(target)
            if let version {
                writer.write(" HTTP/")
                writer.writeSmallDecimal(version.major)
                writer.write(UInt8(ascii: "."))
                writer.writeSmallDecimal(version.minor)
            }
        }
        writer.write("\" ")
        writer.writeSmallDecimal(status)
        writer.write(UInt8(ascii: " "))
        writer.writeDecimal(bytesSent)
        writer.write(" \"")
        writeField(.referer, to: &writer)
        writer.write("\" \"")
        writeField(.userAgent, to: &writer)
        writer.write(UInt8(ascii: "\""))
        if let tlsVersion {
            writer.write(UInt8(ascii: " "))
            writer.writeUTF8(tlsVersion)
        }
        writer.write(UInt8(ascii: "\n"))
    }

    /// Writes the value of the request's field `name` escaped, `-` when there is none.
    private func writeField(_ name: HTTPHeaders.KnownName, to writer: inout ByteWriter) {
        let found = headers?.withValueBytes(name) { writer.writeLogEscaped(bytes: $0) } ?? false
        if !found { writer.write(UInt8(ascii: "-")) }
    }
}

extension ByteWriter {
    /// Writes `text` escaped as ``AccessLog/escape(_:)`` does, at most four bytes for each of its UTF-8 bytes.
    /// `text` holds ISO-8859-1 code points (``Swift/String/init(latin1:)``), so each code point is one received
    /// byte.
    mutating func writeLogEscaped(_ text: String) {
        // Nearly every value needs no escape at all: then its bytes go in as one block.
        let copied = text.utf8.withContiguousStorageIfAvailable { utf8 in
            guard Self.isPlainLogText(utf8) else { return false }
            write(utf8)
            return true
        }
        if copied == true { return }
        // Code points, not UTF-8 bytes: above 0x7F the two differ; a code point above 255 cannot come off the wire.
        for scalar in text.unicodeScalars {
            writeLogEscaped(byte: scalar.value < 256 ? UInt8(scalar.value) : UInt8(ascii: "?"))
        }
    }

    /// Writes `bytes` (ISO-8859-1: one byte per code point, as received) escaped as ``AccessLog/escape(_:)``
    /// escapes their text, at most four bytes for each.
    mutating func writeLogEscaped(bytes: UnsafeRawBufferPointer) {
        let text = bytes.assumingMemoryBound(to: UInt8.self)
        if Self.isPlainLogText(text) {
            write(text)
            return
        }
        for byte in text { writeLogEscaped(byte: byte) }
    }

    /// Whether ``writeLogEscaped(_:)`` writes every byte as itself: all are printable ASCII (0x20-0x7E) and
    /// none is `"` or `\`. Eight bytes a turn, tested with word arithmetic (the "determine if a word has a
    /// byte less than n" and "has a zero byte" tests of Sean Anderson's Bit Twiddling Hacks; exact as a yes or
    /// no for the whole word): a byte loop cost more than the copy (callgrind, 2026-12-07).
    static func isPlainLogText(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let flags = orOfWords(bytes, logEscapeFlags) { byte in
            byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? 1 : 0
        }
        return flags == 0
    }

    /// Nonzero when one of the eight bytes of `word` needs an escape.
    @inline(__always)
    private static func logEscapeFlags(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let below = (word &- ones &* 0x20) & ~word  // a byte below 0x20
        let above = (word &+ ones) | word  // a byte of 0x7F or more
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let zeros = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)  // a `"` or a `\`
        return (below | above | zeros) & highs
    }

    /// Writes `value` in decimal, one byte when it is a digit (a status, a version number).
    @inline(__always)
    mutating func writeSmallDecimal(_ value: Int) {
        if (0..<10).contains(value) { write(UInt8(ascii: "0") + UInt8(value)) } else { writeDecimal(Int64(value)) }
    }

    private mutating func writeLogEscaped(byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            write(UInt8(ascii: "\\"))
            write(byte)
        case 0x20..<0x7F:
            write(byte)
        default:
            let hexDigits = ("0123456789abcdef" as StaticString).utf8Start
            write(UInt8(ascii: "\\"))
            write(UInt8(ascii: "x"))
            write(hexDigits[Int(byte >> 4)])
            write(hexDigits[Int(byte & 0xF)])
        }
    }
}
