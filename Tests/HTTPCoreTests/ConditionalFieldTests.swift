import HTTPCore
import Testing

/// 2026-01-01T00:00:00Z, the "now" that places two-digit RFC 850 years.
private let now2026: Int64 = 1_767_225_600

@Suite struct HTTPDateParsingTests {
    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun Nov 06 08:49:37 1994",
        "  Sun, 06 Nov 1994 08:49:37 GMT\t",
    ])
    func threeFormats_parseToTheSameSecond(text: String) {
        #expect(HTTPDate.parse(text, now: now2026) == 784_111_777)
    }

    @Test(arguments: [
        "", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37", "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 06 Nov 1994 8:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov 6 08:49:37 94",
        "Sun, 06 Nov 1994 08:49:37 GMT extra", "Sun, -6 Nov 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
        "784111777",
    ])
    func invalidDates_areNil(text: String) {
        #expect(HTTPDate.parse(text, now: now2026) == nil)
    }

    @Test(arguments: [Int64(0), 784_111_777, 951_782_400, 1_767_225_599, 4_102_444_800, 253_402_300_799])
    func format_thenParse_roundTrips(seconds: Int64) {
        #expect(HTTPDate.parse(HTTPDate.format(seconds), now: now2026) == seconds)
    }

    @Test func leapYearDay_isValidOnlyInLeapYears() {
        #expect(HTTPDate.parse("Tue, 29 Feb 2000 00:00:00 GMT", now: now2026) == 951_782_400)
        #expect(HTTPDate.parse("Thu, 29 Feb 1900 00:00:00 GMT", now: now2026) == nil)
    }

    @Test func rfc850Year_moreThan50YearsAhead_isInThePastCentury() {
        // In 2026, "76" would be 2076 (50 years ahead: allowed), "77" is 2077 -> 1977.
        #expect(HTTPDate.parse("Wednesday, 01-Jan-76 00:00:00 GMT", now: now2026) == 3_345_062_400)
        #expect(HTTPDate.parse("Saturday, 01-Jan-77 00:00:00 GMT", now: now2026) == 220_924_800)
        #expect(HTTPDate.parse("Friday, 01-Jan-27 00:00:00 GMT", now: now2026) == 1_798_761_600)
    }
}

@Suite struct EntityTagTests {
    /// The strong tag is the size, mtime seconds and nanoseconds in lower-case hex, as `String(_:radix:)` spells
    /// them (a negative value as its 64-bit pattern), for every width from one digit to sixteen.
    @Test(
        arguments: [
            (0, 0, 0), (1024, 1_733_500_000, 123_456_789), (Int64.max, Int64.min, 999_999_999), (-1, 15, 16),
        ] as [(Int64, Int64, Int64)]
    )
    func strongTag_isTheVersionInHex(size: Int64, seconds: Int64, nanoseconds: Int64) {
        let version = FileVersion(
            device: 1,
            inode: 2,
            size: size,
            modificationSeconds: seconds,
            modificationNanoseconds: nanoseconds
        )
        let hex = { (value: Int64) in String(UInt64(bitPattern: value), radix: 16) }
        #expect(EntityTag.strong(version).opaque == hex(size) + "-" + hex(seconds) + "." + hex(nanoseconds))
    }

    @Test func strongTag_comesFromSizeAndNanosecondMTime() {
        let version = FileVersion(
            device: 1,
            inode: 2,
            size: 69,
            modificationSeconds: 1_700_000_000,
            modificationNanoseconds: 123_456_789
        )
        let tag = EntityTag.strong(version)
        #expect(tag.description == "\"45-6553f100.75bcd15\"")
        #expect(!tag.isWeak)
        var touched = version
        touched.modificationNanoseconds += 1
        #expect(tag != EntityTag.strong(touched))
        // Not the inode: copies of the file on other hosts get the same tag.
        var copy = version
        copy.device = 7
        copy.inode = 8
        #expect(EntityTag.strong(copy) == tag)
    }

    @Test(arguments: [
        ("\"abc\"", EntityTag(opaque: "abc")),
        ("W/\"abc\"", EntityTag(opaque: "abc", isWeak: true)),
        (" \"a,b\" ", EntityTag(opaque: "a,b")),
        ("\"\"", EntityTag(opaque: "")),
    ])
    func singleTag_parses(text: String, expected: EntityTag) {
        #expect(EntityTag(parsing: text) == expected)
    }

    @Test(arguments: ["abc", "\"abc", "w/\"abc\"", "\"a\" \"b\"", "\"a\",\"b\"", "", "\"a b\"", "Sun, 06 Nov 1994"])
    func notOneTag_isNil(text: String) {
        #expect(EntityTag(parsing: text) == nil)
    }

    @Test(arguments: [
        ("*", EntityTag.List.any),
        (" * ", .any),
        ("\"a\"", .tags([EntityTag(opaque: "a")])),
        (
            "\"a\", W/\"b\",,\"c\"",
            .tags([EntityTag(opaque: "a"), EntityTag(opaque: "b", isWeak: true), EntityTag(opaque: "c")])
        ),
        ("junk, \"a\"", .tags([EntityTag(opaque: "a")])),
        ("\"unterminated", .tags([])),
        ("*, \"a\"", .tags([EntityTag(opaque: "a")])),
    ])
    func list_parses(text: String, expected: EntityTag.List) {
        #expect(EntityTag.parseList(text) == expected)
    }

