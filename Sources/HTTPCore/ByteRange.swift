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

/// Bytes of a representation: `count` bytes from `offset`.
public struct ByteSpan: Equatable, Sendable {
    public var offset: Int64
    public var count: Int64

    public init(offset: Int64, count: Int64) {
        self.offset = offset
        self.count = count
    }

    /// The offset of the last byte.
    public var last: Int64 { offset + count - 1 }
}

/// What to answer to a `Range` field for a representation of a given length.
public enum RangeOutcome: Equatable, Sendable {
    /// Send the whole representation with 200: no usable range (absent, invalid, empty), or a set that
    /// looks abusive.
    case full
    /// Send `count` bytes from `offset` with 206 and `Content-Range`.
    case partial(offset: Int64, count: Int64)
    /// Send these spans, in ascending order and none touching another, as a 206 `multipart/byteranges`
    /// body (RFC 9110 §14.6).
    case multipart([ByteSpan])
    /// Answer 416 with `Content-Range: bytes */LENGTH`.
    case unsatisfiable

    /// The most ranges one request may ask for; more is answered with the whole representation.
    public static let maxRanges = 16

    /// Decides the answer to `Range: value` for `length` bytes.
    ///
    /// Members that cannot be satisfied are dropped (a 416 only when none can, RFC 9110 §14.1.2); the rest are
    /// sorted and overlapping or adjacent ones merged (§14.2 lets a server coalesce), so one span left is a
    /// plain 206 and several a multipart one. A set that looks abusive gets the whole representation, as
    /// Apache does since CVE-2011-3192 (`Range: bytes=0-,5-0,5-1,...` made it build hundreds of overlapping
    /// parts) and nginx does too: more than ``maxRanges`` members, or members that add up to more bytes
    /// than the representation has (only overlaps can do that).
    public init(rangeField value: String?, length: Int64) {
        guard let value, let specs = ByteRangeSpec.parseSet(value), specs.count <= Self.maxRanges else {
            self = .full
            return
        }
        let spans = specs.compactMap { spec in spec.resolve(length: length).map { ByteSpan(offset: $0, count: $1) } }
        guard !spans.isEmpty else {
            self = .unsatisfiable
            return
        }
        // A suffix of an empty file selects zero bytes: the plain 200 says it all.
        guard spans.allSatisfy({ $0.count > 0 }) else {
            self = .full
            return
        }
        var total: Int64 = 0
        for span in spans {
            let (sum, overflow) = total.addingReportingOverflow(span.count)
            guard !overflow, sum <= length else {
                self = .full
                return
            }
            total = sum
        }
        var merged: [ByteSpan] = []
        for span in spans.sorted(by: { $0.offset < $1.offset }) {
            if let previous = merged.last, span.offset <= previous.last + 1 {
                merged[merged.count - 1].count = max(previous.last, span.last) - previous.offset + 1
            } else {
                merged.append(span)
            }
        }
        self = merged.count == 1 ? .partial(offset: merged[0].offset, count: merged[0].count) : .multipart(merged)
    }
}
