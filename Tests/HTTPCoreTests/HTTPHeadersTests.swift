import HTTPCore
import Testing

private func parsedHeaders(_ fields: String, limits: HTTPParserLimits = HTTPParserLimits()) throws -> HTTPHeaders {
    let bytes = Array(("GET / HTTP/1.0\r\n" + fields + "\r\n").utf8)
    return try #require(try HTTPRequestParser(limits: limits).parse(bytes)).request.headers
}

@Suite struct HTTPHeadersTests {
    /// The token check is a pair of bit masks: exactly RFC 9110 §5.6.2's tchar, byte by byte.
    @Test func validName_isExactlyATokenOfTchar() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPHeaders.isValidName(String(latin1: [byte])) == tchar.contains(byte), "byte \(byte)")
        }
    }

    /// A parsed request finds the known fields by position, in any case; the received spelling is kept.
    @Test func parsedHeaders_findKnownNamesInAnyCase() throws {
        let headers = try parsedHeaders(
            "hOsT: a\r\nif-none-match: \"x\"\r\nX-Other: y\r\nIf-None-Match: \"z\"\r\nUser-Agent: t\r\n"
        )
        #expect(headers[.host] == "a")
        #expect(headers[.ifNoneMatch] == "\"x\"")
        #expect(headers.values(for: .ifNoneMatch) == ["\"x\"", "\"z\""])
        #expect(headers.count(named: .ifNoneMatch) == 2)
        #expect(headers.count(named: .host) == 1)
        #expect(headers[.userAgent] == "t")
        #expect(headers[.range] == nil && !headers.contains(.range) && headers.values(for: .range).isEmpty)
        #expect(headers.map(\.name) == ["hOsT", "if-none-match", "X-Other", "If-None-Match", "User-Agent"])
    }

    /// Whatever the headers went through, a lookup by known name answers what a lookup by its string does.
    /// The bytes a received value came as (obs-text kept, spaces around trimmed), an added value's ISO-8859-1
    /// bytes, and no call for a field that is not there.
    @Test func withValueBytes_givesTheValueAsBytes() throws {
        let bytes = Array("GET / HTTP/1.0\r\nUser-Agent:  a \"b\" ".utf8) + [0xE9, 0x09] + Array("c \r\n\r\n".utf8)
        let received = try #require(try HTTPRequestParser().parse(bytes)).request.headers
        var seen: [UInt8]?
        #expect(received.withValueBytes(.userAgent) { seen = Array($0) })
        #expect(seen == Array("a \"b\" ".utf8) + [0xE9, 0x09, UInt8(ascii: "c")])
        #expect(received[.userAgent].map { Array($0.latin1Bytes) } == seen)
        #expect(!received.withValueBytes(.referer) { _ in Issue.record("called without a Referer") })
        let added: HTTPHeaders = ["Referer": "h\u{E9}"]
        seen = nil
        #expect(added.withValueBytes(.referer) { seen = Array($0) })
        #expect(seen == [UInt8(ascii: "h"), 0xE9])
        #expect(!added.withValueBytes(.userAgent) { _ in Issue.record("called without a User-Agent") })
    }

    @Test func knownNameLookups_agreeWithStringLookups() throws {
        var parsed = try parsedHeaders("Range: bytes=0-1\r\nACCEPT: a\r\nrange: bytes=2-3\r\nReferer: r\r\n")
        var built = HTTPHeaders()
        for (name, value) in parsed { built.add(name: name, value: value) }
        func check(_ headers: HTTPHeaders) {
            for known in HTTPHeaders.KnownName.allCases {
                #expect(headers[known] == headers[known.name], "\(known.name)")
                #expect(headers.values(for: known) == headers.values(for: known.name), "\(known.name)")
                #expect(headers.count(named: known) == headers.count(named: known.name), "\(known.name)")
                #expect(headers.contains(known) == headers.contains(known.name), "\(known.name)")
            }
        }
        check(parsed)
        check(built)
        #expect(parsed.values(for: .range) == ["bytes=0-1", "bytes=2-3"])
        for var headers in [parsed, built] {
            headers.remove(name: "RANGE")
            headers.add(name: "if-range", value: "\"e\"")
            headers.replaceOrAdd(name: "Accept", value: "b")
            check(headers)
            #expect(headers[.range] == nil && headers[.ifRange] == "\"e\"" && headers[.accept] == "b")
            #expect(headers[.referer] == "r")
        }
        parsed.add(name: "Host", value: "h")
        #expect(parsed[.host] == "h")
    }

    /// Beyond the positions the index holds, lookups walk the fields and still find them.
    @Test func manyFields_knownNamesStillFound() throws {
        let limits = HTTPParserLimits(maxRequestLineLength: 8192, maxHeaderBytes: 65536, maxHeaderCount: 400)
        let filler = (0..<300).map { "X-\($0): v\r\n" }.joined()
        let headers = try parsedHeaders(
            "Accept: early\r\n" + filler + "Range: bytes=0-1\r\nAccept: late\r\n",
            limits: limits
        )
        #expect(headers[.range] == "bytes=0-1")
        #expect(headers.values(for: .accept) == ["early", "late"])
        #expect(headers.count(named: .range) == 1)
    }

    /// Received fields are kept as byte ranges and become strings when read: each name and value is exactly
    /// what a plain reading of the line gives (the name as spelled, the value without the spaces and tabs
    /// around it, every byte kept as ISO-8859-1), whatever the line endings, the emptiness or the length.
    @Test(arguments: [
        ["Host: a", "X:", "Y:   ", "Z: \t", "Empty-Inside:\t\t"],
        ["A:  b  c ", "B:\tx\t y\t", "c-C:v", "Accept: */*", "X-Long: " + String(repeating: "v", count: 40)],
        ["Referer: http://h/p?q", "X-Obs: caf\u{E9} \u{FF}!", "If-None-Match: \"x\", W/\"y\""],
        (0..<40).map { "X-\($0): value number \($0)" },  // more spans than reserved
        ["X-Big: " + String(repeating: "b", count: 3000), "Range: bytes=0-1"],  // more than the 1 KiB reserved
    ])
    func receivedFields_areTheLinesAsRead(lines: [String]) throws {
        var expected = HTTPHeaders()
        for line in lines {
            let colon = try #require(line.firstIndex(of: ":"))
            expected.add(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingWhitespace())
        }
        for ending in ["\r\n", "\n"] {
            // Latin-1 on the wire: each character below 256 is one byte.
            let text = "GET / HTTP/1.0" + ending + lines.map { $0 + ending }.joined() + ending
            let bytes = text.unicodeScalars.map { UInt8($0.value) }
            let parsed = try #require(try HTTPRequestParser().parse(bytes)).request.headers
            #expect(parsed == expected)
            #expect(Array(parsed.map(\.name)) == Array(expected.map(\.name)))
            #expect(Array(parsed.map(\.value)) == Array(expected.map(\.value)))
            for (name, value) in expected {
                #expect(parsed[name.uppercased()] == expected[name], "\(name)")
                #expect(parsed.values(for: name.lowercased()) == expected.values(for: name), "\(name)")
                #expect(parsed[name]?.latin1Bytes == value.latin1Bytes)
            }
            #expect(parsed.count == lines.count)
        }
    }

    /// An empty value is an empty string, not a missing field; values keep inner whitespace.
    @Test func receivedEmptyAndSpacedValues() throws {
        let headers = try parsedHeaders("Accept:\r\nRange:  \t \r\nUser-Agent: a \t b\r\nReferer:\tr\t\r\n")
        #expect(headers[.accept] == "" && headers.contains(.accept))
        #expect(headers["range"] == "" && headers.values(for: .range) == [""])
        #expect(headers[.userAgent] == "a \t b")
        #expect(headers[.referer] == "r")
    }

    /// A head that came in pieces (kept by the reader) and one parsed where it lay give the same fields.
    @Test func receivedFields_sameWhetherParsedInPlaceOrCollected() throws {
        let text = "GET / HTTP/1.0\r\nHost: h\r\nX-A:  1 \r\nAccept: \u{E9}\r\n\r\n"
        let bytes = text.unicodeScalars.map { UInt8($0.value) }
        var whole = RequestHeadReader()
        var pieces = RequestHeadReader()
        guard case .complete(let inPlace, _) = whole.append(bytes[...]) else {
            Issue.record("not complete")
            return
        }
        var outcome = RequestHeadReader.Outcome.incomplete
        for index in bytes.indices { outcome = pieces.append(bytes[index...index]) }
        guard case .complete(let collected, _) = outcome else {
            Issue.record("not complete in pieces")
            return
        }
        #expect(inPlace.headers == collected.headers)
        #expect(collected.headers["x-a"] == "1" && collected.headers[.accept]?.latin1Bytes == [0xE9])
    }

    /// Changing parsed headers turns them into added fields: order, spelling and the index all stay.
    @Test func receivedFields_changedKeepOrderAndIndex() throws {
        var headers = try parsedHeaders("hOsT: a\r\nX-1: one\r\nRange: bytes=0-1\r\nX-2: two\r\n")
        headers.add(name: "Accept", value: "x")
        #expect(Array(headers.map(\.name)) == ["hOsT", "X-1", "Range", "X-2", "Accept"])
        #expect(Array(headers.map(\.value)) == ["a", "one", "bytes=0-1", "two", "x"])
        #expect(headers[.host] == "a" && headers[.range] == "bytes=0-1" && headers[.accept] == "x")
        var removed = try parsedHeaders("hOsT: a\r\nX-1: one\r\nRange: bytes=0-1\r\nX-2: two\r\n")
        removed.remove(name: "x-1")
        #expect(Array(removed.map(\.name)) == ["hOsT", "Range", "X-2"])
        #expect(removed[.range] == "bytes=0-1" && removed["X-2"] == "two" && removed["x-1"] == nil)
        #expect(removed.count == 3)
    }
}
