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
///
/// Found by path, too (``bytes(forPath:clock:status:)``): when a full resolution of a target (`openat2` with
/// `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`, or without it the `stat` + `realpath` check) opens a kept version,
/// ``confirm(_:for:clock:)`` records that path on the entry and when. For one second after that, a request for
/// the same path costs one `fstatat(2)` (`AT_SYMLINK_NOFOLLOW`) instead of `openat2` + `fstat` + `close`: the
/// bytes are sent when the path's status now has the entry's device, inode, size, mtime and ctime and is a
/// regular file (a link as last component never is). What the one-second bound is for: `fstatat` cannot confine
/// its walk, so a folder on the way that was moved out of the root and replaced by a symbolic link to where it
/// went still reaches the same inode with the same ctime (a rename or link of the file itself moves its ctime;
/// moving a folder does not touch the files in it). Such a path is trusted at most until its confirmation is a
/// second old; the next request then takes the full resolution, which refuses the link. nginx's
/// `open_file_cache` trusts what it found for `open_file_cache_valid` (60 s by default) without any `stat`.
/// One path per entry (the last confirmed) and none longer than ``maxPathLength``: the paths add at most
/// ``maxEntries`` times that to the memory kept (twice, with the folders below).
///
/// Found as a folder's index, too (``bytes(forFolder:clock:status:)``): when a full resolution of a folder target
/// (`/`, `/docs/`) finds its index file (the first of the `--index` names, opened as any file is) and that version
/// is kept, ``confirm(index:of:for:clock:)`` records the folder and the index's name on the entry. For one second,
/// a request for the folder costs one `fstatat` of the index's path, under the same rules as a path. The same
/// second bounds what a folder's answer cannot see without the full resolution: an index name of higher priority
/// created meanwhile (`index.html` beside the `index.htm` served) is answered at the first full resolution, at most
/// a second after the last one. One folder per entry (besides its path), so the two never push each other out.
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
        /// The path a full resolution last found this version at (the key of ``paths``), and when: the caller's
        /// monotonic clock in milliseconds.
        var path: [UInt8]? = nil
        var confirmedAt: Int64 = 0
        /// The folder whose index a full resolution last found this version to be (the key of ``folders``), the
        /// index's name in it, and when.
        var folder: [UInt8]? = nil
        var index: [UInt8] = []
        var folderConfirmedAt: Int64 = 0
    }

    /// How long a path's confirmation lets requests for it skip the full resolution (milliseconds).
    static let trustMilliseconds: Int64 = 1000
    /// The longest path kept on an entry, in bytes; longer ones always take the full resolution.
    static let maxPathLength = 1024

    /// The most bytes of file content kept at once.
    let maxBytes: Int
    /// The most files kept at once.
    let maxEntries: Int
    /// The bytes of file content kept now.
    private(set) var totalBytes = 0
    private var entries: [Entry] = []
    private var slots: [FileIdentity: Int] = [:]
    /// The entry each confirmed path names (an entry's ``Entry/path``).
    private var paths: [[UInt8]: Int] = [:]
    /// The entry each confirmed folder names as its index (an entry's ``Entry/folder``).
    private var folders: [[UInt8]: Int] = [:]
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

    /// Records that a full resolution of `path` (a target's decoded relative path, as ``TargetPath`` gives it) has
    /// just opened the file `status` describes (its `fstat`), at `clock` (monotonic milliseconds): when this version
    /// is kept, the path now names its entry, trusted for ``trustMilliseconds``. The entry's previous path, and
    /// another entry's claim to this path, are dropped. `true` when the version is kept.
    @discardableResult
    mutating func confirm(_ path: [UInt8], for status: FileStatus, clock: Int64) -> Bool {
        guard let slot = keptSlot(for: status) else { return false }
        guard path.count <= Self.maxPathLength else { return true }
        if entries[slot].path != path {
            Self.claim(path, for: slot, in: &paths, on: &entries, at: \.path)
        }
        entries[slot].confirmedAt = clock
        return true
    }

    /// Records that a full resolution of the folder `folder` (a target's relative path, empty for the root) has just
    /// found its index file `index` (a name in it) and opened the file `status` describes: when this version is
    /// kept, the folder now names its entry, trusted for ``trustMilliseconds``, as ``confirm(_:for:clock:)`` does
    /// for a path (the entry's path stays; its previous folder goes). `true` when the version is kept.
    @discardableResult
    mutating func confirm(index: [UInt8], of folder: [UInt8], for status: FileStatus, clock: Int64) -> Bool {
        guard let slot = keptSlot(for: status) else { return false }
        guard folder.count + 1 + index.count <= Self.maxPathLength else { return true }
        if entries[slot].folder != folder || entries[slot].index != index {
            Self.claim(folder, for: slot, in: &folders, on: &entries, at: \.folder)
            entries[slot].index = index
        }
        entries[slot].folderConfirmedAt = clock
        return true
    }

    /// The slot of the kept entry of the regular file `status` describes, if this version is kept; an older one is
    /// dropped (never sent again, as in ``bytes(for:)``).
    private mutating func keptSlot(for status: FileStatus) -> Int? {
        guard status.kind == .regular, let slot = slots[FileIdentity(status)] else { return nil }
        guard entries[slot].version == Version(status) else {
            remove(at: slot)
            return nil
        }
        return slot
    }

    /// Makes `key` name the entry at `slot` in `map` (``paths`` or ``folders``, with the entry's field `field`):
    /// the entry's previous key, and another entry's claim to `key`, are dropped. Called only when a claim changes
    /// (a key path costs a few hundred instructions; a confirmation that finds its claim in place never comes here).
    private static func claim(
        _ key: [UInt8],
        for slot: Int,
        in map: inout [[UInt8]: Int],
        on entries: inout [Entry],
        at field: WritableKeyPath<Entry, [UInt8]?>
    ) {
        if let old = entries[slot][keyPath: field] { map[old] = nil }
        if let other = map[key] { entries[other][keyPath: field] = nil }
        map[key] = slot
        entries[slot][keyPath: field] = key
    }

    /// The kept bytes of the file at `path`, and its status, without opening it: when `path` was confirmed less
    /// than ``trustMilliseconds`` before `clock`, `status` (called only then: the path's `fstatat` without following
    /// a last symbolic link) must describe a regular file with the entry's device, inode, size, mtime and ctime.
    /// On any other answer (an error: `nil`) the path is forgotten, and its next request takes the full resolution.
    mutating func bytes(
        forPath path: [UInt8],
        clock: Int64,
        status: () -> FileStatus?
    ) -> (status: FileStatus, bytes: [UInt8])? {
        guard let slot = paths[path], Self.isTrusted(since: entries[slot].confirmedAt, clock: clock) else {
            return nil
        }
        guard let found = keptVersion(at: slot, status()) else {
            paths[path] = nil
            entries[slot].path = nil
            return nil
        }
        return (found, entries[slot].bytes)
    }

    /// The kept bytes of the index file of `folder` (a target's relative path, empty for the root), its status and
    /// its name, without opening it: when a full resolution confirmed the folder's index less than
    /// ``trustMilliseconds`` before `clock`, `status` (called only then, with the index's name: the `fstatat` of its
    /// path in the folder without following a last symbolic link) must describe the kept version, as in
    /// ``bytes(forPath:clock:status:)``; on any other answer the folder is forgotten.
    mutating func bytes(
        forFolder folder: [UInt8],
        clock: Int64,
        status: (_ index: [UInt8]) -> FileStatus?
    ) -> (status: FileStatus, bytes: [UInt8], index: [UInt8])? {
        guard let slot = folders[folder], Self.isTrusted(since: entries[slot].folderConfirmedAt, clock: clock) else {
            return nil
        }
        guard let found = keptVersion(at: slot, status(entries[slot].index)) else {
            folders[folder] = nil
            entries[slot].folder = nil
            return nil
        }
        return (found, entries[slot].bytes, entries[slot].index)
    }

    /// Whether a confirmation at `confirmedAt` is trusted at `clock`: less than ``trustMilliseconds`` before it. The
    /// monotonic clock never goes back; `clock < confirmedAt` would be a caller's mistake: not trusted.
    private static func isTrusted(since confirmedAt: Int64, clock: Int64) -> Bool {
        let age = clock - confirmedAt
        return age >= 0 && age < trustMilliseconds
    }

    /// `found` when it is a regular file with the entry's identity and version (the entry is then marked read);
    /// `nil` otherwise.
    private mutating func keptVersion(at slot: Int, _ found: FileStatus?) -> FileStatus? {
        guard let found, found.kind == .regular, FileIdentity(found) == entries[slot].identity,
            Version(found) == entries[slot].version
        else { return nil }
        entries[slot].referenced = true
        return found
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
        if let path = entries[slot].path { paths[path] = nil }
        if let folder = entries[slot].folder { folders[folder] = nil }
        let last = entries.removeLast()
        if slot < entries.count {
            entries[slot] = last
            slots[last.identity] = slot
            if let path = last.path { paths[path] = slot }
            if let folder = last.folder { folders[folder] = slot }
        }
    }
}
