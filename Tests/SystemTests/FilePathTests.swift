import System
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct FilePathTests {
    /// One `/` between the path and the component, whatever slashes either brings; bytes kept as they are.
    @Test(arguments: [
        ("/srv/www", "a/b.html", "/srv/www/a/b.html"), ("/srv/www/", "a/b.html", "/srv/www/a/b.html"),
        ("/srv/www", "//a", "/srv/www/a"), ("/srv/www/", "/a/", "/srv/www/a/"), ("/", "x", "/x"),
        ("/srv", "", "/srv/"), ("/srv/", "", "/srv/"), ("", "a", "/a"), ("/srv", "///", "/srv/"),
    ])
    func appending_putsOneSlashBetween(base: String, component: String, expected: String) {
        #expect(FilePath(base).appending(Array(component.utf8)) == FilePath(expected))
        #expect(FilePath(base).appending(segments: [Array(component.utf8)]) == FilePath(expected))
    }

    @Test func appending_keepsBytesThatAreNotUTF8() {
        let path = FilePath(bytes: [0x2F, 0xFF]).appending([0xC3, 0x28, 0x2F, 0x80])
        #expect(path.bytes == [0x2F, 0xFF, 0x2F, 0xC3, 0x28, 0x2F, 0x80])
    }

    @Test(arguments: [
        ("/srv/www", "/srv/www", true), ("/srv/www/", "/srv/www", true), ("/srv/www", "/srv/www/a", true),
        ("/srv/www/", "/srv/www/a", true), ("/srv/www", "/srv/wwwx", false), ("/srv/www", "/srv/ww", false),
        ("/srv/www", "/srv", false), ("/", "/anything", true), ("/", "/", true), ("/srv/www", "", false),
    ])
    func isWithin_comparesWholeComponents(root: String, path: String, expected: Bool) {
        #expect(FilePath(path).isWithin(FilePath(root)) == expected)
    }

    /// The C string is the path's bytes and one NUL, for a short path (stack room) and a long one (heap).
    @Test(arguments: [0, 1, 15, 1023, 1024, 5000])
    func withCString_isTheBytesAndANul(length: Int) {
        let bytes = (0..<length).map { UInt8(1 + $0 % 255) }
        let copied = FilePath(bytes: bytes).withCString { pointer in
            (0...length).map { UInt8(bitPattern: pointer[$0]) }
        }
        #expect(copied == bytes + [0])
        #expect(FilePath(bytes: bytes).withCString { strlen($0) } == length)
    }
}
