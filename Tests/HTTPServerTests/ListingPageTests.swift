import HTTPCore
import HTTPServer
import TestSupport
import Testing

/// What a person sees in a listing: human-readable sizes with the exact count in a tooltip, ISO 8601 dates,
/// an inline stylesheet and no script.
@Suite struct ListingPageTests {
    @Test(arguments: [
        (Int64(0), "0 B"), (1, "1 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (1536, "1.5 KiB"),
        (10188, "9.9 KiB"), (10189, "10 KiB"), (65536, "64 KiB"), (1_048_575, "1024 KiB"), (1_048_576, "1.0 MiB"),
        (5 << 30, "5.0 GiB"), (3 << 40, "3.0 TiB"),
    ])
    func sizes_areHumanReadable_withExactBytesInTheTooltip(size: Int64, shown: String) throws {
        let tree = TemporaryTree()
        tree.sparseFile("f", size: size)
        let handler = try StaticFileHandler(root: tree.path)
        let page = String(decoding: try bodyBytes(handler.respond(to: request("/"), now: testNow)), as: UTF8.self)
        let bytes = size == 1 ? "1 byte" : "\(size) bytes"
        #expect(page.contains("<td class=\"size\" title=\"\(bytes)\">\(shown)</td>"))
    }

    @Test func page_hasAnInlineStylesheet_noScript_andISODates() throws {
        let tree = TemporaryTree()
        tree.file("a.txt", "a", mtime: (1_732_492_800 + 3723, 0))  // 2024-11-25 01:02:03 UTC
        let handler = try StaticFileHandler(root: tree.path)
        let page = String(decoding: try bodyBytes(handler.respond(to: request("/"), now: testNow)), as: UTF8.self)
        #expect(page.contains("<td>2024-11-25T01:02:03Z</td>"))
        #expect(page.contains("<style>body{font-family:system-ui,sans-serif;"))
        #expect(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(!page.lowercased().contains("<script"))
        #expect(!page.lowercased().contains("javascript:"))
        #expect(!page.contains(" on"))  // No inline event handlers (onclick=...).
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"), (1_704_067_200, "2024-01-01T00:00:00Z"),
        (951_782_400, "2000-02-29T00:00:00Z"), (-1, "1969-12-31T23:59:59Z"), (253_402_300_799, "9999-12-31T23:59:59Z"),
        (-62_135_596_800, "0001-01-01T00:00:00Z"),
    ])
    func iso8601_formatsUTC(seconds: Int64, expected: String) {
        #expect(HTTPDate.formatISO8601(seconds) == expected)
    }
}
