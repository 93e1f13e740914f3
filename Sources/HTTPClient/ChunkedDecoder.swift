/// Decodes `Transfer-Encoding: chunked` incrementally (RFC 9112 §7.1), without copying the data.
///
/// HTTP/1.0 has no chunked coding, but a server may send it anyway when it ignores our version;
/// curl decodes it then, and so do we. Feed bytes as they arrive; the data inside the chunks goes to
/// `deliver` as slices of the input. Chunk extensions and trailer fields are read and dropped.
public struct ChunkedDecoder: Sendable {
    private enum State: Sendable {
        case size(digits: Int)
        case extensions
        case sizeLineFeed
        case data(remaining: Int64)
        case dataCarriageReturn
        case dataLineFeed
        case trailerLineStart
        case trailerLine
        case trailerEndLineFeed
        case done
    }

    private var state: State = .size(digits: 0)
    private var size: Int64 = 0

    /// A decoder waiting for the first chunk-size line.
    public init() {}

    /// Whether the last chunk and the trailer section have been read.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decodes `input`, calling `deliver` with each run of chunk data.
    ///
    /// - Returns: the number of bytes of `input` consumed; less than all of them only once the
    ///   message is complete (the rest is not part of this response).
    /// - Throws: ``FetchError`` exit 56 for malformed framing, or whatever `deliver` throws.
    public mutating func decode(
        _ input: UnsafeRawBufferPointer,
        deliver: (UnsafeRawBufferPointer) throws(FetchError) -> Void
    ) throws(FetchError) -> Int {
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch state {
            case .size(let digits):
                if let value = Self.hexValue(byte) {
                    // 15 hex digits is already 2^60 bytes; more can only be an attack or garbage.
                    guard digits < 15 else { throw Self.malformed("chunk size too large") }
                    size = size << 4 | Int64(value)
                    state = .size(digits: digits + 1)
                } else {
                    guard digits > 0 else { throw Self.malformed("missing chunk size") }
                    switch byte {
                    case UInt8(ascii: ";"), UInt8(ascii: " "), UInt8(ascii: "\t"): state = .extensions
                    case UInt8(ascii: "\r"): state = .sizeLineFeed
                    case UInt8(ascii: "\n"): endSizeLine()
                    default: throw Self.malformed("bad character in chunk size")
                    }
                }
                index += 1
            case .extensions:
                // chunk-ext is read and ignored (RFC 9112 §7.1.1).
                if byte == UInt8(ascii: "\n") { endSizeLine() }
                index += 1
            case .sizeLineFeed:
                guard byte == UInt8(ascii: "\n") else { throw Self.malformed("CR without LF after chunk size") }
                endSizeLine()
                index += 1
            case .data(let remaining):
                let count = Int(min(Int64(input.count - index), remaining))
                try deliver(UnsafeRawBufferPointer(rebasing: input[index..<(index + count)]))
                index += count
                state = remaining == Int64(count) ? .dataCarriageReturn : .data(remaining: remaining - Int64(count))
            case .dataCarriageReturn:
                // Lenient like curl: a bare LF after the data is accepted.
                if byte == UInt8(ascii: "\r") {
                    state = .dataLineFeed
                } else if byte == UInt8(ascii: "\n") {
                    state = .size(digits: 0)
                } else {
                    throw Self.malformed("chunk data longer than its size")
                }
                index += 1
            case .dataLineFeed:
                guard byte == UInt8(ascii: "\n") else { throw Self.malformed("CR without LF after chunk data") }
                state = .size(digits: 0)
                index += 1
            case .trailerLineStart:
                if byte == UInt8(ascii: "\r") {
                    state = .trailerEndLineFeed
                } else if byte == UInt8(ascii: "\n") {
                    state = .done
                } else {
                    state = .trailerLine
                }
                index += 1
            case .trailerLine:
                if byte == UInt8(ascii: "\n") { state = .trailerLineStart }
                index += 1
            case .trailerEndLineFeed:
                guard byte == UInt8(ascii: "\n") else { throw Self.malformed("CR without LF after trailer") }
                state = .done
                index += 1
            case .done:
                return index
            }
        }
        return index
    }

    private mutating func endSizeLine() {
        // last-chunk = 1*("0") [ chunk-ext ] CRLF, then the trailer section (RFC 9112 §7.1).
        state = size == 0 ? .trailerLineStart : .data(remaining: size)
        size = 0
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func malformed(_ why: String) -> FetchError {
        .receiveFailed("malformed chunked encoding: \(why)")
    }
}
