import HTTPCore
import System

/// Compressed file bodies in memory, keyed by ``FileVersion``, bounded in bytes, least recently used first out.
///
/// Shared by every thread of a server: one lock guards the table, and it is held only to look up,
/// insert or evict, never while compressing. A file that changes gets a new key (its size or
/// nanosecond mtime differ), so its next request misses and is recompressed; the stale entry of the
/// same file is dropped at that insert rather than left to age out.
public final class GzipCache: Sendable {
    /// What is remembered about one file version.
    public enum Entry: Sendable, Equatable {
        /// The gzip body.
        case compressed([UInt8])
        /// gzip did not make it smaller: send identity without trying again.
        case incompressible
    }

    /// The most bytes the entries may take, bodies plus ``entryOverhead`` each.
    public let capacity: Int

    /// The bookkeeping charged to each entry on top of its body, so many tiny entries stay bounded too.
    public static let entryOverhead = 128

    private let state: Locked<LRUTable>

    /// Creates an empty cache.
    /// - Parameter capacity: the bound in bytes; 0 caches nothing.
    public init(capacity: Int) {
        precondition(capacity >= 0, "negative cache capacity")
        self.capacity = capacity
        state = Locked(LRUTable())
    }

    /// The entry for `key`, which becomes the most recently used; `nil` if absent.
    public func entry(for key: FileVersion) -> Entry? {
        state.withLock { $0.lookup(key) }
    }

    /// Stores `entry` for `key`, evicting the least recently used entries until it fits.
    ///
    /// Any entry for an older version of the same file is removed first.
    /// - Returns: `false` if the entry alone is larger than the capacity (nothing is stored or evicted).
    @discardableResult
    public func insert(_ entry: Entry, for key: FileVersion) -> Bool {
        let cost = Self.cost(of: entry)
        guard cost <= capacity else { return false }
        return state.withLock { table in
            table.insert(key, entry, cost: cost, capacity: capacity)
            return true
        }
    }

    /// The bytes the entries take now, overhead included; never more than ``capacity``.
    public var usedBytes: Int { state.withLock { $0.usedBytes } }

    /// The number of entries.
    public var count: Int { state.withLock { $0.index.count } }

    static func cost(of entry: Entry) -> Int {
        switch entry {
        case .compressed(let bytes): return bytes.count + entryOverhead
        case .incompressible: return entryOverhead
        }
    }
}

/// A hash table over a doubly linked list threaded through an array: O(1) lookup, touch, insert, evict.
struct LRUTable: ~Copyable {
    struct Node {
        var key: FileVersion
        var entry: GzipCache.Entry
        var cost: Int
        var newer: Int
        var older: Int
    }

    private var nodes: [Node?] = []
    private var freeSlots: [Int] = []
    private(set) var index: [FileVersion: Int] = [:]
    /// The one version cached of each file, by device and inode.
    private var byFile: [FileIdentity: FileVersion] = [:]
    private var newest = -1
    private var oldest = -1
    private(set) var usedBytes = 0

    mutating func lookup(_ key: FileVersion) -> GzipCache.Entry? {
        guard let slot = index[key] else { return nil }
        unlink(slot)
        pushNewest(slot)
        return nodes[slot]!.entry
    }

    mutating func insert(_ key: FileVersion, _ entry: GzipCache.Entry, cost: Int, capacity: Int) {
        // Another thread may have compressed the same version meanwhile: replace it, counting once.
        if let slot = index[key] { remove(slot) }
        if let stale = byFile[FileIdentity(key)], let slot = index[stale] { remove(slot) }
        while usedBytes + cost > capacity, oldest >= 0 { remove(oldest) }
        let node = Node(key: key, entry: entry, cost: cost, newer: -1, older: -1)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            nodes[slot] = node
        } else {
            slot = nodes.count
            nodes.append(node)
        }
        index[key] = slot
        byFile[FileIdentity(key)] = key
        usedBytes += cost
        pushNewest(slot)
    }

    private mutating func remove(_ slot: Int) {
        let node = nodes[slot]!
        unlink(slot)
        index[node.key] = nil
        if byFile[FileIdentity(node.key)] == node.key { byFile[FileIdentity(node.key)] = nil }
        usedBytes -= node.cost
        nodes[slot] = nil
        freeSlots.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let newer = nodes[slot]!.newer
        let older = nodes[slot]!.older
        if newer >= 0 { nodes[newer]!.older = older } else { newest = older }
        if older >= 0 { nodes[older]!.newer = newer } else { oldest = newer }
        nodes[slot]!.newer = -1
        nodes[slot]!.older = -1
    }

    private mutating func pushNewest(_ slot: Int) {
        nodes[slot]!.older = newest
        nodes[slot]!.newer = -1
        if newest >= 0 { nodes[newest]!.newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}
