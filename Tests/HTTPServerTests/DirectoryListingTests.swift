import HTTPCore
import HTTPServer
import Sockets
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct DirectoryListingTests {
    /// A folder with an HTML-special name, a name that is not UTF-8, a subfolder, a dotfile and a link out.
    func makeListingSite(options: StaticFileHandler.Options = .init()) throws -> (TemporaryTree, StaticFileHandler) {
        let tree = TemporaryTree()
        tree.file("z.txt", "zz", mtime: fixtureMTime)
        tree.file("<b>&.txt", "bold", mtime: fixtureMTime)
        tree.file([UInt8(ascii: "f"), 0xFF], [1, 2, 3], mtime: fixtureMTime)
        tree.file(".env", "SECRET=1", mtime: fixtureMTime)
        tree.symlink("out", to: "/etc")
        tree.symlink("dangling", to: "/no/such/file")
        tree.symlink("envlink", to: ".env")
        tree.folder("sub")
        tree.file("sub/x \"y\".txt", "x", mtime: fixtureMTime)
        tree.setMTime("sub", fixtureMTime)
        return (tree, try StaticFileHandler(root: tree.path, options: options))
    }

    static let head =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Index of {P}</title>\n"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        + "<style>…</style></head>\n"
        + "<body><h1>Index of {P}</h1>\n<table>\n"
        + "<tr><th>Name</th><th class=\"size\">Size</th><th>Last modified (UTC)</th></tr>\n"
    /// The page with its inline stylesheet replaced by `…` (ListingPageTests checks the stylesheet).
    static func eliding(style page: String) -> String {
        guard let start = page.firstRange(of: "<style>"), let end = page.firstRange(of: "</style>") else { return page }
        return String(page[..<start.upperBound]) + "…" + String(page[end.lowerBound...])
    }

    static let tail = "</table>\n<hr><address>http-serve</address></body></html>\n"

    @Test func rootListing_isSortedEscapedAndEncoded() throws {
        let (tree, handler) = try makeListingSite()
        let plan = handler.respond(to: request("/"), now: testNow)
        #expect(plan.head.status == .ok)
        #expect(plan.head.headers["Content-Type"] == "text/html; charset=utf-8")
        let date = "<td>2024-01-01T00:00:00Z</td></tr>\n"
        let expected =
            Self.head.replacingOccurrences("{P}", "/")
            + "<tr><td><a href=\"%3Cb%3E%26.txt\">&lt;b&gt;&amp;.txt</a></td>"
            + "<td class=\"size\" title=\"4 bytes\">4 B</td>" + date
            + "<tr><td><a href=\"f%FF\">f\u{FFFD}</a></td><td class=\"size\" title=\"3 bytes\">3 B</td>" + date
            + "<tr><td><a href=\"sub/\">sub/</a></td><td class=\"size\">-</td>" + date
            + "<tr><td><a href=\"z.txt\">z.txt</a></td><td class=\"size\" title=\"2 bytes\">2 B</td>" + date
            + Self.tail
        let body = try bodyBytes(plan)
        #expect(Self.eliding(style: String(decoding: body, as: UTF8.self)) == expected)
        #expect(plan.head.headers["Content-Length"] == String(body.count))
        _ = tree
    }

    @Test func subfolderListing_startsWithParent() throws {
        let (tree, handler) = try makeListingSite()
        let plan = handler.respond(to: request("/sub/"), now: testNow)
        let expected =
            Self.head.replacingOccurrences("{P}", "/sub/")
            + "<tr><td><a href=\"../\">../</a></td><td class=\"size\">-</td><td></td></tr>\n"
            + "<tr><td><a href=\"x%20%22y%22.txt\">x &quot;y&quot;.txt</a></td>"
            + "<td class=\"size\" title=\"1 byte\">1 B</td>"
            + "<td>2024-01-01T00:00:00Z</td></tr>\n" + Self.tail
        #expect(Self.eliding(style: String(decoding: try bodyBytes(plan), as: UTF8.self)) == expected)
        _ = tree
    }

    @Test func nonUTF8Link_servesTheFile() throws {
        let (tree, handler) = try makeListingSite()
        let plan = handler.respond(to: request("/f%FF"), now: testNow)
        #expect(plan.head.status == .ok)
        #expect(try bodyBytes(plan) == [1, 2, 3])
        _ = tree
    }

    @Test func dotfilesOption_listsDotfiles() throws {
        let (tree, handler) = try makeListingSite(options: .init(dotfiles: true))
        let page = String(decoding: try bodyBytes(handler.respond(to: request("/"), now: testNow)), as: UTF8.self)
        #expect(page.contains("<a href=\".env\">.env</a>"))
        _ = tree
    }

    @Test func noListing_is404() throws {
        let (tree, handler) = try makeListingSite(options: .init(listing: false))
        #expect(handler.respond(to: request("/"), now: testNow).head.status == .notFound)
        #expect(handler.respond(to: request("/sub/"), now: testNow).head.status == .notFound)
        #expect(handler.respond(to: request("/z.txt"), now: testNow).head.status == .ok)
        _ = tree
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
