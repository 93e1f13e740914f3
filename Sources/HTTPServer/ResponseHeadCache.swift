import HTTPCore

/// The serialized heads of one loop's recent file answers (a file's 200, the same head for HEAD, and its 304),
/// reused while nothing that decides their bytes changed: writing a file's head cost about 2,050 instructions
/// per request, finding it here about 300 (callgrind, the 1 KiB page, 2026-12-07).
///
/// Why a hit's bytes are the head the plan would write: a plan with typed file fields
/// (``ResponsePlan/fileFields``) is written by ``ResponsePlan/serializeHead(into:)`` from its status, those fields
/// (``ResponsePlan/FileFields/forEachField(_:)``), its entity tag, its `Last-Modified` and its added fields alone, and
/// the key is all of them, compared by value. A file that changed has another length, entity tag (size and
/// mtime to the nanosecond) or `Last-Modified`, so another key: no stale `Content-Length`, `ETag` or
/// `Last-Modified` can come from here. Configuration that adds fields is in the key as the added fields
/// themselves. Device, inode and ctime decide none of the head's bytes: two files with equal keys have the same
/// head. `Date` is in the key too: the first answer of each new second writes the head again (once per second
/// per entry) instead of patching the date into kept bytes, so a hit is only ever an exact match. Comparing it
/// costs little, since ``DateCache`` hands every request of one second on one loop the same string.
///
/// Bounded: ``sets`` × ``ways`` entries of at most ``maxHeadBytes`` each (a longer head is written each time,
/// not kept); the set is picked from the length and `Last-Modified`, and within it the least recently used
/// entry is replaced. Other answers (errors, listings, ranges, a gzip variant, whose fields are an
/// ``HTTPHeaders``) are written each time, into one buffer of the loop.
struct ResponseHeadCache {
    /// The number of sets (`1 << setBits`) and of entries in each.
    static let setBits = 4
    static let sets = 1 << setBits
    static let ways = 4
    /// The longest head kept.
    static let maxHeadBytes = 1024

    /// One kept head and its key. A class with constant keys: an entry is compared where it is, where a struct
    /// read out of the array was copied whole around each comparison's call (callgrind).
    private final class Entry {
        let status: HTTPStatus
        let fields: ResponsePlan.FileFields
        let entityTag: EntityTag?
        let lastModified: HTTPDate?
        let addedFields: HTTPHeaders
        /// The head those write.
        let bytes: [UInt8]
        /// ``ResponseHeadCache/clock`` when it was last used.
        var used: UInt64

        init(_ plan: borrowing ResponsePlan, fields: ResponsePlan.FileFields, bytes: [UInt8], used: UInt64) {
            status = plan.status
            self.fields = fields
            entityTag = plan.entityTag
            lastModified = plan.lastModified
            addedFields = plan.addedFields
            self.bytes = bytes
            self.used = used
        }

        /// Whether `plan` writes ``bytes``. The plan's file fields are compared where they are, through optional
        /// chaining: bound to a name, they were copied (three retains and releases). Not inlined: about 35
        /// instructions fewer per lookup (callgrind, 2026-12-07).
        @inline(never)
        func holds(_ plan: borrowing ResponsePlan) -> Bool {
            lastModified == plan.lastModified && plan.fileFields?.isEqual(to: fields) == true
                && holdsTheRest(of: plan)
        }

        /// Whether `plan` writes ``bytes`` but for the value of `Date`: the same head in another second.
        func holdsApartFromDate(_ plan: borrowing ResponsePlan) -> Bool {
            guard var undated = plan.fileFields else { return false }
            undated.date = fields.date
            return undated == fields && lastModified == plan.lastModified && holdsTheRest(of: plan)
        }

        private func holdsTheRest(of plan: borrowing ResponsePlan) -> Bool {
            status == plan.status && entityTag == plan.entityTag && addedFields == plan.addedFields
        }
    }

    /// `sets` × `ways` entries, `nil` where none is kept yet.
    private var entries: [Entry?] = Array(repeating: nil, count: sets * ways)
    /// Counts lookups: the least recently used entry has the smallest ``Entry/used``.
    private var clock: UInt64 = 0
    /// Where heads are written; the engine sends from it when the head is not kept (an array is copied on write,
    /// so the next head is written in place unless one still being sent holds it).
    private var scratch: [UInt8] = []

    /// The number of heads kept now.
    var count: Int { entries.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// `plan`'s head, as ``ResponsePlan/serializeHead(into:)`` writes it: kept bytes when the loop wrote the
    /// same head before, else written now (and kept when it is a file's).
    mutating func head(of plan: borrowing ResponsePlan) -> [UInt8] {
        guard let length = plan.fileFields?.length else {
            scratch.removeAll(keepingCapacity: true)
            plan.serializeHead(into: &scratch)
            return scratch
        }
        clock &+= 1
        let first = Self.set(length: length, lastModified: plan.lastModified) * Self.ways
        var victim = first
        var victimUsed = UInt64.max
        for slot in first..<first + Self.ways {
            guard let entry = entries[slot] else {
                if victimUsed > 0 { (victim, victimUsed) = (slot, 0) }
                continue
            }
            if entry.holds(plan) {
                entry.used = clock
                return entry.bytes
            }
            if entry.used < victimUsed { (victim, victimUsed) = (slot, entry.used) }
        }
        return write(plan, keepingIn: first..<first + Self.ways, replacing: victim)
    }

    /// Writes `plan`'s head and keeps it in one of `slots`: the same head of an earlier second, else `victim`.
    /// Not inlined into ``head(of:)``: there the plan's fields, read here, were copied out on every lookup, hit or
    /// not (callgrind).
    @inline(never)
    private mutating func write(
        _ plan: borrowing ResponsePlan,
        keepingIn slots: Range<Int>,
        replacing victim: Int
    ) -> [UInt8] {
        scratch.removeAll(keepingCapacity: true)
        plan.serializeHead(into: &scratch)
        guard scratch.count <= Self.maxHeadBytes, let fields = plan.fileFields else { return scratch }
        var victim = victim
        for slot in slots where entries[slot]?.holdsApartFromDate(plan) == true { victim = slot }
        let bytes = [UInt8](unsafeUninitializedCapacity: scratch.count) { copy, count in
            count = scratch.withUnsafeBufferPointer { copy.initialize(fromContentsOf: $0) }
        }
        entries[victim] = Entry(plan, fields: fields, bytes: bytes, used: clock)
        return bytes
    }

    /// The set of a head: its length and `Last-Modified` mixed by a multiplication (Fibonacci hashing), the top bits.
    private static func set(length: Int64, lastModified: HTTPDate?) -> Int {
        let mixed =
            (UInt64(bitPattern: length) &+ UInt64(bitPattern: lastModified?.secondsSinceEpoch ?? 0) &<< 20)
            &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> UInt64(64 - setBits))
    }
}

extension ResponsePlan.FileFields {
    /// `==` as a method, for optional chaining: `plan.fileFields?.isEqual(to:)` compares the plan's fields in place.
    fileprivate func isEqual(to other: Self) -> Bool { self == other }
}
