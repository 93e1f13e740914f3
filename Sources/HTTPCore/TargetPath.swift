/// A request target reduced to a safe path below the site root.
///
/// Made in this order, each step on the previous one's output: strip the absolute
/// form's scheme and authority, strip the query, percent-decode once, then remove
/// dot-segments and repeated slashes. A `..` that would climb above the root is
/// refused, never clamped: the client asked for something outside the site.
public struct TargetPath: Sendable, Equatable {
    /// The decoded path below the root: its segments (none of them empty, `.` or `..`) joined by `/`, with no
    /// leading or trailing `/`; empty for the root itself. One array for the whole path.
    public var relative: [UInt8]
    /// Whether the target ended in `/` (a folder was asked for).
    public var hasTrailingSlash: Bool
    /// The query string without its `?`, still percent-encoded, if there was one.
    public var query: String?

    /// Creates a path from decoded segments.
    public init(segments: [[UInt8]], hasTrailingSlash: Bool, query: String? = nil) {
        var relative: [UInt8] = []
        for segment in segments {
            if !relative.isEmpty { relative.append(ASCII.slash) }
            relative.append(contentsOf: segment)
        }
        self.init(relative: relative, hasTrailingSlash: hasTrailingSlash, query: query)
    }

    /// Creates a path from its ``relative`` bytes.
    public init(relative: [UInt8], hasTrailingSlash: Bool, query: String? = nil) {
        self.relative = relative
        self.hasTrailingSlash = hasTrailingSlash
        self.query = query
    }

    /// The decoded path segments, none of them empty, `.` or `..` (an array each: for tests and checks).
    public var segments: [[UInt8]] { relative.split(separator: ASCII.slash).map(Array.init) }

    /// Whether the path names the root itself (no segment).
    public var isRoot: Bool { relative.isEmpty }

    /// The last segment, the name of the file or folder asked for; empty for the root.
    public var name: ArraySlice<UInt8> {
        let start = relative.lastIndex(of: ASCII.slash).map { $0 + 1 } ?? 0
        return relative[start...]
    }

    /// The decoded path: `/` followed by the segments joined by `/`, plus the trailing slash if any.
    public var bytes: [UInt8] {
        var result: [UInt8] = [ASCII.slash]
        result.append(contentsOf: relative)
        if hasTrailingSlash && !relative.isEmpty { result.append(ASCII.slash) }
        return result
    }

    /// Normalises a request target.
    ///
    /// - Throws: ``HTTPParseError`` with 400 for a malformed or NUL escape, or a path leaving the root.
    public init(target: String) throws(HTTPParseError) {
        // The target's ISO-8859-1 bytes: its UTF-8 storage itself when ASCII (nearly always), else a copy.
        var target = target
        let ascii = target.withUTF8 { utf8 -> Result<TargetPath, HTTPParseError>? in
            for byte in utf8 where byte >= 0x80 { return nil }
            return Result { () throws(HTTPParseError) in try Self.parse(utf8) }
        }
        let parsed =
            ascii
            ?? target.latin1Bytes.withUnsafeBufferPointer { bytes in
                Result { () throws(HTTPParseError) in try Self.parse(bytes) }
            }
        self = try parsed.get()
    }

