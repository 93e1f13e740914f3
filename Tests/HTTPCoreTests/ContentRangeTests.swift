import HTTPCore
import Testing

@Suite struct ContentRangeTests {
    @Test(arguments: [
        ("bytes 0-9/10", ContentRange?.some(.bytes(first: 0, last: 9, completeLength: 10))),
        ("bytes 5-9/*", .bytes(first: 5, last: 9, completeLength: nil)),
        ("  BYTES 40-99/100 ", .bytes(first: 40, last: 99, completeLength: 100)),
        ("bytes */10", .unsatisfied(completeLength: 10)),
        ("bytes 9-5/10", nil),
        ("bytes 0-9/9", nil),
        ("items 0-9/10", nil),
        ("bytes 0-9", nil),
        ("bytes -1-9/10", nil),
        ("bytes +1-9/10", nil),
        ("bytes 0-9/x", nil),
        ("bytes */*", nil),
        ("bytes 0-99999999999999999999/*", nil),
        ("", nil),
    ])
    func parses_singleRangesStrictly(value: String, expected: ContentRange?) {
        #expect(ContentRange(parsing: value) == expected)
    }

    @Test func description_isTheFieldValue() {
        #expect(ContentRange.bytes(first: 0, last: 99, completeLength: 1000).description == "bytes 0-99/1000")
        #expect(ContentRange.bytes(first: 5, last: 9, completeLength: nil).description == "bytes 5-9/*")
        #expect(ContentRange.unsatisfied(completeLength: 1000).description == "bytes */1000")
    }
}
