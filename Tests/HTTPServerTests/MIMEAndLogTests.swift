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

    @Test func commonLogDate_isCLFInUTC() {
        #expect(AccessLog.commonLogDate(971_186_136) == "10/Oct/2000:13:55:36 +0000")
        #expect(AccessLog.commonLogDate(0) == "01/Jan/1970:00:00:00 +0000")
    }
}
