/// An entity tag: `"opaque"` or, weak, `W/"opaque"` (RFC 9110 §8.8.3).
public struct EntityTag: Hashable, Sendable, CustomStringConvertible {
    /// The characters between the quotes.
    public var opaque: String
    /// Whether the tag is weak (`W/` prefix): it may only be compared weakly.
    public var isWeak: Bool

    /// Creates a tag; `opaque` must hold only `etagc` characters (no `"`, no controls).
    public init(opaque: String, isWeak: Bool = false) {
        self.opaque = opaque
        self.isWeak = isWeak
    }

    /// The strong tag of one version of a file's bytes: `"size-mtime.nanoseconds"` in hex.
    ///
    /// Not the device or inode: several hosts serving copies of the same files must agree on the tag,
    /// and inode numbers differ between them. Any write changes the size or the mtime.
    /// - Parameter version: the file version the tag stands for.
    public static func strong(_ version: FileVersion) -> EntityTag {
        // Written digit by digit into the string's storage (at most 3 × 16 hex digits and 2 separators): the
        // same text as `String(_:radix: 16)` of each part joined, without the parts as strings.
        let opaque = String(unsafeUninitializedCapacity: 50) { buffer in
            var count = 0
            func append(hex value: Int64) {
                let bits = UInt64(bitPattern: value)
                var shift: UInt64 = 60
                while shift > 0 && bits >> shift == 0 { shift -= 4 }
                while true {
                    let digit = UInt8(truncatingIfNeeded: (bits >> shift) & 0xF)
                    buffer[count] = digit < 10 ? 0x30 + digit : 0x57 + digit
                    count += 1
                    if shift == 0 { break }
                    shift -= 4
                }
            }
            append(hex: version.size)
            buffer[count] = UInt8(ascii: "-")
            count += 1
            append(hex: version.modificationSeconds)
            buffer[count] = UInt8(ascii: ".")
            count += 1
            append(hex: version.modificationNanoseconds)
            return count
        }
        return EntityTag(opaque: opaque)
    }

    /// This tag with `suffix` appended to its opaque part, weakness kept: the tag of a variant (another
    /// content coding of the same bytes is a different representation, RFC 9110 §8.8.3).
    public func appending(_ suffix: String) -> EntityTag { EntityTag(opaque: opaque + suffix, isWeak: isWeak) }

    /// `"opaque"` or `W/"opaque"`, as sent in `ETag`.
    public var description: String { (isWeak ? "W/" : "") + "\"" + opaque + "\"" }

    /// Appends ``description`` to `bytes` in ISO-8859-1, as a head holds it, without building it first.
    public func append(to bytes: inout [UInt8]) {
        if isWeak { bytes.append(contentsOf: "W/".utf8) }
        bytes.append(UInt8(ascii: "\""))
        opaque.appendLatin1Bytes(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Weak comparison (RFC 9110 §8.8.3.2): the opaque parts match, whatever the weakness.
    public func weaklyMatches(_ other: EntityTag) -> Bool { opaque == other.opaque }

    /// Strong comparison: both strong and the opaque parts match.
    public func stronglyMatches(_ other: EntityTag) -> Bool { !isWeak && !other.isWeak && opaque == other.opaque }

    /// Parses one entity tag, such as an `If-Range` value; `nil` if `text` is not exactly one tag.
    public init?(parsing text: String) {
        let isSpace = { (byte: UInt8) in byte == ASCII.space || byte == ASCII.tab }
        var bytes = Array(text.utf8.drop(while: isSpace))
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        let weak = bytes.starts(with: [UInt8(ascii: "W"), ASCII.slash])
        let quoted = bytes.dropFirst(weak ? 2 : 0)
        guard quoted.count >= 2, quoted.first == UInt8(ascii: "\""), quoted.last == UInt8(ascii: "\"") else {
            return nil
        }
        let opaque = quoted.dropFirst().dropLast()
        guard opaque.allSatisfy({ $0 >= 0x21 && $0 != 0x7F && $0 != UInt8(ascii: "\"") }) else { return nil }
        self.init(opaque: String(decoding: opaque, as: UTF8.self), isWeak: weak)
    }

    /// The value of `If-None-Match` or `If-Match`: `*`, or a comma-separated list of tags.
    public enum List: Equatable, Sendable {
        /// `*`: matches any current representation.
        case any
        /// The tags, in order; empty if none could be read.
        case tags([EntityTag])

        /// Whether `tag` weakly matches the list (`*` matches anything).
        public func weaklyMatches(_ tag: EntityTag) -> Bool {
            switch self {
            case .any: return true
            case .tags(let tags): return tags.contains { $0.weaklyMatches(tag) }
            }
        }
    }

    /// Parses `*` or `#entity-tag` (RFC 9110 §13.1.2). Malformed members are skipped, so a broken
    /// list can only fail to match, never match by accident.
    public static func parseList(_ text: String) -> List {
        let bytes = Array(text.utf8)
        let isSpace = { (byte: UInt8) in byte == ASCII.space || byte == ASCII.tab }
        if bytes.filter({ !isSpace($0) }) == [UInt8(ascii: "*")] { return .any }
        var tags: [EntityTag] = []
        var index = 0
        while index < bytes.count {
            while index < bytes.count, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: ",") { index += 1 }
            guard index < bytes.count else { break }
            var weak = false
            if bytes[index] == UInt8(ascii: "W"), index + 1 < bytes.count, bytes[index + 1] == ASCII.slash {
                weak = true
                index += 2
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                // Not a tag: skip to the next comma.
                while index < bytes.count, bytes[index] != UInt8(ascii: ",") { index += 1 }
                continue
            }
            let start = index + 1
            var end = start
            // etagc = %x21 / %x23-7E / obs-text: anything visible but the quote.
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] >= 0x21, bytes[end] != 0x7F {
                end += 1
            }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
                while index < bytes.count, bytes[index] != UInt8(ascii: ",") { index += 1 }
                continue
            }
            tags.append(EntityTag(opaque: String(decoding: bytes[start..<end], as: UTF8.self), isWeak: weak))
            index = end + 1
        }
        return .tags(tags)
    }
}
