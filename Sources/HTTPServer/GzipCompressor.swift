import Gzip
import HTTPCore
import System

/// Makes and remembers the gzip body of files: compress once, serve from memory after.
///
/// One instance is shared by every thread of a server (copies of ``StaticFileHandler`` share it), so
/// each file version is compressed about once, however many requests ask for it.
public final class GzipCompressor: Sendable {
    /// The settings in force.
    public let options: GzipOptions
    /// The compressed bodies.
    public let cache: GzipCache

    /// Creates a compressor with an empty cache of `options.cacheBytes`.
    public init(options: GzipOptions) {
        precondition((1...9).contains(options.level), "gzip level must be 1-9")
        self.options = options
        self.cache = GzipCache(capacity: options.cacheBytes)
    }

    /// The gzip body for `file`, whose current status is `status`, from the cache or compressed now.
    ///
    /// `nil` means "send identity": the file is shorter than the minimum, larger than the cache could
    /// hold (every gzip body must be held whole, so its Content-Length is known and HEAD matches GET),
    /// changed while being read, or does not get smaller.
    public func body(of file: OpenFile, status: FileStatus) -> [UInt8]? {
        guard status.size >= options.minimumSize, status.size <= Int64(cache.capacity) else { return nil }
        let key = FileVersion(status)
        if let entry = cache.entry(for: key) {
            if case .compressed(let bytes) = entry { return bytes }
            return nil
        }
        // Compressed outside the cache's lock: other threads keep serving meanwhile. Two threads that
        // miss the same file at once both compress it; the second insert replaces the first.
        guard let compressed = compress(file, status: status) else { return nil }
        if compressed.count >= status.size {
            cache.insert(.incompressible, for: key)
            return nil
        }
        cache.insert(.compressed(compressed), for: key)
        return compressed
    }

    /// Reads the whole file through the encoder; `nil` if it could not be read or changed meanwhile.
    private func compress(_ file: OpenFile, status: FileStatus) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(Int(status.size / 3) + 64)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var offset: Int64 = 0
        do {
            let encoder = try GzipEncoder(level: options.level)
            while offset < status.size {
                let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
                if count == 0 { return nil }  // Truncated since the fstat: not the version we were asked for.
                offset += Int64(count)
                try encoder.compress(buffer[..<count]) { result.append(contentsOf: $0) }
            }
            try encoder.finish { result.append(contentsOf: $0) }
            // Written to while we read (same size, new mtime, or grown): the bytes may be a mix of versions.
            let after = try file.status()
            guard FileVersion(after) == FileVersion(status), offset == status.size else { return nil }
        } catch {
            return nil
        }
        return result
    }
}
