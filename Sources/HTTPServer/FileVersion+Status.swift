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
