/// Header fields in the order they were added, with case-insensitive lookup by name (RFC 9110 §5.1).
///
/// The fields a server reads (``KnownName``) are found without comparing names when the headers come from
/// ``HTTPRequestParser``: it recognises them once, as it reads each name, and keeps where each one first occurs.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// A struct, not a tuple: an array of tuples is destroyed through the runtime's generic tuple code, one
    /// call per element and per member, where a struct's own destroy releases its two strings directly.
    /// Inlinable, with the iterator: a caller in another module walks the fields without a call per field.
    @usableFromInline
    struct Field: Sendable {
        @usableFromInline var name: String
        @usableFromInline var value: String

        init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
    @usableFromInline var fields: [Field] = []
    /// For each ``KnownName`` (by raw value), 1 + the position of its first field, 0 when there is none. Kept
    /// only while `indexed`; headers built with ``add(name:value:)`` alone (a response's) are not indexed, so
    /// adding to them costs no name comparison, and a lookup compares names as it walks the fields.
    private var firsts = SIMD16<UInt8>()
    /// A bit for each ``KnownName`` that occurs more than once.
    private var repeated: UInt16 = 0
    private var indexed = false

    /// The fields the server looks up: found at once in a parsed request, whatever their number and case.
    public enum KnownName: Int, Sendable, CaseIterable {
        case host, contentLength, transferEncoding, authorization
        case ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince, ifRange, range
        case accept, acceptEncoding, referer, userAgent, accessControlRequestHeaders

        /// The name as usually spelled.
        public var name: String {
            switch self {
            case .host: "Host"
            case .contentLength: "Content-Length"
            case .transferEncoding: "Transfer-Encoding"
            case .authorization: "Authorization"
            case .ifMatch: "If-Match"
            case .ifNoneMatch: "If-None-Match"
            case .ifModifiedSince: "If-Modified-Since"
            case .ifUnmodifiedSince: "If-Unmodified-Since"
            case .ifRange: "If-Range"
            case .range: "Range"
            case .accept: "Accept"
            case .acceptEncoding: "Accept-Encoding"
            case .referer: "Referer"
            case .userAgent: "User-Agent"
            case .accessControlRequestHeaders: "Access-Control-Request-Headers"
            }
        }

        /// The known name `bytes` spells in any case, and whether they spell it exactly as ``name`` does; `nil`
        /// for any other name. The length picks the candidates, then one comparison each.
        static func recognise(_ bytes: UnsafeRawBufferPointer) -> (name: KnownName, exact: Bool)? {
            func match(_ name: KnownName, _ spelling: StaticString) -> (name: KnownName, exact: Bool)? {
                compare(bytes, spelling).map { (name, $0) }
            }
            switch bytes.count {
            case 4: return match(.host, "Host")
            case 5: return match(.range, "Range")
            case 6: return match(.accept, "Accept")
            case 7: return match(.referer, "Referer")
            case 8: return match(.ifMatch, "If-Match") ?? match(.ifRange, "If-Range")
            case 10: return match(.userAgent, "User-Agent")
            case 13: return match(.ifNoneMatch, "If-None-Match") ?? match(.authorization, "Authorization")
            case 14: return match(.contentLength, "Content-Length")
            case 15: return match(.acceptEncoding, "Accept-Encoding")
            case 17:
                return match(.ifModifiedSince, "If-Modified-Since") ?? match(.transferEncoding, "Transfer-Encoding")
            case 19: return match(.ifUnmodifiedSince, "If-Unmodified-Since")
            case 30: return match(.accessControlRequestHeaders, "Access-Control-Request-Headers")
            default: return nil
            }
        }

        /// Whether `bytes` spell `spelling` (of the same length) in any case: `nil` if not, `true` if exactly.
        @inline(__always)
        private static func compare(_ bytes: UnsafeRawBufferPointer, _ spelling: StaticString) -> Bool? {
            let expected = spelling.utf8Start
            var exact = true
            for index in 0..<bytes.count where bytes[index] != expected[index] {
                if ASCII.lowercased(bytes[index]) != ASCII.lowercased(expected[index]) { return nil }
                exact = false
            }
            return exact
        }

        /// The known name `name` spells in any case, or `nil`.
        static func recognise(_ name: String) -> KnownName? {
            var name = name
            return name.withUTF8 { recognise(UnsafeRawBufferPointer($0))?.name }
        }
    }

    /// Creates an empty set of headers.
    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name: name, value: value) }
    }

    /// Empty headers that recognise the known names as fields are added: the parser's.
    init(indexedCapacity capacity: Int) {
        fields.reserveCapacity(capacity)
        indexed = true
    }

    /// The number of fields, duplicates included.
    public var count: Int { fields.count }

    /// Makes room for `capacity` fields, so adding that many allocates once (a response head's fields, a
    /// request's usual handful).
    public mutating func reserveCapacity(_ capacity: Int) {
        fields.reserveCapacity(capacity)
    }

    /// Appends a field, keeping any existing field of the same name.
    public mutating func add(name: String, value: String) {
        add(name: name, value: value, known: indexed ? KnownName.recognise(name) : nil)
    }

    /// Appends a field whose name is `known` (or no known name): the parser recognised it from the bytes.
    mutating func add(name: String, value: String, known: KnownName?) {
        if let known { note(known, at: fields.count) }
        fields.append(Field(name: name, value: value))
    }

    /// Records that the field at `position` is named `known`.
    private mutating func note(_ known: KnownName, at position: Int) {
        let slot = known.rawValue
        if firsts[slot] != 0 {
            repeated |= 1 << slot
        } else if position < Int(UInt8.max) {
            firsts[slot] = UInt8(position + 1)
        } else {
            indexed = false  // Beyond what a slot holds (a limit raised past 254 fields): lookups walk the fields.
        }
    }

    /// Replaces every field named `name` with one field, or appends it.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { Self.equalNames($0.name, name) }
        guard indexed else { return }
        firsts = SIMD16()
        repeated = 0
        for (position, field) in fields.enumerated() {
            if let known = KnownName.recognise(field.name) { note(known, at: position) }
        }
    }

    /// The value of the first field named `name`.
    public subscript(name: String) -> String? {
        for field in fields where Self.equalNames(field.name, name) { return field.value }
        return nil
    }

    /// The value of the first field named `name`: no name is compared in a parsed request.
    public subscript(name: KnownName) -> String? {
        guard indexed else { return self[name.name] }
        let first = Int(firsts[name.rawValue])
        return first == 0 ? nil : fields[first - 1].value
    }

    /// Every value of the fields named `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.equalNames($0.name, name) }.map(\.value)
    }

    /// Every value of the fields named `name`, in order.
    public func values(for name: KnownName) -> [String] {
        guard indexed, repeated & (1 << name.rawValue) == 0 else { return values(for: name.name) }
        let first = Int(firsts[name.rawValue])
        return first == 0 ? [] : [fields[first - 1].value]
    }

    /// The number of fields named `name`, counted without collecting their values.
    public func count(named name: String) -> Int {
        var count = 0
        for field in fields where Self.equalNames(field.name, name) { count += 1 }
        return count
    }

    /// The number of fields named `name`, counted without collecting their values.
    public func count(named name: KnownName) -> Int {
        guard indexed, repeated & (1 << name.rawValue) == 0 else { return count(named: name.name) }
        return firsts[name.rawValue] == 0 ? 0 : 1
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Whether a field named `name` is present.
    public func contains(_ name: KnownName) -> Bool {
        indexed ? firsts[name.rawValue] != 0 : self[name.name] != nil
    }

    /// Whether a field named by any of `names` is present: in a parsed request, a test of each one's slot.
    public func containsAny(_ names: [KnownName]) -> Bool {
        names.contains { contains($0) }
    }

    /// The fields in order, as `(name, value)` pairs.
    public struct Iterator: IteratorProtocol {
        @usableFromInline var fields: IndexingIterator<[Field]>

        @inlinable
        init(fields: IndexingIterator<[Field]>) {
            self.fields = fields
        }

        @inlinable
        public mutating func next() -> (name: String, value: String)? {
            guard let field = fields.next() else { return nil }
            return (field.name, field.value)
        }
    }

    @inlinable
    public func makeIterator() -> Iterator {
        Iterator(fields: fields.makeIterator())
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Whether `name` is a valid field name: a non-empty token (RFC 9110 §5.1, §5.6.2).
    public static func isValidName(_ name: String) -> Bool {
        !name.utf8.isEmpty && name.utf8.allSatisfy(ASCII.isTokenCharacter)
    }

    /// Whether `value` may be sent as a field value: no control character but the tab (RFC 9110 §5.5), so
    /// it can never end the field or the head early.
    public static func isValidValue(_ value: String) -> Bool {
        !value.utf8.contains { ($0 < 0x20 && $0 != ASCII.tab) || $0 == 0x7F }
    }

    /// ASCII case-insensitive comparison: field names are tokens, so no Unicode folding is wanted.
    static func equalNames(_ a: String, _ b: String) -> Bool {
        let a = a.utf8
        let b = b.utf8
        guard a.count == b.count else { return false }
        // Over the strings' storage when they have it (every native string): no iterator per byte.
        let equal = a.withContiguousStorageIfAvailable { a in
            b.withContiguousStorageIfAvailable { b in
                for index in 0..<a.count where ASCII.lowercased(a[index]) != ASCII.lowercased(b[index]) {
                    return false
                }
                return true
            }
        }
        if let equal, let equal { return equal }
        return zip(a, b).allSatisfy { ASCII.lowercased($0) == ASCII.lowercased($1) }
    }
}
