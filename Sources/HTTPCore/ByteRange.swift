/// One `range-spec` of a `Range: bytes=…` field (RFC 9110 §14.1.1).
public enum ByteRangeSpec: Equatable, Sendable {
    /// `first-last` or, with no last, `first-`: from `first` to `last` inclusive, or to the end.
    case from(Int64, through: Int64?)
    /// `-count`: the last `count` bytes.
    case suffix(Int64)

    /// Parses a `Range` value: `bytes=` and one or more comma-separated specs.
    ///
    /// - Returns: the specs in order, or `nil` if the value is not a valid byte-range set (another
    ///   unit, a spec with `last < first`, junk). RFC 9110 §14.2: such a field is ignored, not refused.
    ///   Numbers too large for 64 bits saturate at `Int64.max`, which can only ever mean "past the end".
    public static func parseSet(_ value: String) -> [ByteRangeSpec]? {
        let bytes = Array(value.utf8)
        let unit = Array("bytes=".utf8)
        // The range unit is case-insensitive (RFC 9110 §14.1).
        guard bytes.count > unit.count, zip(bytes, unit).allSatisfy({ ASCII.lowercased($0) == $1 }) else {
            return nil
        }
        var specs: [ByteRangeSpec] = []
        for member in bytes[unit.count...].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            var spec = member.drop { $0 == ASCII.space || $0 == ASCII.tab }
            while let last = spec.last, last == ASCII.space || last == ASCII.tab { spec = spec.dropLast() }
            // RFC 9110 §5.6.1: empty list elements are allowed and ignored.
            if spec.isEmpty { continue }
            guard let dash = spec.firstIndex(of: UInt8(ascii: "-")) else { return nil }
            let first = spec[spec.startIndex..<dash]
            let last = spec[(dash + 1)...]
            if first.isEmpty {
                guard let count = number(last) else { return nil }
                specs.append(.suffix(count))
            } else {
                guard let start = number(first) else { return nil }
                if last.isEmpty {
                    specs.append(.from(start, through: nil))
                } else {
                    guard let end = number(last), end >= start else { return nil }
                    specs.append(.from(start, through: end))
                }
            }
        }
        return specs.isEmpty ? nil : specs
    }

    /// The bytes this spec selects from a representation of `length` bytes.
    ///
    /// - Returns: the offset and count, or `nil` when unsatisfiable (RFC 9110 §14.1.2: a first byte at
    ///   or past the end, or a suffix of zero). A suffix longer than the file selects the whole file;
    ///   on an empty file that is zero bytes, which a caller answers with the plain 200.
    public func resolve(length: Int64) -> (offset: Int64, count: Int64)? {
        switch self {
        case .from(let first, let last):
            guard first < length else { return nil }
            let end = min(last ?? (length - 1), length - 1)
            return (first, end - first + 1)
        case .suffix(let count):
            guard count > 0 else { return nil }
            let taken = min(count, length)
            return (length - taken, taken)
        }
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.allSatisfy(ASCII.isDigit) else { return nil }
        var value: Int64 = 0
        for digit in digits {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit - 0x30))
            if overflow1 || overflow2 { return Int64.max }
            value = sum
        }
        return value
    }
}

/// What to answer to a `Range` field for a representation of a given length.
public enum RangeOutcome: Equatable, Sendable {
    /// Send the whole representation with 200: no usable single range (absent, invalid, several).
    case full
    /// Send `count` bytes from `offset` with 206 and `Content-Range`.
    case partial(offset: Int64, count: Int64)
    /// Answer 416 with `Content-Range: bytes */LENGTH`.
    case unsatisfiable

    /// Decides the answer to `Range: value` for `length` bytes.
    ///
    /// Several ranges are answered with the whole file (RFC 9110 §14.2 lets a server ignore Range),
    /// which spares a `multipart/byteranges` body that HTTP/1.0 clients rarely parse.
    public init(rangeField value: String?, length: Int64) {
        guard let value, let specs = ByteRangeSpec.parseSet(value), specs.count == 1 else {
            self = .full
            return
        }
        guard let (offset, count) = specs[0].resolve(length: length) else {
            self = .unsatisfiable
            return
        }
        self = count == 0 ? .full : .partial(offset: offset, count: count)
    }
}
