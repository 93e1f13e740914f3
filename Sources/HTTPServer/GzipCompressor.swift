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
    /// The compressions under way, by file version: what a request that misses the cache follows.
    private let flights = Locked<[FileVersion: GzipFlight]>([:])
    /// How many compressions ``stream(of:status:pool:)`` started, for the tests of single flight.
    private let started = Locked(0)

    /// Creates a compressor with an empty cache of `options.cacheBytes`.
    public init(options: GzipOptions) {
        precondition((1...9).contains(options.level), "gzip level must be 1-9")
        self.options = options
        self.cache = GzipCache(capacity: options.cacheBytes)
    }

    /// What the cache says of a file version, without compressing anything.
    enum Lookup: Equatable {
        /// Send identity: too short, or known not to shrink.
        case identity
        /// The gzip body, from the cache.
        case compressed([UInt8])
        /// Not known yet: the body is made as it is sent (``stream(of:status:pool:)``).
        case miss
    }

    /// The cached answer for the version `status` describes. A file larger than the cache is a miss too: it is
    /// streamed, just not kept.
    func lookup(_ status: FileStatus) -> Lookup {
        guard status.size >= options.minimumSize else { return .identity }
        switch cache.entry(for: FileVersion(status)) {
        case .compressed(let bytes)?: return .compressed(bytes)
        case .incompressible?: return .identity
        case nil: return .miss
        }
    }

    /// The gzip body of `file` (whose status when opened is `status`) as a flight to follow: the one under way
    /// for this version if there is one (`file` is then closed), the cached body, or a new compression started
    /// on `pool`, which takes over `file`. A file larger than the whole cache gets a compression of its own that
    /// keeps only a window of its body (``GzipFlight/keeps``): holding it whole for others to join could take
    /// any amount of memory.
    func stream(of file: OpenFile, status: FileStatus, pool: BackgroundPool) -> GzipFlight {
        let key = FileVersion(status)
        if status.size > Int64(cache.capacity) {
            started.withLock { $0 += 1 }
            let flight = GzipFlight(version: key, keeps: false)
            GzipProducer(flight: flight, file: file, status: status, compressor: self, pool: pool).start()
            return flight
        }
        let (flight, isNew) = flights.withLock { table -> (GzipFlight, Bool) in
            if let running = table[key] { return (running, false) }
            // Under the flights lock: a flight that completes inserts into the cache before it leaves the table,
            // so a request sees one or the other, and never starts a second compression of the same version.
            if case .compressed(let bytes)? = cache.entry(for: key) {
                return (GzipFlight(version: key, complete: bytes), false)
            }
            let flight = GzipFlight(version: key)
            table[key] = flight
            return (flight, true)
        }
        guard isNew else {
            file.close()
            return flight
        }
        started.withLock { $0 += 1 }
        GzipProducer(flight: flight, file: file, status: status, compressor: self, pool: pool).start()
        return flight
    }

    /// A flight's last chunk is in: remember the body (or that it did not shrink), then let the readers finish.
    func complete(_ flight: GzipFlight, originalSize: Int64) {
        if !flight.keeps {
            if Int64(flight.count) >= originalSize { cache.insert(.incompressible, for: flight.version) }
        } else if Int64(flight.count) < originalSize {
            cache.insert(.compressed(flight.joined()), for: flight.version)
        } else {
            // Its readers already have the gzip head, so they get the gzip body; later requests get identity.
            cache.insert(.incompressible, for: flight.version)
        }
        flights.withLock { if $0[flight.version] === flight { $0[flight.version] = nil } }
        flight.end(complete: true)
    }

    /// A flight failed (the file changed or could not be read): forget it, so the next request starts afresh
    /// from the new version, and tell its readers.
    func abandon(_ flight: GzipFlight) {
        flights.withLock { if $0[flight.version] === flight { $0[flight.version] = nil } }
        flight.end(complete: false)
    }

    /// The number of compressions under way.
    var flightCount: Int { flights.withLock { $0.count } }

    /// The number of compressions started for streamed bodies since the compressor was made.
    var streamsStarted: Int { started.withLock { $0 } }

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
