/// Decodes `Transfer-Encoding: chunked` incrementally (RFC 9112 §7.1), without copying the data.
///
/// HTTP/1.0 has no chunked coding, but a server may send it anyway when it ignores our version;
/// curl decodes it then, and so do we. Feed bytes as they arrive: each call consumes framing up to the
/// next run of chunk data and returns where that data lies in the input, so nothing is copied. Chunk
/// extensions are read and dropped; trailer field lines are kept as received (``trailerLines``), up to
/// ``maxTrailerBytes``.
///
/// ```swift
/// var offset = 0
/// while offset < input.count, !decoder.isComplete {
///     let (consumed, data) = try decoder.decode(UnsafeRawBufferPointer(rebasing: input[offset...]))
///     use(input[offset...][data])   // `data` indexes the slice passed in: offsets from 0
///     offset += consumed
/// }
/// ```
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
    private var trailerBytes = 0

    /// The most bytes of trailer section kept; a longer one is malformed (a bound on memory, as for a head).
    public static let maxTrailerBytes = 64 * 1024

    /// The trailer field lines after the last chunk, in order, each without its line ending and not parsed
    /// (RFC 9112 §7.1.2: a recipient may ignore them; curl prints them with `-i`).
    public private(set) var trailerLines: [[UInt8]] = []

    /// A decoder waiting for the first chunk-size line.
    public init() {}

    /// Whether the last chunk and the trailer section have been read.
    public var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Decodes the start of `input`: framing bytes up to and including the next run of chunk data.
    ///
    /// - Returns: `consumed`, the number of bytes of `input` used, and `data`, the positions (from 0) of
    ///   the chunk data among them, empty when `input` held framing only. `consumed` is less than
    ///   `input.count` after a run of data (call again with the rest) or once the message is complete
    ///   (the rest is not part of this message).
    /// - Throws: ``HTTPFramingError/malformedChunk(_:)``.
    public mutating func decode(
        _ input: UnsafeRawBufferPointer
    ) throws(HTTPFramingError) -> (consumed: Int, data: Range<Int>) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch state {
            case .size(let digits):
                if let value = ASCII.hexValue(byte) {
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
                state = remaining == Int64(count) ? .dataCarriageReturn : .data(remaining: remaining - Int64(count))
                return (index + count, index..<(index + count))
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
                    trailerLines.append([byte])
                    state = .trailerLine
                }
                try countTrailerByte()
                index += 1
            case .trailerLine:
                if byte == UInt8(ascii: "\n") {
                    if trailerLines[trailerLines.count - 1].last == UInt8(ascii: "\r") {
                        trailerLines[trailerLines.count - 1].removeLast()
                    }
                    state = .trailerLineStart
                } else {
                    trailerLines[trailerLines.count - 1].append(byte)
                }
                try countTrailerByte()
                index += 1
            case .trailerEndLineFeed:
                guard byte == UInt8(ascii: "\n") else { throw Self.malformed("CR without LF after trailer") }
                state = .done
                index += 1
            case .done:
                return (index, index..<index)
            }
        }
        return (index, index..<index)
    }

    private mutating func countTrailerByte() throws(HTTPFramingError) {
        trailerBytes += 1
        guard trailerBytes <= Self.maxTrailerBytes else { throw Self.malformed("trailer section too large") }
    }

    private mutating func endSizeLine() {
        // last-chunk = 1*("0") [ chunk-ext ] CRLF, then the trailer section (RFC 9112 §7.1).
        state = size == 0 ? .trailerLineStart : .data(remaining: size)
        size = 0
    }

    private static func malformed(_ why: String) -> HTTPFramingError { .malformedChunk(why) }
}
