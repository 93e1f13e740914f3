#if canImport(Glibc)
import Glibc
#endif

/// What `stat(2)` says about a file, in the units callers need.
public struct FileStatus: Equatable, Sendable {
    /// The kind of file.
    public enum Kind: Sendable, Equatable {
        case regular, directory, symbolicLink, other
    }

    public var kind: Kind
    /// Size in bytes; 64-bit, so files over 4 GiB work.
    public var size: Int64
    /// Modification time: whole seconds since the epoch.
    public var modificationSeconds: Int64
    /// Modification time: the nanoseconds within that second.
    public var modificationNanoseconds: Int64
    /// Status change time (`st_ctim`): whole seconds since the epoch. Unlike the mtime no caller can set it:
    /// the kernel moves it to the current time on every write, truncate, `utimensat`, `chmod` or rename.
    public var changeSeconds: Int64
    /// Status change time: the nanoseconds within that second.
    public var changeNanoseconds: Int64
    /// Device and inode: together they name the file on this host.
    public var device: UInt64
    public var inode: UInt64
    /// Permission bits (`st_mode & 0o7777`).
    public var permissions: UInt32

    public init(
        kind: Kind,
        size: Int64,
        modificationSeconds: Int64,
        modificationNanoseconds: Int64,
        device: UInt64 = 0,
        inode: UInt64 = 0,
        permissions: UInt32 = 0o644,
        changeSeconds: Int64 = 0,
        changeNanoseconds: Int64 = 0
    ) {
        self.kind = kind
        self.size = size
        self.modificationSeconds = modificationSeconds
        self.modificationNanoseconds = modificationNanoseconds
        self.changeSeconds = changeSeconds
        self.changeNanoseconds = changeNanoseconds
        self.device = device
        self.inode = inode
        self.permissions = permissions
    }

    init(_ raw: stat) {
        switch raw.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symbolicLink
        default: kind = .other
        }
        size = Int64(raw.st_size)
        modificationSeconds = Int64(raw.st_mtim.tv_sec)
        modificationNanoseconds = Int64(raw.st_mtim.tv_nsec)
        changeSeconds = Int64(raw.st_ctim.tv_sec)
        changeNanoseconds = Int64(raw.st_ctim.tv_nsec)
        device = UInt64(raw.st_dev)
        inode = UInt64(raw.st_ino)
        permissions = UInt32(raw.st_mode & 0o7777)
    }
}
