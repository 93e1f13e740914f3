/// Writes bytes with plain stores into room made for them at the end of an array: a response head is
/// a few dozen pieces, and an array append per piece (a uniqueness and capacity check, a call) cost more
/// than the bytes themselves (callgrind, 2026-12-07).
///
/// Made only by ``Swift/Array/appendWriting(atMost:_:)``, which checks the room once; every write checks
/// that it stays inside it.
public struct ByteWriter {
    // Usable from inlined code: the engine's head is written in HTTPServer, and a call per piece across the
    // module boundary cost more than most pieces (callgrind, 2026-12-07).
    @usableFromInline let base: UnsafeMutablePointer<UInt8>
    @usableFromInline let capacity: Int
    /// ``count``, settable by inlined writes.
    @usableFromInline var written = 0
    /// The number of bytes written so far.
    @inlinable public var count: Int { written }

    @usableFromInline init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Writes one byte.
    @inlinable @inline(__always)
    public mutating func write(_ byte: UInt8) {
        precondition(written < capacity, "ByteWriter: more bytes than room was made for")
        base[written] = byte
        written += 1
    }

    /// Writes `bytes` as they are.
    @inlinable @inline(__always)
    public mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= capacity - written, "ByteWriter: more bytes than room was made for")
        guard let source = bytes.baseAddress else { return }
        (base + written).update(from: source, count: bytes.count)
        written += bytes.count
    }

    /// Writes the bytes of a literal.
    @inlinable @inline(__always)
    public mutating func write(_ literal: StaticString) {
        write(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Writes `bytes` as they are.
    public mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { write($0) }
    }

    /// Writes the string's UTF-8 bytes, `utf8.count` of them.
    public mutating func writeUTF8(_ text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ write($0) }) == nil {
            for byte in text.utf8 { write(byte) }
        }
    }

    /// Writes the string in ISO-8859-1, as a head holds a field value (``Swift/String/latin1Bytes``): its
    /// UTF-8 storage as it is when ASCII; code points above 255 become `?`. Needs at most `utf8.count` bytes.
    @inlinable
    public mutating func writeLatin1(_ text: String) {
        let copied = text.utf8.withContiguousStorageIfAvailable { storage in
            guard Self.isASCII(storage) else { return false }
            write(storage)
            return true
        }
        if copied == true { return }
        for scalar in text.unicodeScalars { write(scalar.value < 256 ? UInt8(scalar.value) : UInt8(ascii: "?")) }
    }

    /// Whether every byte is below 0x80, tested eight bytes at a time: a byte loop cost more than the copy
    /// (callgrind, 2026-12-07).
    @inlinable @inline(__always)
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        orOfWords(bytes, { $0 }, byte: { UInt64($0) }) & 0x8080_8080_8080_8080 == 0
    }

    /// The OR of `word` over `bytes` read eight at a time, or of `byte` over each byte when there are fewer
    /// than eight: for checks that word arithmetic decides for eight bytes at once (``isASCII(_:)``, the access
    /// log's escaping). The last eight bytes are read overlapping ones already read, so no byte loop runs for
    /// the rest; `word` must not care which of its bytes it sees twice.
    @inlinable @inline(__always)
    public static func orOfWords(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ word: (UInt64) -> UInt64,
        byte: (UInt8) -> UInt64
    ) -> UInt64 {
        guard let start = bytes.baseAddress else { return 0 }
        guard bytes.count >= 8 else {
            var flags: UInt64 = 0
            for offset in 0..<bytes.count { flags |= byte(start[offset]) }
            return flags
        }
        let raw = UnsafeRawPointer(start)
        var offset = 0
        var flags: UInt64 = 0
        while offset + 8 <= bytes.count {
            flags |= word(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count { flags |= word(raw.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)) }
        return flags
    }

    /// Claims the next `length` bytes, which the caller then stores every one of, and returns where they
    /// start: one room check for a piece whose length is known before it is written.
    @inlinable @inline(__always)
    mutating func claim(_ length: Int) -> UnsafeMutablePointer<UInt8> {
        precondition(length >= 0 && length <= capacity - written, "ByteWriter: more bytes than room was made for")
        let start = base + written
        written += length
        return start
    }

    /// Writes `value` in decimal (a `-` first when negative), as `String(value)` spells it.
    public mutating func writeDecimal(_ value: Int64) {
        if value < 0 { write(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var bound: UInt64 = 10
        while digits < 20 && magnitude >= bound {
            digits += 1
            bound = bound &* 10
        }
        let start = claim(digits)
        for index in stride(from: digits - 1, through: 0, by: -1) {
            start[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
        }
    }

    /// Writes `value` in two decimal digits (`value` below 100).
    @inline(__always)
    mutating func writeTwoDigits(_ value: Int64) {
        write(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10))
        write(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10))
    }

    /// Writes `value` in lower-case hexadecimal without leading zeros, as `String(value, radix: 16)` spells
    /// its bit pattern.
    public mutating func writeHex(_ value: Int64) {
        var bits = UInt64(bitPattern: value)
        let digits = max(1, (64 - bits.leadingZeroBitCount + 3) / 4)
        let start = claim(digits)
        let hexDigits = ("0123456789abcdef" as StaticString).utf8Start
        var index = digits
        // Two digits a turn from the end, then the odd one first: half the loop's turns (callgrind, 2026-12-07).
        while index >= 2 {
            start[index - 1] = hexDigits[Int(truncatingIfNeeded: bits & 0xF)]
            start[index - 2] = hexDigits[Int(truncatingIfNeeded: (bits >> 4) & 0xF)]
            bits >>= 8
            index -= 2
        }
        if index == 1 { start[0] = hexDigits[Int(truncatingIfNeeded: bits & 0xF)] }
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes, at most `capacity` bytes, with plain stores (``ByteWriter``).
    public mutating func appendWriting(atMost capacity: Int, _ body: (inout ByteWriter) -> Void) {
        guard capacity > 0 else { return }
        // Written in scratch room (on the stack when small), then appended in one copy: making the room in the
        // array zero-filled it a byte at a time and trimmed it after (callgrind, 2026-12-07).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { room in
            var writer = ByteWriter(base: room.baseAddress!, capacity: capacity)
            body(&writer)
            append(contentsOf: UnsafeBufferPointer(rebasing: room[..<writer.count]))
        }
    }
}

extension UnsafeMutableBufferPointer where Element == UInt8 {
    /// Writes what `body` writes at the start of this room, at most `count` bytes, with plain stores
    /// (``ByteWriter``), and returns how many it wrote: for a buffer its owner keeps, such as a batch of
    /// access-log lines, which then needs no copy.
    @inlinable
    public func writing(_ body: (inout ByteWriter) -> Void) -> Int {
        guard let base = baseAddress, count > 0 else { return 0 }
        var writer = ByteWriter(base: base, capacity: count)
        body(&writer)
        return writer.count
    }
}
