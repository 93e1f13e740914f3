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
        var result = bytes
        if result.last != UInt8(ascii: "/") { result.append(UInt8(ascii: "/")) }
        result.append(contentsOf: component.drop { $0 == UInt8(ascii: "/") })
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
        let base = root.bytes.last == UInt8(ascii: "/") ? Array(root.bytes.dropLast()) : root.bytes
        guard bytes.starts(with: base) else { return false }
        return bytes.count == base.count || bytes[base.count] == UInt8(ascii: "/")
    }

    /// Calls `body` with a NUL-terminated copy of the path.
    public func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        var terminated = bytes
        terminated.append(0)
        return try terminated.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }
}
