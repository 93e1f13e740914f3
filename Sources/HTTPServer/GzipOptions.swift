/// How `http-serve` compresses responses: on by default, with no configuration needed.
public struct GzipOptions: Sendable, Equatable {
    /// Whether responses may be gzip-coded at all (`--no-gzip` turns it off).
    public var enabled: Bool = true
    /// zlib's level, 1 (fastest) to 9 (smallest) (`--gzip-level`); 6 is zlib's and gzip(1)'s default.
    public var level: Int = 6
    /// The bound of the in-memory cache of compressed bodies, in bytes (`--gzip-cache-mb`).
    public var cacheBytes: Int = 64 * 1024 * 1024
    /// Bodies shorter than this are sent as they are: the gzip header and trailer alone are 18 bytes,
    /// and a packet is a packet.
    public var minimumSize: Int64 = 256

    /// The defaults: gzip on, level 6, a 64 MiB cache, 256-byte minimum.
    public init(enabled: Bool = true, level: Int = 6, cacheBytes: Int = 64 * 1024 * 1024) {
        self.enabled = enabled
        self.level = level
        self.cacheBytes = cacheBytes
    }
}
