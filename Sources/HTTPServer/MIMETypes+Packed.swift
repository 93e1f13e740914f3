extension MIMETypes {
    /// The built-in table keyed by an extension's lower-case bytes packed into one integer: a lookup is a
    /// multiply and usually one comparison, and makes no string (a `Dictionary<String, String>` lookup, with
    /// the lowered extension made as its key, was about 660 instructions per request: callgrind, 2026-12-07).
    /// Extensions of up to eight bytes (all but one of the table's) are here; a longer one takes the dictionary.
    struct PackedTable: Sendable {
        /// Open addressing, linear probing; 0 marks a free slot (no key is 0: a key is a non-empty extension).
        private var keys: [UInt64]
        private var types: [String]
        private let mask: Int
        private let shift: UInt64

        /// The entries of `table` whose extension packs into a key.
        init(_ table: [String: String]) {
            var bits = 4
            while 1 << bits < table.count * 4 { bits += 1 }  // At most a quarter full: probe runs stay short.
            keys = Array(repeating: 0, count: 1 << bits)
            types = Array(repeating: "", count: 1 << bits)
            mask = (1 << bits) - 1
            shift = UInt64(64 - bits)
            for (ext, type) in table {
                guard let key = Self.key(Array(ext.utf8)[...]) else { continue }
                var slot = slot(of: key)
                while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
                keys[slot] = key
                types[slot] = type
            }
        }

        /// `ext` lower-cased (ASCII letters only, as the dictionary's keys are) and packed one byte after
        /// another; `nil` when it is empty, longer than eight bytes, or holds a NUL (which no file name does,
        /// and which would make two extensions one key).
        @inline(__always)
        static func key(_ ext: ArraySlice<UInt8>) -> UInt64? {
            guard !ext.isEmpty, ext.count <= 8 else { return nil }
            var key: UInt64 = 0
            var shift: UInt64 = 0
            for byte in ext {
                if byte == 0 { return nil }
                key |= UInt64(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) << shift
                shift += 8
            }
            return key
        }

        private func slot(of key: UInt64) -> Int {
            Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)  // Fibonacci hashing (Knuth 6.4).
        }

        /// The media type for a packed key, or `nil` for an extension the table does not have.
        func type(forKey key: UInt64) -> String? {
            var slot = slot(of: key)
            while true {
                let found = keys[slot]
                if found == key { return types[slot] }
                if found == 0 { return nil }
                slot = (slot + 1) & mask
            }
        }
    }

    /// ``table`` as a ``PackedTable``, made once.
    static let packedTable = PackedTable(table)
}
