/// Writes bytes with plain stores into room made for them at the end of an array: a response head is
/// a few dozen pieces, and an array append per piece (a uniqueness and capacity check, a call) cost more
/// than the bytes themselves (callgrind, 2026-12-07).
///
/// Made only by ``Swift/Array/appendWriting(atMost:_:)``, which checks the room once; every write checks
/// that it stays inside it.
public struct ByteWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// The number of bytes written so far.
    public private(set) var count = 0

    fileprivate init(base: UnsafeMutablePointer<UInt8>, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    /// Writes one byte.
    @inline(__always)
    public mutating func write(_ byte: UInt8) {
        precondition(count < capacity, "ByteWriter: more bytes than room was made for")
        base[count] = byte
        count += 1
    }

    /// Writes `bytes` as they are.
    @inline(__always)
    public mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= capacity - count, "ByteWriter: more bytes than room was made for")
        guard let source = bytes.baseAddress else { return }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Writes the bytes of a literal.
    @inline(__always)
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
    public mutating func writeLatin1(_ text: String) {
        let copied = text.utf8.withContiguousStorageIfAvailable { storage in
            for byte in storage where byte >= 0x80 { return false }
            write(storage)
            return true
        }
        if copied == true { return }
        for scalar in text.unicodeScalars { write(scalar.value < 256 ? UInt8(scalar.value) : UInt8(ascii: "?")) }
    }

    /// Writes `value` in decimal (a `-` first when negative), as `String(value)` spells it.
    public mutating func writeDecimal(_ value: Int64) {
        if value < 0 { write(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            write(UInt8(ascii: "0") + UInt8(magnitude / divisor))
            magnitude %= divisor
            divisor /= 10
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
        let bits = UInt64(bitPattern: value)
        var shift: UInt64 = 60
        while shift > 0 && bits >> shift == 0 { shift -= 4 }
        while true {
            let digit = UInt8(truncatingIfNeeded: (bits >> shift) & 0xF)
            write(digit < 10 ? 0x30 + digit : 0x57 + digit)
            if shift == 0 { break }
            shift -= 4
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes, at most `capacity` bytes, with plain stores (``ByteWriter``).
    public mutating func appendWriting(atMost capacity: Int, _ body: (inout ByteWriter) -> Void) {
        guard capacity > 0 else { return }
        let start = count
        append(contentsOf: repeatElement(0, count: capacity))
        let written = withUnsafeMutableBufferPointer { buffer in
            var writer = ByteWriter(base: buffer.baseAddress! + start, capacity: capacity)
            body(&writer)
            return writer.count
        }
        removeLast(capacity - written)
    }
}
