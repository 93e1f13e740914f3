import System

#if canImport(Glibc)
import Glibc
#endif

/// A folder under /tmp, filled by a test and removed with everything in it afterwards: the tests' one
/// temporary-folder fixture.
///
/// Fixture setup only: it calls libc directly (mkdtemp, mkdir, symlink, utimensat, truncate), which the
/// library modules never do outside `System` and `Sockets`.
public final class TemporaryTree {
    /// The folder's absolute path.
    public let path: String

    /// Creates an empty folder under /tmp.
    public init() {
        var template = Array("/tmp/http10-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    deinit { Self.remove(path) }

    /// Writes a file; `mtime` sets the modification time (seconds, nanoseconds). Returns its path.
    @discardableResult
    public func file(_ name: String, _ contents: String = "", mtime: (Int, Int)? = nil) -> String {
        file(Array(name.utf8), Array(contents.utf8), mtime: mtime)
    }

    /// Writes a file of bytes; `mtime` sets the modification time (seconds, nanoseconds). Returns its path.
    @discardableResult
    public func file(_ name: String, _ contents: [UInt8], mtime: (Int, Int)? = nil) -> String {
        file(Array(name.utf8), contents, mtime: mtime)
    }

    /// Writes a file whose name is any bytes (not necessarily UTF-8). Returns its path.
    @discardableResult
    public func file(_ name: [UInt8], _ contents: [UInt8], mtime: (Int, Int)? = nil) -> String {
        let full = FilePath(bytes: Array(path.utf8) + [UInt8(ascii: "/")] + name)
        let output = try! OutputFile.open(full, mode: .truncate)
        try! output.writeAll(contents)
        output.close()
        if let mtime { Self.setMTime(full, mtime) }
        return full.description
    }

    /// Sets the modification (and access) time of `name` to (seconds, nanoseconds).
    public func setMTime(_ name: String, _ mtime: (Int, Int)) {
        Self.setMTime(FilePath(path + "/" + name), mtime)
    }

    /// Creates a folder.
    public func folder(_ name: String) {
        _ = mkdir(path + "/" + name, 0o755)
    }

    /// Creates a symbolic link `name` pointing at `target`.
    public func symlink(_ name: String, to target: String) {
        _ = Glibc.symlink(target, path + "/" + name)
    }

    /// A sparse file of `size` bytes: no disk blocks, so 5 GiB costs nothing.
    public func sparseFile(_ name: String, size: Int64) {
        let full = path + "/" + name
        let output = try! OutputFile.open(FilePath(full), mode: .truncate)
        output.close()
        _ = truncate(full, off_t(size))
    }

    private static func setMTime(_ path: FilePath, _ mtime: (Int, Int)) {
        var times = [timespec(tv_sec: mtime.0, tv_nsec: mtime.1), timespec(tv_sec: mtime.0, tv_nsec: mtime.1)]
        _ = path.withCString { utimensat(AT_FDCWD, $0, &times, 0) }
    }

    private static func remove(_ path: String) {
        if let entries = try? FileSystem.contentsOfDirectory(FilePath(path)) {
            for entry in entries {
                let child = FilePath(path).appending(entry.name)
                var raw = stat()
                let isFolder = child.withCString { lstat($0, &raw) } == 0 && (raw.st_mode & S_IFMT) == S_IFDIR
                if isFolder {
                    _ = child.withCString { chmod($0, 0o755) }
                    remove(child.description)
                } else {
                    _ = child.withCString { unlink($0) }
                }
            }
        }
        _ = rmdir(path)
    }
}
