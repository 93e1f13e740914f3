import HTTPCore
import Testing

@Suite struct ByteWriterTests {
    private func written(_ body: (inout ByteWriter) -> Void) -> String {
        var bytes: [UInt8] = [UInt8(ascii: ">")]
        bytes.appendWriting(atMost: 64, body)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func decimal_spellsAsString() {
        let values: [Int64] = [0, 7, 9, 10, 99, 100, 1024, -1, -10, 999_999_999_999, .max, .min, .max - 1]
        for value in values {
            #expect(written { $0.writeDecimal(value) } == ">" + String(value))
        }
    }

    @Test func hex_spellsTheBitPatternAsString() {
        let values: [Int64] = [0, 1, 15, 16, 255, 256, 0x1234_5678_9abc, -1, .min, .max]
        for value in values {
            #expect(written { $0.writeHex(value) } == ">" + String(UInt64(bitPattern: value), radix: 16))
        }
    }

    @Test func latin1_copiesASCIIAndMapsTheRest() {
        // Every length around the eight-byte steps, with a byte above 0x7F at each place in turn.
        for length in 0...20 {
            let ascii = String(repeating: "a", count: length)
            #expect(written { $0.writeLatin1(ascii) } == ">" + ascii)
            for place in 0..<length {
                var scalars = Array(ascii.unicodeScalars)
                scalars[place] = "é"
                let text = String(String.UnicodeScalarView(scalars))
                var bytes: [UInt8] = []
                bytes.appendWriting(atMost: 64) { $0.writeLatin1(text) }
                #expect(bytes == text.latin1Bytes)
                #expect(bytes[place] == 0xE9 && bytes.count == length)
            }
        }
        var bytes: [UInt8] = []
        bytes.appendWriting(atMost: 64) { $0.writeLatin1("price: 5€") }
        #expect(bytes == Array("price: 5?".utf8))
    }

    @Test func statusLine_spellsVersionCodeAndReason() {
        var bytes: [UInt8] = []
        let head = HTTPResponseHead(status: .ok)
        bytes.appendWriting(atMost: head.statusLineCapacity) { head.writeStatusLine(to: &$0) }
        #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/1.0 200 OK\r\n")
        var other = HTTPResponseHead(status: .notFound)
        other.version = HTTPVersion(major: 1, minor: 1)
        bytes = []
        bytes.appendWriting(atMost: other.statusLineCapacity) { other.writeStatusLine(to: &$0) }
        #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/1.1 404 Not Found\r\n")
        other.version = HTTPVersion(major: 12, minor: 3)  // Beyond one digit: the general path.
        bytes = []
        bytes.appendWriting(atMost: other.statusLineCapacity) { other.writeStatusLine(to: &$0) }
        #expect(String(decoding: bytes, as: UTF8.self) == "HTTP/12.3 404 Not Found\r\n")
    }
}
