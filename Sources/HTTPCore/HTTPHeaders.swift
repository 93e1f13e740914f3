/// Header fields in the order they were added, with case-insensitive lookup by name (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private var fields: [(name: String, value: String)] = []

    /// Creates an empty set of headers.
    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name: name, value: value) }
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
        fields.append((name, value))
    }

    /// Replaces every field named `name` with one field, or appends it.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        add(name: name, value: value)
    }

    /// Removes every field named `name`.
    public mutating func remove(name: String) {
        fields.removeAll { Self.equalNames($0.name, name) }
    }

    /// The value of the first field named `name`.
    public subscript(name: String) -> String? {
        fields.first { Self.equalNames($0.name, name) }?.value
    }

    /// Every value of the fields named `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.equalNames($0.name, name) }.map(\.value)
    }

    /// The number of fields named `name`, counted without collecting their values.
    public func count(named name: String) -> Int {
        var count = 0
        for field in fields where Self.equalNames(field.name, name) { count += 1 }
        return count
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
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
