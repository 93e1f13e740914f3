/// An entity tag: `"opaque"` or, weak, `W/"opaque"` (RFC 9110 §8.8.3).
///
/// A file's tag (``strong(_:)``) keeps the numbers it is made of and spells them only when asked: a
/// response writes them straight into its head (``write(to:)``), so the common answer builds no text.
public struct EntityTag: Hashable, Sendable, CustomStringConvertible {
    /// The characters between the quotes.
    public var opaque: String {
        get {
            guard let version else { return text }
            var bytes: [UInt8] = []
            bytes.appendWriting(atMost: Self.versionCapacity) { Self.write(version, to: &$0) }
            return String(decoding: bytes, as: UTF8.self) + text
        }
        set {
            text = newValue
            version = nil
        }
    }
    /// Whether the tag is weak (`W/` prefix): it may only be compared weakly.
    public var isWeak: Bool
    /// The whole opaque part, or with ``version`` what follows the version's text (a variant's suffix).
    private var text: String
    /// The version whose text starts the opaque part, for a tag made by ``strong(_:)``.
    private var version: Version?

    /// What a file's tag spells: size, and modification time's seconds and nanoseconds.
    private struct Version: Hashable, Sendable {
        var size: Int64
        var seconds: Int64
        var nanoseconds: Int64
    }

    /// The most bytes a ``Version`` spells: three 16-digit numbers and two separators.
    private static let versionCapacity = 50

    /// Creates a tag; `opaque` must hold only `etagc` characters (no `"`, no controls).
    public init(opaque: String, isWeak: Bool = false) {
        self.text = opaque
        self.isWeak = isWeak
        self.version = nil
    }

    /// The strong tag of one version of a file's bytes: `"size-mtime.nanoseconds"` in hex.
    ///
    /// Not the device or inode: several hosts serving copies of the same files must agree on the tag,
    /// and inode numbers differ between them. Any write changes the size or the mtime.
    /// - Parameter version: the file version the tag stands for.
    public static func strong(_ version: FileVersion) -> EntityTag {
        var tag = EntityTag(opaque: "")
        tag.version = Version(
            size: version.size,
            seconds: version.modificationSeconds,
            nanoseconds: version.modificationNanoseconds
        )
        return tag
    }

    /// The same text as `String(_:radix: 16)` of each part, joined by `-` and `.`.
    private static func write(_ version: Version, to writer: inout ByteWriter) {
        writer.writeHex(version.size)
        writer.write(UInt8(ascii: "-"))
        writer.writeHex(version.seconds)
        writer.write(UInt8(ascii: "."))
        writer.writeHex(version.nanoseconds)
    }

    /// This tag with `suffix` appended to its opaque part, weakness kept: the tag of a variant (another
    /// content coding of the same bytes is a different representation, RFC 9110 §8.8.3).
    public func appending(_ suffix: String) -> EntityTag {
        var tag = self
        tag.text += suffix
        return tag
    }

    /// `"opaque"` or `W/"opaque"`, as sent in `ETag`.
    public var description: String { (isWeak ? "W/" : "") + "\"" + opaque + "\"" }

    /// The most bytes ``write(to:)`` writes.
    public var byteCapacity: Int { 4 + (version == nil ? 0 : Self.versionCapacity) + text.utf8.count }

    /// Writes ``description`` in ISO-8859-1, as a head holds it, without building it first; at most
    /// ``byteCapacity`` bytes.
    public func write(to writer: inout ByteWriter) {
        if isWeak { writer.write("W/") }
        writer.write(UInt8(ascii: "\""))
        if let version { Self.write(version, to: &writer) }
        if !text.isEmpty { writer.writeLatin1(text) }  // A file's tag has no text after its version.
        writer.write(UInt8(ascii: "\""))
    }

    /// Appends ``description`` to `bytes` in ISO-8859-1, as a head holds it, without building it first.
    public func append(to bytes: inout [UInt8]) {
        bytes.appendWriting(atMost: byteCapacity) { write(to: &$0) }
    }

    public static func == (lhs: EntityTag, rhs: EntityTag) -> Bool {
        guard lhs.isWeak == rhs.isWeak else { return false }
        if lhs.version == rhs.version && lhs.text == rhs.text { return true }
        return lhs.opaque == rhs.opaque
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(opaque)
        hasher.combine(isWeak)
    }

    /// Weak comparison (RFC 9110 §8.8.3.2): the opaque parts match, whatever the weakness.
    public func weaklyMatches(_ other: EntityTag) -> Bool {
        (version == other.version && text == other.text) || opaque == other.opaque
    }

    /// Strong comparison: both strong and the opaque parts match.
    public func stronglyMatches(_ other: EntityTag) -> Bool { !isWeak && !other.isWeak && weaklyMatches(other) }

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
