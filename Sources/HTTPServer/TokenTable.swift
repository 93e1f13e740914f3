/// An event loop's connections by epoll token: the loop finds the connection an event is for without
/// ever seeing its descriptor.
///
/// A token is a slot number (low 32 bits) and that slot's generation (high 32 bits). A freed slot is
/// reused with the next generation, so an event still queued for a connection closed earlier in the same
/// batch carries a token that no longer matches anything, instead of reaching the slot's new tenant.
struct TokenTable<Element: AnyObject>: Sequence {
    private var slots: [Element?] = []
    private var generations: [UInt32] = []
    private var free: [Int] = []

    /// Puts the element that `make` builds for a fresh token into the table, and returns it.
    ///
    /// Tokens stay below `UInt64.max - 1` (slots never reach 2^32 - 2), which the loop keeps for itself.
    mutating func insert(_ make: (UInt64) -> Element) -> Element {
        let slot: Int
        if let reused = free.popLast() {
            slot = reused
        } else {
            slot = slots.count
            slots.append(nil)
            generations.append(0)
        }
        let element = make(UInt64(generations[slot]) << 32 | UInt64(slot))
        slots[slot] = element
        return element
    }

    /// The element registered under `token`, or `nil` when its slot was freed (and maybe reused) since.
    subscript(token: UInt64) -> Element? {
        let slot = Int(token & 0xFFFF_FFFF)
        guard slot < slots.count, UInt64(generations[slot]) == token >> 32 else { return nil }
        return slots[slot]
    }

    /// Frees the slot of `token` if `element` is still what it holds.
    mutating func remove(_ element: Element, token: UInt64) {
        let slot = Int(token & 0xFFFF_FFFF)
        guard self[token] === element else { return }
        slots[slot] = nil
        generations[slot] &+= 1
        free.append(slot)
    }

    /// Every slot, `nil` for a free one. Iterating works on a copy, so the loop may remove while it sweeps.
    func makeIterator() -> IndexingIterator<[Element?]> { slots.makeIterator() }
}
