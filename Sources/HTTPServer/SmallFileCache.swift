import System

/// The bytes of small regular files, kept by one event loop so that a request for a file whose version it holds
/// skips the `pread(2)` and the `fstat(2)` that confirms it: 7 system calls per small GET instead of 9.
///
/// Why a version found here identifies the bytes: the key is device, inode, size, mtime and ctime, all to the
/// nanosecond, and an entry goes in only when (1) the `fstat` after the `pread` gave the same key as the one
/// before it, and (2) both mtime and ctime were at least one whole second older than the wall clock read before
/// that first `fstat` (``isSettled(_:clockSeconds:)``). The ctime cannot be set from user space: every write,
/// truncate, `utimensat` (`touch -d`), `chmod` or rename moves it to the kernel's current time (inode(7)),
/// which then lies past the entry's, so a change made after the read (a rewrite of the same size whose mtime
/// was put back, too) gives another key. File times come from a coarse clock (a tick of a few ms; whole seconds
/// or two on some file systems): two writes in one tick can leave the same times, so a file changed within the
/// last second or two is never kept and is read each time. What this cannot see, like every validator made
/// of file times (`ETag`, nginx's `open_file_cache`): stores through a shared `mmap` (the times move at the first
/// one after a writeback only), one `write(2)` that stalls over a second between updating the times and
/// copying its bytes, and a wall clock set back so that a later change lands on an entry's ctime exactly.
///
/// Bounded per loop by ``maxBytes`` (the bytes kept; 1 MiB by default) and ``maxEntries`` (1,024); one entry per
/// file (a newer version replaces the older one), evicted by the clock algorithm (second chance: an entry read
/// since the hand last passed stays one more round), as an operating system ages pages.
struct SmallFileCache {
    /// What must be equal for two statuses to describe the same bytes of one file.
    struct Version: Equatable {
        var size: Int64
        var modificationSeconds: Int64
        var modificationNanoseconds: Int64
        var changeSeconds: Int64
        var changeNanoseconds: Int64

        init(_ status: FileStatus) {
            size = status.size
            modificationSeconds = status.modificationSeconds
            modificationNanoseconds = status.modificationNanoseconds
            changeSeconds = status.changeSeconds
            changeNanoseconds = status.changeNanoseconds
        }
    }

    private struct Entry {
        var identity: FileIdentity
        var version: Version
        var bytes: [UInt8]
        /// Read since the clock hand last passed it.
        var referenced: Bool
    }

    /// The most bytes of file content kept at once.
    let maxBytes: Int
    /// The most files kept at once.
    let maxEntries: Int
    /// The bytes of file content kept now.
    private(set) var totalBytes = 0
    private var entries: [Entry] = []
    private var slots: [FileIdentity: Int] = [:]
    private var hand = 0

    init(maxBytes: Int = 1 << 20, maxEntries: Int = 1024) {
        precondition(maxBytes >= 0 && maxEntries >= 0)
        self.maxBytes = maxBytes
        self.maxEntries = maxEntries
    }

    /// How many files are kept now.
    var count: Int { entries.count }

    /// The whole content of the file `status` describes, when this version of it is kept. An older version
    /// of the same file is dropped on the way.
    mutating func bytes(for status: FileStatus) -> [UInt8]? {
        guard let slot = slots[FileIdentity(status)] else { return nil }
        guard entries[slot].version == Version(status) else {
            remove(at: slot)
            return nil
        }
        entries[slot].referenced = true
        return entries[slot].bytes
    }

    /// Keeps `bytes` as the whole content of the file `status` describes, evicting others as the bounds
    /// require. The caller has checked that they are (``isSettled(_:clockSeconds:)`` and the `fstat` after
    /// the read); a regular file's bytes only, and none larger than ``maxBytes``.
    mutating func insert(_ bytes: [UInt8], for status: FileStatus) {
        guard status.kind == .regular, Int64(bytes.count) == status.size, bytes.count <= maxBytes, maxEntries > 0
        else { return }
        let identity = FileIdentity(status)
        if let slot = slots[identity] { remove(at: slot) }
        while entries.count >= maxEntries || totalBytes + bytes.count > maxBytes { evictOne() }
        slots[identity] = entries.count
        entries.append(Entry(identity: identity, version: Version(status), bytes: bytes, referenced: false))
        totalBytes += bytes.count
    }

    /// Whether the file's times are far enough behind the clock that no later change can leave them as they
    /// are: mtime and ctime both before the whole second preceding `clockSeconds`, so at least one second older
    /// than the clock (`clockSeconds` is rounded down), and older than a two-second time granularity allows.
    /// - Parameter clockSeconds: the wall clock in whole seconds, read before the `fstat` that gave `status`.
    static func isSettled(_ status: FileStatus, clockSeconds: Int64) -> Bool {
        status.modificationSeconds < clockSeconds - 1 && status.changeSeconds < clockSeconds - 1
    }

    /// Moves the clock hand to the first entry not read since it last passed, clearing marks on the way,
    /// and drops that entry.
    private mutating func evictOne() {
        while true {
            if hand >= entries.count { hand = 0 }
            if entries[hand].referenced {
                entries[hand].referenced = false
                hand += 1
            } else {
                remove(at: hand)
                return
            }
        }
    }

    /// Drops the entry at `slot`; the last entry takes its place.
    private mutating func remove(at slot: Int) {
        totalBytes -= entries[slot].bytes.count
        slots[entries[slot].identity] = nil
        let last = entries.removeLast()
        if slot < entries.count {
            entries[slot] = last
            slots[last.identity] = slot
        }
    }
}
