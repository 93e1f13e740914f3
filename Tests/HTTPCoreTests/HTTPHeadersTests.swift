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
}
