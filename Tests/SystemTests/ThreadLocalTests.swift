import System
import Testing

/// A class whose instances count themselves, to see when a thread's instance is released.
private final class Counted: @unchecked Sendable {
    static let live = Locked(0)
    init() { Self.live.withLock { $0 += 1 } }
    deinit { Self.live.withLock { $0 -= 1 } }
}

@Suite struct ThreadLocalTests {
    /// One instance per thread: the same one on each call from a thread, another on every other thread, and
    /// released once its thread has ended.
    @Test func eachThreadHasItsOwnInstance_releasedWhenItEnds() throws {
        let slot = ThreadLocal { Counted() }
        let mine = slot.value
        #expect(slot.value === mine)
        let before = Counted.live.withLock { $0 }
        let answers = BlockingQueue<(same: Bool, other: Bool)>()
        for _ in 0..<3 {
            try Threads.detach {
                let first = slot.value
                answers.push((same: slot.value === first, other: first !== mine))
            }
        }
        for _ in 0..<3 {
            let answer = try #require(answers.pop())
            #expect(answer.same && answer.other)
        }
        // The destructor runs as each thread exits, just after its push: wait up to 5 s for all three.
        var live = Counted.live.withLock { $0 }
        for _ in 0..<500 where live != before {
            Threads.sleep(.milliseconds(10))
            live = Counted.live.withLock { $0 }
        }
        #expect(live == before)
        #expect(slot.value === mine)
    }
}
