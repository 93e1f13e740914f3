import HTTPCore
import System

extension FileVersion {
    /// The version of the file `status` describes: its device, inode, size and nanosecond mtime.
    public init(_ status: FileStatus) {
        self.init(
            device: status.device,
            inode: status.inode,
            size: status.size,
            modificationSeconds: status.modificationSeconds,
            modificationNanoseconds: status.modificationNanoseconds
        )
    }
}

/// A file whatever its version (device and inode): what a cache keeps one entry of, so that a newer version
/// replaces the older one. Shared by the gzip cache (keyed by ``FileVersion``) and the small-file cache (by
/// ``FileStatus``).
struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64

    init(_ version: FileVersion) {
        device = version.device
        inode = version.inode
    }

    init(_ status: FileStatus) {
        device = status.device
        inode = status.inode
    }
}
