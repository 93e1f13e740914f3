import HTTPCore
import Testing

@testable import HTTPServer

@Suite struct MIMETypesTests {
    @Test func table_hasAtLeast100Extensions_allLowerCase() {
        #expect(MIMETypes.table.count >= 100)
        #expect(MIMETypes.table.keys.allSatisfy { $0 == $0.lowercased() && !$0.hasPrefix(".") })
    }

    @Test func textTypes_sayUTF8() {
        for (ext, type) in MIMETypes.table where type.hasPrefix("text/") {
            #expect(type.hasSuffix("; charset=utf-8"), "\(ext)")
        }
    }

    @Test(arguments: [
        ("index.html", "text/html; charset=utf-8"), ("INDEX.HTM", "text/html; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"), ("style.css", "text/css; charset=utf-8"),
        ("data.json", "application/json"), ("logo.png", "image/png"), ("photo.JPG", "image/jpeg"),
        ("icon.svg", "image/svg+xml"), ("font.woff2", "font/woff2"), ("movie.mp4", "video/mp4"),
        ("song.mp3", "audio/mpeg"), ("doc.pdf", "application/pdf"), ("code.wasm", "application/wasm"),
        ("archive.tar.gz", "application/gzip"), ("notes.txt", "text/plain; charset=utf-8"),
        ("README", "application/octet-stream"), (".bashrc", "application/octet-stream"),
        ("file.unknownext", "application/octet-stream"), ("trailing.", "application/octet-stream"),
    ])
    func typeForFileName(name: String, expected: String) {
        #expect(MIMETypes.type(forFileName: Array(name.utf8)) == expected)
    }

    /// The lookup by packed bytes answers what the dictionary does for every extension it has, in any case.
    @Test func everyExtension_foundByItsBytesInAnyCase() {
        for (ext, type) in MIMETypes.table {
            let mixed = String(
                ext.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element }
            )
            for spelling in [ext, ext.uppercased(), mixed] {
                #expect(MIMETypes.type(forFileName: Array("name.\(spelling)".utf8)) == type, "\(spelling)")
                #expect(MIMETypes.type(forFileName: Array("a.b.\(spelling)".utf8)) == type, "\(spelling)")
            }
        }
    }

    /// Every extension of one or two letters or digits, known or not: the same answer as the dictionary's, so
    /// the packed table never finds what is not there.
    @Test func shortExtensions_agreeWithTheDictionary() {
        let characters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-".utf8)
        var extensions = characters.map { [$0] }
        for first in characters { for second in characters { extensions.append([first, second]) } }
        for ext in extensions {
            let expected = MIMETypes.table[String(decoding: ext, as: UTF8.self).lowercased()] ?? MIMETypes.fallback
            #expect(MIMETypes.type(forFileName: Array("f.".utf8) + ext) == expected)
        }
    }

    /// Names at the edges of the packed keys: eight and nine bytes, the one long extension, bytes that are not
    /// ASCII letters, a NUL, and a site's own table (consulted first, with multi-dot extensions).
    @Test(arguments: [
        ("x.markdown", "text/markdown; charset=utf-8"), ("x.MarkDown", "text/markdown; charset=utf-8"),
        ("x.markdowns", "application/octet-stream"), ("x.webmanifest", "application/manifest+json"),
        ("x.WEBMANIFEST", "application/manifest+json"), ("x.webmanifes", "application/octet-stream"),
        ("x.htm\u{E9}", "application/octet-stream"), ("x.\u{C9}", "application/octet-stream"),
        ("x.h\u{0}", "application/octet-stream"), ("x.\u{0}", "application/octet-stream"),
        ("x.html.", "application/octet-stream"), ("x..html", "text/html; charset=utf-8"),
        ("html", "application/octet-stream"), (".html", "application/octet-stream"),
        ("..html", "text/html; charset=utf-8"), ("x.7Z", "application/x-7z-compressed"),
        ("x.M3U8", "application/vnd.apple.mpegurl"), ("x.3gp", "video/3gpp"),
    ])
    func typeForOddNames(name: String, expected: String) {
        #expect(MIMETypes.type(forFileName: Array(name.utf8)) == expected)
    }

    @Test func siteTable_winsAndFallbackApplies() {
        let table = MIMETypes.Table(overrides: ["html": "text/x-site", "tar.gz": "application/x-tgz"], fallback: "x/y")
        #expect(table.type(forFileName: Array("A.HTML".utf8)) == "text/x-site")
        #expect(table.type(forFileName: Array("a.tar.gz".utf8)) == "application/x-tgz")
        #expect(table.type(forFileName: Array("a.gz".utf8)) == "application/gzip")
        #expect(table.type(forFileName: Array("a.nope".utf8)) == "x/y")
        #expect(table.type(forFileName: Array("a.WebManifest".utf8)) == "application/manifest+json")
    }
}

