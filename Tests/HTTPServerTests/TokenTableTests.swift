import Testing

@testable import HTTPServer

/// The event loop's connections by epoll token (``TokenTable``).
@Suite struct TokenTableTests {
    final class Box {
        let token: UInt64
        init(_ token: UInt64) { self.token = token }
    }

    @Test func insert_givesDistinctTokens_thatFindTheirElement() {
        var table = TokenTable<Box>()
        let a = table.insert { Box($0) }
        let b = table.insert { Box($0) }
        #expect(a.token == 0 && b.token == 1)
        #expect(table[a.token] === a && table[b.token] === b)
        #expect(table[2] == nil)
    }

    @Test func removedSlot_isReusedWithANewGeneration_andTheOldTokenFindsNothing() {
        var table = TokenTable<Box>()
        let a = table.insert { Box($0) }
        table.remove(a, token: a.token)
        #expect(table[a.token] == nil)
        let b = table.insert { Box($0) }
        #expect(b.token == 1 << 32)  // Slot 0 again, generation 1.
        #expect(table[a.token] == nil)  // A stale event for `a` does not reach `b`.
        #expect(table[b.token] === b)
        table.remove(a, token: a.token)  // Removing with a stale token leaves the new tenant alone.
        #expect(table[b.token] === b)
    }

    @Test func sameObject_reinserted_getsANewToken_andItsOldTokenFindsNothing() {
        // The event loop keeps closed connections and puts them back: a stale event or wake-up meant for the
        // object's previous client must not reach it under its new token.
        final class Reused { var token: UInt64 = 0 }
        var table = TokenTable<Reused>()
        let other = table.insert { _ in Reused() }
        let reused = table.insert { token in
            let element = Reused()
            element.token = token
            return element
        }
        let old = reused.token
        table.remove(reused, token: old)
        table.remove(other, token: 0)
        _ = table.insert { token in
            reused.token = token
            return reused
        }
        #expect(reused.token != old)
        #expect(table[old] == nil)
        #expect(table[reused.token] === reused)
    }

    @Test func iteration_visitsEverySlot_andToleratesRemovalMeanwhile() {
        var table = TokenTable<Box>()
        let boxes = (0..<5).map { _ in table.insert { Box($0) } }
        table.remove(boxes[1], token: boxes[1].token)
        var seen: [UInt64] = []
        for case let box? in table {
            seen.append(box.token)
            table.remove(box, token: box.token)
        }
        #expect(seen == [0, 2, 3, 4])
        #expect(table.allSatisfy { $0 == nil })
    }

    @Test func tokens_neverCollideWithTheLoopsOwn() {
        var table = TokenTable<Box>()
        for _ in 0..<1000 {
            let box = table.insert { Box($0) }
            #expect(box.token < UInt64.max - 1)
            table.remove(box, token: box.token)
        }
    }
}
