import System
import Testing

/// `OutputFile`'s terminal questions, asked of the file itself instead of a raw descriptor.
@Suite struct OutputFileTests {
    @Test func aFile_isNotATerminal_andHasNoColumns() throws {
        let devNull = try OutputFile.open(FilePath("/dev/null"), mode: .existing)
        defer { devNull.close() }
        #expect(!devNull.isTerminal)
        #expect(devNull.terminalColumns == nil)
    }
}
