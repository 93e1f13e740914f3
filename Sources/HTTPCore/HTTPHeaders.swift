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
    /// The fields, one way or the other. One stored reference either way, as before: headers are copied with a
    /// request, a plan and the handler's options, and a second array cost a retain and a release at each copy
    /// (callgrind, the 1 KiB page: about 270 instructions per request).
    @usableFromInline
    enum Storage: Sendable {
        /// Fields added by name and value (a response's, or a parsed request's once changed).
        case added([Field])
        /// A parsed request's fields as received, in one buffer: their number (a `UInt32`), a ``FieldBounds``
        /// for each, then the bytes of the head's field lines, which the bounds count from. A value becomes a
        /// `String` only when someone asks for it: most are never read, and making each cost about 250
        /// instructions (callgrind, the 1 KiB page, 2026-12-07). Only from ``HTTPRequestParser``, with at least
        /// one field; a change turns them into added ones first.
        case received([UInt8])
    }
    @usableFromInline var storage = Storage.added([])
    /// For each ``KnownName`` (by raw value), 1 + the position of its first field, 0 when there is none. Kept
    /// only while `indexed`; headers built with ``add(name:value:)`` alone (a response's) are not indexed, so
    /// adding to them costs no name comparison, and a lookup compares names as it walks the fields.
    private var firsts = SIMD16<UInt8>()
    /// A bit for each ``KnownName`` that occurs more than once.
    private var repeated: UInt16 = 0
    private var indexed = false

    /// Where a received field's name and (trimmed) value lie, as offsets from the first field line's start.
    struct FieldBounds {
        var nameStart: UInt32
        var nameEnd: UInt32
        var valueStart: UInt32
        var valueEnd: UInt32
    }

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

        /// The known name `bytes` spell in any case; `nil` for any other name. The length picks the candidates,
        /// then one comparison each.
        static func recognise(_ bytes: UnsafeRawBufferPointer) -> KnownName? {
            func match(_ name: KnownName, _ spelling: StaticString) -> KnownName? {
                spells(bytes, spelling) ? name : nil
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

        /// Whether `bytes` spell `spelling` (of the same length) in any case.
        @inline(__always)
        private static func spells(_ bytes: UnsafeRawBufferPointer, _ spelling: StaticString) -> Bool {
            let expected = spelling.utf8Start
            for index in 0..<bytes.count where bytes[index] != expected[index] {
                if ASCII.lowercased(bytes[index]) != ASCII.lowercased(expected[index]) { return false }
            }
            return true
        }

        /// The known name `name` spells in any case, or `nil`.
        static func recognise(_ name: String) -> KnownName? {
            var name = name
            return name.withUTF8 { recognise(UnsafeRawBufferPointer($0)) }
        }
    }

    /// Creates an empty set of headers.
    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name: name, value: value) }
    }

    /// Empty headers that recognise the known names as fields are added or received: the parser's.
    init(indexed: ()) {
        self.indexed = true
    }

    /// The number of fields, duplicates included.
    @inlinable
    public var count: Int {
        switch storage {
        case .added(let fields): fields.count
        case .received: receivedCount
        }
    }

    /// Makes room for `capacity` fields, so adding that many allocates once (a response head's fields, a
    /// request's usual handful).
    public mutating func reserveCapacity(_ capacity: Int) {
        changeFields { $0.reserveCapacity(capacity) }
    }

    /// Appends a field, keeping any existing field of the same name.
    public mutating func add(name: String, value: String) {
        materialize()
        let known = indexed ? KnownName.recognise(name) : nil
        if let known { note(known, at: count) }
        changeFields { $0.append(Field(name: name, value: value)) }
    }

    /// Runs `body` on the added fields in place, received ones turned into added ones first.
    private mutating func changeFields<Result>(_ body: (inout [Field]) -> Result) -> Result {
        materialize()
        guard case .added(var fields) = storage else { preconditionFailure("received fields left") }
        storage = .added([])  // The array is then held once: changing it copies nothing.
        defer { storage = .added(fields) }
        return body(&fields)
    }

    /// The added fields; none while they are received ones.
    private var fields: [Field] {
        guard case .added(let fields) = storage else { return [] }
        return fields
    }

    /// The received buffer; empty for added fields.
    private var received: [UInt8] {
        guard case .received(let bytes) = storage else { return [] }
        return bytes
    }

    /// Records that received field `position` (the parser's, before ``keepReceived(_:of:lines:)``) is named `known`.
    mutating func noteReceived(_ known: KnownName, at position: Int) {
        note(known, at: position)
    }

    /// Keeps the received fields: the first `count` ``FieldBounds`` in `spans`, of the bytes `lines` (the head's
    /// field lines), in one allocation of the size they take; none when there is no field.
    mutating func keepReceived(_ count: Int, of spans: UnsafeRawBufferPointer, lines: UnsafeRawBufferPointer) {
        guard count > 0 else { return }
        let spanBytes = UnsafeRawBufferPointer(rebasing: spans[..<(count * MemoryLayout<FieldBounds>.size)])
        let total = MemoryLayout<UInt32>.size + spanBytes.count + lines.count
        // Reserved, then appended to: `Array(unsafeUninitializedCapacity:)` and `Array(repeating:count:)` allocate
        // through an unspecialized path that looks the array's type up each time (callgrind: about 530
        // instructions, against about 180 for this one).
        var storage: [UInt8] = []
        storage.reserveCapacity(total)
        withUnsafeBytes(of: UInt32(count)) { storage.append(contentsOf: $0) }
        storage.append(contentsOf: spanBytes)
        storage.append(contentsOf: lines)
        self.storage = .received(storage)
    }

    /// The number of received fields.
    @usableFromInline var receivedCount: Int {
        guard case .received(let bytes) = storage else { return 0 }
        return Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
    }

    /// Where the field lines start in `received`, after the count and the spans.
    private var receivedBase: Int { MemoryLayout<UInt32>.size + receivedCount * MemoryLayout<FieldBounds>.size }

    /// The span of received field `position`.
    private func span(_ position: Int) -> FieldBounds {
        received.withUnsafeBytes {
            $0.loadUnaligned(
                fromByteOffset: MemoryLayout<UInt32>.size + position * MemoryLayout<FieldBounds>.size,
                as: FieldBounds.self
            )
        }
    }

    /// The name of received field `position` as received (a token: ASCII).
    private func receivedName(_ position: Int) -> String {
        let span = span(position)
        return received.withUnsafeBytes { bytes in
            String(
                latin1: bytes,
                (receivedBase + Int(span.nameStart))..<(receivedBase + Int(span.nameEnd)),
                isASCII: true
            )
        }
    }

    /// The value of received field `position`, decoded as ISO-8859-1 (every byte kept) the way the parser did.
    private func receivedValue(_ position: Int) -> String {
        let span = span(position)
        return received.withUnsafeBytes { bytes in
            let range = (receivedBase + Int(span.valueStart))..<(receivedBase + Int(span.valueEnd))
            var nonASCII: UInt8 = 0
            for index in range { nonASCII |= bytes[index] }
            return String(latin1: bytes, range, isASCII: nonASCII < 0x80)
        }
    }

    /// Whether received field `position` is named `name` (in any case).
    private func receivedName(_ position: Int, equals name: String) -> Bool {
        let span = span(position)
        return received.withUnsafeBytes { bytes in
            Self.equalNames(
                UnsafeRawBufferPointer(
                    rebasing: bytes[(receivedBase + Int(span.nameStart))..<(receivedBase + Int(span.nameEnd))]
                ),
                name
            )
        }
    }

    /// Field `position` as a pair of strings.
    @inlinable
    func field(at position: Int) -> (name: String, value: String) {
        switch storage {
        case .added(let fields): return (fields[position].name, fields[position].value)
        case .received: return receivedField(position)
        }
    }

    /// Received field `position` as a pair of strings, made now.
    @usableFromInline
    func receivedField(_ position: Int) -> (name: String, value: String) {
        (receivedName(position), receivedValue(position))
    }

    /// The value of field `position`.
    private func value(at position: Int) -> String {
        switch storage {
        case .added(let fields): fields[position].value
        case .received: receivedValue(position)
        }
    }

    /// Whether field `position` is named `name`, in any case.
    private func name(at position: Int, equals name: String) -> Bool {
        switch storage {
        case .added(let fields): Self.equalNames(fields[position].name, name)
        case .received: receivedName(position, equals: name)
        }
    }

    /// Turns received fields into added ones, before a change: the positions (and so the index) stay.
    private mutating func materialize() {
        guard case .received = storage else { return }
        let count = receivedCount
        var all: [Field] = []
        all.reserveCapacity(count + 1)
        for position in 0..<count {
            all.append(Field(name: receivedName(position), value: receivedValue(position)))
        }
        storage = .added(all)
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
        changeFields { $0.removeAll { Self.equalNames($0.name, name) } }
        guard indexed else { return }
        firsts = SIMD16()
        repeated = 0
        for (position, field) in fields.enumerated() {
            if let known = KnownName.recognise(field.name) { note(known, at: position) }
        }
    }

    /// The value of the first field named `name`.
    public subscript(name: String) -> String? {
        for position in 0..<count where self.name(at: position, equals: name) { return value(at: position) }
        return nil
    }

    /// The value of the first field named `name`: no name is compared in a parsed request.
    public subscript(name: KnownName) -> String? {
        guard indexed else { return self[name.name] }
        let first = Int(firsts[name.rawValue])
        return first == 0 ? nil : value(at: first - 1)
    }

    /// Calls `body` with the value of the first field named `name` as bytes, one per ISO-8859-1 code point: a
    /// received field's bytes as they came, no `String` made (the access log, for every request); an added
    /// field's ``Swift/String/latin1Bytes``. Returns `false`, without calling `body`, when there is no such field.
    public func withValueBytes(_ name: KnownName, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard indexed else {
            guard let value = self[name.name] else { return false }
            value.latin1Bytes.withUnsafeBytes(body)
            return true
        }
        let first = Int(firsts[name.rawValue])
        guard first > 0 else { return false }
        switch storage {
        case .added(let fields):
            fields[first - 1].value.latin1Bytes.withUnsafeBytes(body)
        case .received(let bytes):
            let span = span(first - 1)
            let base = receivedBase
            bytes.withUnsafeBytes {
                body(UnsafeRawBufferPointer(rebasing: $0[(base + Int(span.valueStart))..<(base + Int(span.valueEnd))]))
            }
        }
        return true
    }

    /// Every value of the fields named `name`, in order.
    public func values(for name: String) -> [String] {
        (0..<count).filter { self.name(at: $0, equals: name) }.map { value(at: $0) }
    }

    /// Every value of the fields named `name`, in order.
    public func values(for name: KnownName) -> [String] {
        guard indexed, repeated & (1 << name.rawValue) == 0 else { return values(for: name.name) }
        let first = Int(firsts[name.rawValue])
        return first == 0 ? [] : [value(at: first - 1)]
    }

    /// The number of fields named `name`, counted without collecting their values.
    public func count(named name: String) -> Int {
        var count = 0
        for position in 0..<self.count where self.name(at: position, equals: name) { count += 1 }
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
        @usableFromInline let headers: HTTPHeaders
        @usableFromInline var position = 0

        @inlinable
        init(headers: HTTPHeaders) {
            self.headers = headers
        }

        @inlinable
        public mutating func next() -> (name: String, value: String)? {
            guard position < headers.count else { return nil }
            defer { position += 1 }
            return headers.field(at: position)
        }
    }

    @inlinable
    public func makeIterator() -> Iterator {
        Iterator(headers: self)
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        let count = lhs.count
        guard count == rhs.count else { return false }
        // No iterators for two empty lists (a response's configured fields, compared per request by the server's
        // head cache): they cost about 370 instructions (callgrind, 2026-12-07).
        if count == 0 { return true }
        return zip(lhs, rhs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
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

    /// ``equalNames(_:_:)-(String,String)`` of received bytes and a name.
    static func equalNames(_ a: UnsafeRawBufferPointer, _ b: String) -> Bool {
        let b = b.utf8
        guard a.count == b.count else { return false }
        let equal = b.withContiguousStorageIfAvailable { b in
            for index in 0..<a.count where ASCII.lowercased(a[index]) != ASCII.lowercased(b[index]) { return false }
            return true
        }
        if let equal { return equal }
        return zip(a, b).allSatisfy { ASCII.lowercased($0) == ASCII.lowercased($1) }
    }
}
