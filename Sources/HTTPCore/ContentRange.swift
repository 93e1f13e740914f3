/// A `Content-Range` value for a single byte range (RFC 9110 §14.4).
///
/// ```
/// Content-Range = range-unit SP ( range-resp / unsatisfied-range )
/// range-resp = first-pos "-" last-pos "/" ( complete-length / "*" )
/// unsatisfied-range = "*/" complete-length
/// ```
public enum ContentRange: Equatable, Sendable, CustomStringConvertible {
    /// `bytes FIRST-LAST/COMPLETE`, the part of a 206; `completeLength` is `nil` for `*` (unknown).
    case bytes(first: Int64, last: Int64, completeLength: Int64?)
    /// `bytes */COMPLETE`, what a 416 says about the representation.
    case unsatisfied(completeLength: Int64)

    /// Parses a field value; `nil` for another unit, missing parts, `last < first`, or a complete
    /// length that does not exceed `last`.
    ///
    /// The unit is matched case-insensitively (RFC 9110 §14.1) and spaces around the value are ignored.
    public init?(parsing value: String) {
        let text = value.trimmingWhitespace()
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6).trimmingPrefix(" ")
        let parts = spec.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        if parts[0] == "*" {
            guard let complete = Self.number(parts[1]) else { return nil }
            self = .unsatisfied(completeLength: complete)
            return
        }
        let bounds = parts[0].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Self.number(bounds[0]), let last = Self.number(bounds[1]), last >= first
        else { return nil }
        if parts[1] == "*" {
            self = .bytes(first: first, last: last, completeLength: nil)
            return
        }
        guard let complete = Self.number(parts[1]), complete > last else { return nil }
        self = .bytes(first: first, last: last, completeLength: complete)
    }

    /// The field value: `bytes 0-99/1000`, `bytes 0-99/*` or `bytes */1000`.
    public var description: String {
        switch self {
        case .bytes(let first, let last, let complete):
            return "bytes \(first)-\(last)/\(complete.map(String.init) ?? "*")"
        case .unsatisfied(let complete): return "bytes */\(complete)"
        }
    }

    /// 1*DIGIT as a 64-bit number; `nil` for anything else, signs and overflow included.
    private static func number(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy(ASCII.isDigit) else { return nil }
        return Int64(text)
    }
}
