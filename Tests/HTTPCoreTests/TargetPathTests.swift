import HTTPCore
import Testing

@Suite struct TargetPathTests {
    @Test(arguments: [
        ("/", "/"),
        ("/index.html", "/index.html"),
        ("/a/b/", "/a/b/"),
        ("/a//b", "/a/b"),
        ("/abc/../def", "/def"),
        ("/a/./b", "/a/b"),
        ("/a/b/..", "/a/"),
        ("/a/%2e%2e/b", "/b"),
        ("/%7Euser", "/~user"),
        ("/with%20space", "/with space"),
        ("/q?x=/../..", "/q"),
        ("http://other.host/x/y", "/x/y"),
        ("HTTP://h", "/"),
        ("/a%2fb", "/a/b"),
    ])
    func safeTargets_normalise(input: String, expected: String) throws {
        let path = try TargetPath(target: input)
        #expect(String(decoding: path.bytes, as: UTF8.self) == expected)
    }

    @Test(arguments: [
        "/../", "/..", "/../etc/passwd", "/a/../../b", "/%2e%2e/", "/%2E%2E/etc", "/..%2f", "/..%2F..%2Fetc",
        "/a/%2e%2e/%2e%2e/b", "/%", "/%2", "/%zz", "/a%00b", "http://h/../x", "/./../",
    ])
    func hostileTargets_areRefused(input: String) {
        #expect(throws: HTTPParseError.self) { try TargetPath(target: input) }
    }

    @Test func query_isKept() throws {
        #expect(try TargetPath(target: "/a?b=c").query == "b=c")
        #expect(try TargetPath(target: "/a").query == nil)
    }

    /// The segments live in one array joined by `/`; the name is its last segment. Query and fragment end the
    /// path wherever they are, escapes are decoded only in the path.
    @Test func relative_joinsTheSegments() throws {
        let path = try TargetPath(target: "/a//b/./c/../%2e%2e/x/d.txt?q=%zz#f?g")
        #expect(path.relative == Array("a/x/d.txt".utf8))
        #expect(path.segments == [Array("a".utf8), Array("x".utf8), Array("d.txt".utf8)])
        #expect(Array(path.name) == Array("d.txt".utf8))
        #expect(!path.hasTrailingSlash && path.query == "q=%zz")
        #expect(path == TargetPath(segments: path.segments, hasTrailingSlash: false, query: "q=%zz"))
        #expect(try TargetPath(target: "/a#%zz?b").bytes == Array("/a".utf8))
        #expect(try TargetPath(target: "/a#%zz?b").query == nil)
        for root in ["/", "//", "/a/..", "/./", "http://h", "HTTPS://h?x", "http://h/"] {
            let path = try TargetPath(target: root)
            #expect(path.isRoot && path.segments.isEmpty && path.name.isEmpty && path.query == nil, "\(root)")
            #expect(path.hasTrailingSlash && path.bytes == [UInt8(ascii: "/")], "\(root)")
        }
        #expect(try TargetPath(target: "https://h/x/y/.").bytes == Array("/x/y/".utf8))
    }

    @Test func percentEncode_roundTripsBytes() throws {
        let bytes: [UInt8] = [0x61, 0x20, 0xFF, 0x3C, 0x2F]
        let encoded = TargetPath.percentEncode(bytes)
        #expect(encoded == "a%20%FF%3C/")
        #expect(try TargetPath.percentDecode(Array(encoded.utf8)) == bytes)
    }
}
