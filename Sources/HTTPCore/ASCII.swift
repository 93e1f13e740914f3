/// Byte-level helpers for the ASCII grammar of HTTP (RFC 9110 §5.6).
enum ASCII {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let slash = UInt8(ascii: "/")
    static let percent = UInt8(ascii: "%")

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `tchar` of RFC 9110 §5.6.2: the characters allowed in a token (method, header name).
    /// One bit per byte below 128: a shift and a mask instead of a comparison with each character.
    @inline(__always)
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        // Bytes 0-63: "!#$%&'*+-." and the digits; bytes 64-127: the letters and "^_`|~".
        if byte < 64 { return (0x03FF_6CFA_0000_0000 as UInt64) >> byte & 1 == 1 }
        return byte < 128 && (0x57FF_FFFF_C7FF_FFFE as UInt64) >> (byte - 64) & 1 == 1
    }

    /// Appends `value` in decimal (a `-` first when negative), as `String(value)` spells it.
    static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
        }
    }

    /// The value of a hexadecimal digit, or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    /// Decodes bytes as ISO-8859-1: every byte becomes the code point of the same value.
    ///
    /// Lossless for any bytes, which header values and targets may contain (obs-text, RFC 9110 §5.5);
    /// ``latin1Bytes`` turns the string back into exactly the bytes received.
    public init(latin1 bytes: some Collection<UInt8>) {
        if bytes.allSatisfy({ $0 < 0x80 }) {
            self = String(decoding: bytes, as: UTF8.self)
        } else {
            var scalars = String.UnicodeScalarView()
            for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
            self = String(scalars)
        }
    }

    /// ``init(latin1:)`` of `bytes[range]`, told by the caller (which read every byte already) whether they
    /// are all ASCII: then they are copied as they are, without a second look at each.
    init(latin1 bytes: UnsafeRawBufferPointer, _ range: Range<Int>, isASCII: Bool) {
        guard isASCII else {
            self.init(latin1: bytes[range])
            return
        }
        self.init(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[range]).assumingMemoryBound(to: UInt8.self),
            as: UTF8.self
        )
    }

    /// Appends the string's UTF-8 bytes to `bytes`, copied from its storage in one go when it has one.
    public func appendUTF8Bytes(to bytes: inout [UInt8]) {
        if utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends ``latin1Bytes`` to `bytes` without making an array of them first.
    public func appendLatin1Bytes(to bytes: inout [UInt8]) {
        // ASCII (nearly every value) is its own ISO-8859-1: copied from the string's storage in one go.
        let copied = utf8.withContiguousStorageIfAvailable { storage in
            guard !storage.contains(where: { $0 >= 0x80 }) else { return false }
            bytes.append(contentsOf: storage)
            return true
        }
        if copied == true { return }
        if utf8.allSatisfy({ $0 < 0x80 }) {
            bytes.append(contentsOf: utf8)
        } else {
            for scalar in unicodeScalars { bytes.append(scalar.value < 256 ? UInt8(scalar.value) : UInt8(ascii: "?")) }
        }
    }

    /// The bytes of a string made by ``init(latin1:)``; code points above 255 become `?`.
    public var latin1Bytes: [UInt8] {
        // Fast path: ASCII text (nearly every header value) is its own ISO-8859-1 encoding.
        if utf8.allSatisfy({ $0 < 0x80 }) { return Array(utf8) }
        return unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : UInt8(ascii: "?") }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (OWS, RFC 9110 §5.6.3).
    public func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