@Suite struct AccessLogTests {
    @Test(arguments: [
        ("GET / HTTP/1.0", "GET / HTTP/1.0"),
        ("GET /\"q\" HTTP/1.0", "GET /\\\"q\\\" HTTP/1.0"),
        ("GET /a\\b", "GET /a\\\\b"),
        ("GET /\u{01}\u{7F}\u{FF}", "GET /\\x01\\x7f\\xff"),
        ("line\r\nforged", "line\\x0d\\x0aforged"),
        ("tab\there", "tab\\x09here"),
        ("", ""),
        ("Mozilla/5.0 (X11; Linux x86_64) curl/7.88.1", "Mozilla/5.0 (X11; Linux x86_64) curl/7.88.1"),
        ("end\u{7F}", "end\\x7f"),
    ])
    func escape_makesOneSafeLine(raw: String, expected: String) {
        #expect(AccessLog.escape(raw) == expected)
    }

    /// Every byte value at every place of values around the eight-byte turns of the plain-text test, against a
    /// byte-by-byte spelling of the rule.
    @Test func escape_treatsEveryByteAlikeWhereverItIs() {
        func spelled(_ byte: UInt8) -> String {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): return "\\" + String(UnicodeScalar(byte))
            case 0x20..<0x7F: return String(UnicodeScalar(byte))
            default:
                let hex = String(byte, radix: 16)
                return "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        var mismatches: [String] = []
        for length in [1, 2, 7, 8, 9, 15, 16, 17, 24] {
            for place in 0..<length {
                for byte in UInt8.min...UInt8.max {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[place] = byte
                    let escaped = AccessLog.escape(String(latin1: bytes))
                    if escaped != bytes.map(spelled).joined() { mismatches.append("\(byte) at \(place) of \(length)") }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, the first: \(mismatches.prefix(8))")
    }

    /// The line spells the request line from method, target and version without building it: the same text as
    /// ``HTTPRequest/requestLine``, escaped, for each kind of request.
    @Test func line_spellsTheRequestLineAsRequestLineDoes() {
        let headers: HTTPHeaders = ["Referer": "http://a/\"x\"", "User-Agent": "ü agent"]
        let requests = [
            HTTPRequest(method: .get, target: "/a\"b\u{01}", version: .http1_1, headers: headers),
            HTTPRequest(method: .head, target: "/", version: .http1_0),
            HTTPRequest(method: .get, target: "/simple", version: nil),
            HTTPRequest(method: .get, target: "/x", version: HTTPVersion(major: 12, minor: 34)),
            HTTPRequest(method: HTTPMethod("PURGE"), target: "*", version: .http1_0, requestLine: "PURGE  *  HTTP/1.0"),
        ]
        for request in requests {
            let referer = request.headers[.referer].map(AccessLog.escape) ?? "-"
            let agent = request.headers[.userAgent].map(AccessLog.escape) ?? "-"
            let line = AccessLog.line(
                client: "192.0.2.7",
                request: request,
                rawRequestLine: nil,
                status: 304,
                bytesSent: 0,
                now: 0
            )
            #expect(
                line == "192.0.2.7 - - [01/Jan/1970:00:00:00 +0000] \"\(AccessLog.escape(request.requestLine))\" 304 0"
                    + " \"\(referer)\" \"\(agent)\"\n"
            )
        }
        #expect(
            AccessLog.line(client: "::1", request: nil, rawRequestLine: nil, status: 400, bytesSent: 0, now: 0)
                == "::1 - - [01/Jan/1970:00:00:00 +0000] \"\" 400 0 \"-\" \"-\"\n"
        )
    }

    /// A parsed request's `Referer` and `User-Agent` are written from the bytes received: escaped as their text
    /// would be (quotes, control bytes, obs-text), `-` for the absent one.
    @Test func line_ofAParsedRequest_escapesTheReceivedBytes() throws {
        let head =
            Array("GET /p%20q HTTP/1.1\r\nUser-Agent: x\"y\\z ".utf8) + [0xFC, 0x09]
            + Array("e\r\nHost: h\r\n\r\n".utf8)
        let request = try #require(try HTTPRequestParser().parse(head)).request
        let line = AccessLog.line(
            client: "10.0.0.1",
            user: "u\"",
            request: request,
            rawRequestLine: nil,
            status: 200,
            bytesSent: 7,
            now: 0
        )
        #expect(
            line == "10.0.0.1 - u\\\" [01/Jan/1970:00:00:00 +0000] \"GET /p%20q HTTP/1.1\" 200 7 \"-\""
                + " \"x\\\"y\\\\z \\xfc\\x09e\"\n"
        )
    }

    @Test func commonLogDate_isCLFInUTC() {
        #expect(AccessLog.commonLogDate(971_186_136) == "10/Oct/2000:13:55:36 +0000")
        #expect(AccessLog.commonLogDate(0) == "01/Jan/1970:00:00:00 +0000")
    }
}
