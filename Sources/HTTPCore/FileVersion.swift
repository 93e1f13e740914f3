/// One version of one file: the one definition of "the same bytes as before" that the server uses.
///
/// Its entity tag (``EntityTag/strong(_:)``), the gzip cache's key and the check that a file did not
/// change while it was being sent all compare these five values. Device and inode name the file on
/// this host; size and the nanosecond modification time change whenever its bytes do (write(2) updates
/// the mtime; Linux 6.13+ gives it a fine-grained value once a stat has looked at it).
///
/// A pure value: the server fills it from `stat(2)`, and this module never sees a descriptor.
public struct FileVersion: Hashable, Sendable {
    /// The device the file is on.
    public var device: UInt64
    /// The file's inode number on that device.
    public var inode: UInt64
    /// The size in bytes.
    public var size: Int64
    /// The modification time's whole seconds since the epoch.
    public var modificationSeconds: Int64
    /// The nanoseconds within that second (0 to 999 999 999). Kept apart from the seconds so that any
    /// mtime `stat(2)` can report fits, not only those before 2262.
    public var modificationNanoseconds: Int64

    /// Creates a version from `stat(2)` fields.
    /// - Parameters:
    ///   - device: `st_dev`.
    ///   - inode: `st_ino`.
    ///   - size: `st_size`.
    ///   - modificationSeconds: `st_mtim.tv_sec`.
    ///   - modificationNanoseconds: `st_mtim.tv_nsec`.
    public init(device: UInt64, inode: UInt64, size: Int64, modificationSeconds: Int64, modificationNanoseconds: Int64)
    {
        self.device = device
        self.inode = inode
        self.size = size
        self.modificationSeconds = modificationSeconds
        self.modificationNanoseconds = modificationNanoseconds
    }

    /// Whether `other` is the same file (device and inode), whatever its version.
    public func isSameFile(as other: FileVersion) -> Bool { device == other.device && inode == other.inode }

    /// Whether this version was modified no earlier than `other`, to the nanosecond.
    public func isModified(notBefore other: FileVersion) -> Bool {
        (modificationSeconds, modificationNanoseconds) >= (other.modificationSeconds, other.modificationNanoseconds)
    }
}
