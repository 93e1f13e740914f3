import System
import Testing

/// Process-wide facts: descriptor limits and processors.
@Suite struct ProcessTests {
    @Test func raiseOpenFileLimit_neverLowersIt() throws {
        let current = try ResourceLimits.raiseOpenFileLimit(to: 0)
        #expect(current > 0)
        #expect(try ResourceLimits.raiseOpenFileLimit(to: 64) >= min(64, current))
    }

    @Test func processorCount_isAtLeastOne() {
        #expect(Threads.processorCount >= 1)
    }
}
