/// A response's status line and headers.
public struct HTTPResponseHead: Sendable, Equatable {
    /// The version on the status line; the server always answers `HTTP/1.0`.
    public var version: HTTPVersion
    public var status: HTTPStatus
    public var headers: HTTPHeaders

    /// Creates a response head.
    public init(version: HTTPVersion = .http1_0, status: HTTPStatus, headers: HTTPHeaders = HTTPHeaders()) {
        self.version = version
        self.status = status
        self.headers = headers
    }

    /// The head as bytes: status line, one line per field, and the empty line, all ending in CRLF.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        appendStatusLine(to: &bytes)
        headers.serialize(into: &bytes)
        return bytes
    }

    /// The most bytes ``writeStatusLine(to:)`` writes.
    public var statusLineCapacity: Int { 52 + status.reasonPhrase.utf8.count }

    /// Writes `HTTP/x.y CODE Reason` and its CRLF, at most ``statusLineCapacity`` bytes.
    public func writeStatusLine(to writer: inout ByteWriter) {
        if (0..<10).contains(version.major) && (0..<10).contains(version.minor) && (100...999).contains(status.code) {
            // Every line the server sends: `HTTP/1.0 200 `, 13 bytes of known places, one room check.
            let out = writer.claim(13)
            let code = status.code
            (out + 0).initialize(from: ("HTTP/" as StaticString).utf8Start, count: 5)
            out[5] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: version.major)
            out[6] = UInt8(ascii: ".")
            out[7] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: version.minor)
            out[8] = ASCII.space
            out[9] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: code / 100)
            out[10] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: code / 10 % 10)
            out[11] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: code % 10)
            out[12] = ASCII.space
            writer.writeUTF8(status.reasonPhrase)
            writer.write("\r\n")
            return
        }
        writer.write("HTTP/")
        writer.writeDecimal(Int64(version.major))
        writer.write(UInt8(ascii: "."))
        writer.writeDecimal(Int64(version.minor))
        writer.write(ASCII.space)
        writer.writeDecimal(Int64(status.code))
        writer.write(ASCII.space)
        writer.writeUTF8(status.reasonPhrase)
        writer.write("\r\n")
    }

    /// Appends `HTTP/x.y CODE Reason` and its CRLF, byte by byte (no interpolated `String` on the way).
    public func appendStatusLine(to bytes: inout [UInt8]) {
        bytes.append(contentsOf: "HTTP/".utf8)
        ASCII.appendDecimal(Int64(version.major), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        ASCII.appendDecimal(Int64(version.minor), to: &bytes)
        bytes.append(ASCII.space)
        ASCII.appendDecimal(Int64(status.code), to: &bytes)
        bytes.append(ASCII.space)
        bytes.append(contentsOf: status.reasonPhrase.utf8)
        bytes.append(contentsOf: "\r\n".utf8)
    }
}

extension HTTPRequest {
    /// The request head as bytes, as a client sends it: request line, fields, empty line, CRLF endings.
    public func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append(contentsOf: method.rawValue.utf8)
        bytes.append(ASCII.space)
        bytes.append(contentsOf: target.latin1Bytes)
        if let version {
            bytes.append(ASCII.space)
            bytes.append(contentsOf: version.description.utf8)
        }
        bytes.append(contentsOf: "\r\n".utf8)
        guard version != nil else { return bytes }
        headers.serialize(into: &bytes)
        return bytes
    }
}

extension HTTPHeaders {
    /// Appends one `Name: value` CRLF line per field, then the empty line that ends a head (RFC 9112 §2.1).
    func serialize(into bytes: inout [UInt8]) {
        for (name, value) in self { Self.appendField(name: name, value: value, to: &bytes) }
        bytes.append(contentsOf: "\r\n".utf8)
    }

    /// The most bytes ``writeField(name:value:to:)`` writes for this field.
    public static func fieldCapacity(name: String, value: String) -> Int { name.utf8.count + value.utf8.count + 4 }

    /// Writes the field's line as a head holds it: `Name: value` and CRLF, the value in ISO-8859-1; at most
    /// ``fieldCapacity(name:value:)`` bytes.
    public static func writeField(name: String, value: String, to writer: inout ByteWriter) {
        writer.writeUTF8(name)
        writer.write(ASCII.colon)
        writer.write(ASCII.space)
        writer.writeLatin1(value)
        writer.write(ASCII.cr)
        writer.write(ASCII.lf)
    }

    /// Appends the field's line as a head holds it: `Name: value` and CRLF, the value in ISO-8859-1.
    public static func appendField(name: String, value: String, to bytes: inout [UInt8]) {
        name.appendUTF8Bytes(to: &bytes)
        bytes.append(ASCII.colon)
        bytes.append(ASCII.space)
        value.appendLatin1Bytes(to: &bytes)
        bytes.append(ASCII.cr)
        bytes.append(ASCII.lf)
    }
}