    @Test func comparison_weakAndStrong() {
        let strong = EntityTag(opaque: "x")
        let weak = EntityTag(opaque: "x", isWeak: true)
        #expect(strong.weaklyMatches(weak) && weak.weaklyMatches(weak))
        #expect(strong.stronglyMatches(strong))
        #expect(!strong.stronglyMatches(weak) && !weak.stronglyMatches(weak))
        #expect(!strong.weaklyMatches(EntityTag(opaque: "y")))
        #expect(EntityTag.parseList("W/\"x\"").weaklyMatches(strong))
        #expect(EntityTag.List.any.weaklyMatches(strong))
    }
}

@Suite struct ByteRangeTests {
    @Test(arguments: [
        ("bytes=0-4", [ByteRangeSpec.from(0, through: 4)]),
        ("bytes=5-", [.from(5, through: nil)]),
        ("bytes=-3", [.suffix(3)]),
        ("BYTES=1-2", [.from(1, through: 2)]),
        ("bytes=0-0, 2-3 ,-1", [.from(0, through: 0), .from(2, through: 3), .suffix(1)]),
        ("bytes=0-99999999999999999999999", [.from(0, through: Int64.max)]),
        ("bytes=5000000000-5000000009", [.from(5_000_000_000, through: 5_000_000_009)]),
    ])
    func validSets_parse(text: String, expected: [ByteRangeSpec]) {
        #expect(ByteRangeSpec.parseSet(text) == expected)
    }

    @Test(arguments: [
        "bytes=", "bytes=5-2", "items=0-1", "bytes=a-b", "bytes=1", "bytes=--1", "0-1", "bytes=1-2-3",
        "bytes= , ", "bytes=+1-2",
    ])
    func invalidSets_areNil(text: String) {
        #expect(ByteRangeSpec.parseSet(text) == nil)
    }

    @Test(arguments: [
        ("bytes=0-4", Int64(69), RangeOutcome.partial(offset: 0, count: 5)),
        ("bytes=64-", 69, .partial(offset: 64, count: 5)),
        ("bytes=60-1000", 69, .partial(offset: 60, count: 9)),
        ("bytes=-5", 69, .partial(offset: 64, count: 5)),
        ("bytes=-500", 69, .partial(offset: 0, count: 69)),
        ("bytes=68-68", 69, .partial(offset: 68, count: 1)),
        ("bytes=69-", 69, .unsatisfiable),
        ("bytes=100-200", 69, .unsatisfiable),
        ("bytes=-0", 69, .unsatisfiable),
        ("bytes=0-", 0, .unsatisfiable),
        ("bytes=-5", 0, .full),
        ("bytes=0-1,3-4", 69, .multipart([ByteSpan(offset: 0, count: 2), ByteSpan(offset: 3, count: 2)])),
        // Sorted, and overlapping or adjacent members merged: one span left is a plain 206.
        ("bytes=10-19,0-4", 69, .multipart([ByteSpan(offset: 0, count: 5), ByteSpan(offset: 10, count: 10)])),
        ("bytes=0-4,5-9", 69, .partial(offset: 0, count: 10)),
        ("bytes=0-9,5-14", 69, .partial(offset: 0, count: 15)),
        ("bytes=0-4,2-6,50-", 69, .multipart([ByteSpan(offset: 0, count: 7), ByteSpan(offset: 50, count: 19)])),
        ("bytes=-5,0-0", 69, .multipart([ByteSpan(offset: 0, count: 1), ByteSpan(offset: 64, count: 5)])),
        // Unsatisfiable members are dropped; none left is a 416.
        ("bytes=0-1,100-200", 69, .partial(offset: 0, count: 2)),
        ("bytes=100-,200-", 69, .unsatisfiable),
        // Abusive sets get the whole file (CVE-2011-3192): more bytes than the file, or more than 16 members.
        ("bytes=0-,0-", 69, .full),
        ("bytes=0-40,10-50", 69, .full),
        ("bytes=" + (0..<17).map { "\($0 * 2)-\($0 * 2)" }.joined(separator: ","), 69, .full),
        ("bytes=5-2", 69, .full),
        ("pages=1-2", 69, .full),
        ("bytes=5000000000-5000000009", 5_368_709_120, .partial(offset: 5_000_000_000, count: 10)),
        ("bytes=-1", 5_368_709_120, .partial(offset: 5_368_709_119, count: 1)),
    ])
    func outcome_forLength(text: String, length: Int64, expected: RangeOutcome) {
        #expect(RangeOutcome(rangeField: text, length: length) == expected)
    }

    @Test func sixteenMembers_areServed() {
        let field = "bytes=" + (0..<16).map { "\($0 * 4)-\($0 * 4 + 1)" }.joined(separator: ",")
        #expect(
            RangeOutcome(rangeField: field, length: 69)
                == .multipart((0..<16).map { ByteSpan(offset: Int64($0 * 4), count: 2) })
        )
    }

    @Test func absentField_isFull() {
        #expect(RangeOutcome(rangeField: nil, length: 10) == .full)
    }
}