    /// Whether `bytes` start with `lowercase` in any case.
    private static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count >= lowercase.utf8CodeUnitCount else { return false }
        for offset in 0..<lowercase.utf8CodeUnitCount
        where ASCII.lowercased(bytes[offset]) != lowercase.utf8Start[offset] {
            return false
        }
        return true
    }

    /// ``init(target:)`` over the target's bytes.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> TargetPath {
        var start = 0
        var end = bytes.count
        // RFC 9112 §3.2.2: an absolute-form target; the host part is ignored, the file comes from our root.
        if bytes.first != ASCII.slash,
            let authority = hasPrefix(bytes, "http://") ? 7 : hasPrefix(bytes, "https://") ? 8 : nil
        {
            // `http://host` names the root, as the path `/` would: nothing after the host counts.
            guard let slash = bytes[authority...].firstIndex(of: ASCII.slash) else {
                return TargetPath(relative: [], hasTrailingSlash: true)
            }
            start = slash
        }
        // One pass: where the query (`?`) and the fragment (`#`) start, which are not part of the path
        // (RFC 3986 §3.4, §3.5), and whether the path has an escape (`%`) or a NUL to decode or refuse.
        var mark: Int?
        var decodes = false
        for index in start..<end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "#") {
                end = index
                break
            }
            guard mark == nil else { continue }
            if byte == UInt8(ascii: "?") {
                mark = index
            } else if byte == ASCII.percent || byte == 0 {
                decodes = true
            }
        }
        var query: String?
        if let mark {
            query = String(latin1: bytes[(mark + 1)..<end])
            end = mark
        }
        let path = bytes[start..<end]
        // Without `%` (and so without escapes to decode) the path is its own decoding: no copy is made.
        if !decodes {
            return try segments(of: UnsafeBufferPointer(rebasing: path), query: query)
        }
        let decoded = try percentDecode(path)
        return try decoded.withUnsafeBufferPointer { (decoded) throws(HTTPParseError) in
            try segments(of: decoded, query: query)
        }
    }

    /// The path made of the decoded path `decoded`: its segments, dot-segments removed.
    private static func segments(
        of decoded: UnsafeBufferPointer<UInt8>,
        query: String?
    ) throws(HTTPParseError) -> TargetPath {
        guard decoded.first == ASCII.slash else { throw .badRequest("path does not start with /") }
        // The segments joined by `/` as they are found; a `..` cuts the last one off again.
        var relative: [UInt8] = []
        if decoded.count > 1 { relative.reserveCapacity(decoded.count - 1) }
        var last: Slice<UnsafeBufferPointer<UInt8>>?
        var index = 0
        while index < decoded.count {
            // One segment: the bytes up to the next `/` (empty ones, from repeated slashes, are skipped).
            var stop = index
            while stop < decoded.count && decoded[stop] != ASCII.slash { stop += 1 }
            defer { index = stop + 1 }
            guard stop > index else { continue }
            let segment = decoded[index..<stop]
            last = segment
            if segment.count == 1 && segment.first == UInt8(ascii: ".") { continue }
            if segment.count == 2 && segment.first == UInt8(ascii: ".") && segment.last == UInt8(ascii: ".") {
                // RFC 3986 §5.2.4 would clamp `..` at the root; a file server refuses it instead.
                guard !relative.isEmpty else { throw .badRequest("path leaves the root") }
                relative.removeSubrange((relative.lastIndex(of: ASCII.slash) ?? 0)...)
                continue
            }
            if !relative.isEmpty { relative.append(ASCII.slash) }
            relative.append(contentsOf: segment)
        }
        // "/a/.." and "/a/." name a folder, as if written with a trailing slash.
        let hasTrailingSlash =
            decoded.last == ASCII.slash
            || last.map { $0.elementsEqual([0x2E]) || $0.elementsEqual([0x2E, 0x2E]) } ?? true
        return TargetPath(relative: relative, hasTrailingSlash: hasTrailingSlash, query: query)
    }

    /// Decodes `%XX` escapes once. A `%` without two hex digits, or `%00`, is refused (400).
    public static func percentDecode(_ bytes: [UInt8]) throws(HTTPParseError) -> [UInt8] {
        try bytes.withUnsafeBufferPointer { (buffer) throws(HTTPParseError) in try percentDecode(buffer[...]) }
    }

    static func percentDecode(_ slice: Slice<UnsafeBufferPointer<UInt8>>) throws(HTTPParseError) -> [UInt8] {
        let bytes = UnsafeBufferPointer(rebasing: slice)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.percent {
                guard index + 2 < bytes.count, let high = ASCII.hexValue(bytes[index + 1]),
                    let low = ASCII.hexValue(bytes[index + 2])
                else { throw .badRequest("malformed percent escape") }
                let value = high << 4 | low
                // A NUL would end the path early at the C boundary: never let one through.
                if value == 0 { throw .badRequest("NUL in path") }
                result.append(value)
                index += 3
            } else {
                // A raw NUL never comes off the wire (the parser refuses control bytes), but this is also
                // called directly; found by fuzz-target-path.
                if byte == 0 { throw .badRequest("NUL in path") }
                result.append(byte)
                index += 1
            }
        }
        return result
    }

    /// Percent-encodes bytes for use in a URL path: unreserved characters and `/` stay, all else is `%XX`.
    public static func percentEncode(_ bytes: [UInt8], keepingSlash: Bool = true) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var result: [UInt8] = []
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.append(byte)
            case ASCII.slash where keepingSlash:
                result.append(byte)
            default:
                result.append(contentsOf: [ASCII.percent, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}
