#if canImport(Glibc)
import Glibc
#endif

/// A file-system path as raw bytes.
///
/// Linux file names are bytes, not text: a name that is not valid UTF-8 must still
/// be found, listed and served, so paths never pass through `String` on the way to the kernel.
public struct FilePath: Hashable, Sendable, CustomStringConvertible {
    /// The path's bytes, without a terminating NUL.
    public var bytes: [UInt8]

    /// Creates a path from raw bytes.
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Creates a path from a string's UTF-8 bytes.
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// The path with `component` appended after a single `/`.
    public func appending(_ component: [UInt8]) -> FilePath {
        var start = 0
        while start < component.count && component[start] == UInt8(ascii: "/") { start += 1 }
        // Made in one allocation of the final size: copying `bytes` and appending grew it twice or more (about
        // 800 instructions per request, callgrind 2026-12-07).
        let slash = bytes.last == UInt8(ascii: "/") ? 0 : 1
        let count = bytes.count + slash + component.count - start
        // Reserved, then appended to: `Array(unsafeUninitializedCapacity:)` allocates through an unspecialized
        // path that looks the array's type up each time.
        var result: [UInt8] = []
        result.reserveCapacity(count)
        result.append(contentsOf: bytes)
        if slash == 1 { result.append(UInt8(ascii: "/")) }
        result.append(contentsOf: component[start...])
        return FilePath(bytes: result)
    }

    /// The path with each of `components` appended after a single `/`, built in one allocation.
    public func appending(segments components: [[UInt8]]) -> FilePath {
        guard !components.isEmpty else { return self }
        var result: [UInt8] = []
        result.reserveCapacity(components.reduce(bytes.count) { $0 + $1.count + 1 })
        result.append(contentsOf: bytes)
        for component in components {
            if result.last != UInt8(ascii: "/") { result.append(UInt8(ascii: "/")) }
            result.append(contentsOf: component.drop { $0 == UInt8(ascii: "/") })
        }
        return FilePath(bytes: result)
    }

    /// The path for display; bytes that are not UTF-8 show as U+FFFD.
    public var description: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether this path equals `root` or lies below it, compared component-wise.
    public func isWithin(_ root: FilePath) -> Bool {
        let base = root.bytes.last == UInt8(ascii: "/") ? root.bytes.count - 1 : root.bytes.count
        guard bytes.count >= base, bytes[..<base].elementsEqual(root.bytes[..<base]) else { return false }
        return bytes.count == base || bytes[base] == UInt8(ascii: "/")
    }

    /// Calls `body` with a NUL-terminated copy of the path.
    public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        // Written into temporary room (on the stack when small): appending the NUL to a copy of `bytes` made
        // a new array on every system call.
        try withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for index in 0..<bytes.count { buffer[index] = CChar(bitPattern: bytes[index]) }
            buffer[bytes.count] = 0
            return try body(UnsafePointer(buffer.baseAddress!))
        }
    }
}
