import HTTPCore
import System
import Testing

@testable import HTTPServer

@Suite struct DateCacheTests {
    /// Threads asking for different seconds at once each get their own second's text, and the text follows
    /// the second as it changes (and back).
    @Test func eachThreadGetsItsSecondsText() throws {
        let cache = DateCache.shared
        let done = BlockingQueue<Bool>()
        for thread in 0..<4 {
            try Threads.detach {
                var right = true
                for round in 0..<200 {
                    let seconds = Int64(1_700_000_000 + thread * 1000 + round / 3)
                    right = right && cache.format(seconds) == HTTPDate.format(seconds)
                }
                done.push(right)
            }
        }
        for _ in 0..<4 { #expect(done.pop() == true) }
        #expect(cache.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(cache.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(cache.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
