import HTTPCore
import Testing

/// Feeds `parts` to `decoder` one after another, as a reader pulling it would: returns the chunk data and
/// how many input bytes were consumed.
@discardableResult
func decodeChunked(
    _ parts: [[UInt8]],
    into decoder: inout ChunkedDecoder
) throws -> (data: [UInt8], consumed: Int) {
    var output: [UInt8] = []
    var total = 0
    for part in parts {
        try part.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, !decoder.isComplete {
                let rest = UnsafeRawBufferPointer(rebasing: raw[offset...])
                let (consumed, data) = try decoder.decode(rest)
                output += rest[data]
                offset += consumed
            }
            total += offset
        }
    }
    return (output, total)
}

@Suite struct ChunkedDecoderTests {
    /// Feeding the same message split at every possible point gives the same data.
    @Test func decodes_whateverTheSplit() throws {
        let message = Array("4\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\n\r\n".utf8)
        for split in 0...message.count {
            var decoder = ChunkedDecoder()
            let output = try decodeChunked([Array(message[..<split]), Array(message[split...])], into: &decoder)
            #expect(output.data == Array("Wikipedia in\r\n\r\nchunks.".utf8), "split at \(split)")
            #expect(decoder.isComplete)
        }
    }

    @Test(arguments: [
        ("x\r\n", HTTPFramingError.malformedChunk("missing chunk size")),
        ("\r\n", .malformedChunk("missing chunk size")),
        ("3\r\nabcd\r\n", .malformedChunk("chunk data longer than its size")),
        ("1234567890ABCDEF0\r\n", .malformedChunk("chunk size too large")),
        ("3\rx", .malformedChunk("CR without LF after chunk size")),
        ("3z\r\n", .malformedChunk("bad character in chunk size")),
        ("1\r\na\rx", .malformedChunk("CR without LF after chunk data")),
        ("0\r\n\rx", .malformedChunk("CR without LF after trailer")),
    ])
    func rejects_malformedFraming(_ text: String, error: HTTPFramingError) {
        var decoder = ChunkedDecoder()
        #expect(throws: error) { try decodeChunked([Array(text.utf8)], into: &decoder) }
    }

    @Test func extensionsTrailersAndBareLF_areAccepted_andStopsAtTheEnd() throws {
        var decoder = ChunkedDecoder()
        let message = Array("3;name=value\r\nabc\n2 \nde\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT".utf8)
        let output = try decodeChunked([message], into: &decoder)
        #expect(output.data == Array("abcde".utf8))
        #expect(decoder.isComplete)
        // What follows the last chunk and the trailer section is not part of the message.
        #expect(output.consumed == message.count - 4)
    }

    @Test func dataRun_isReturnedInPlace_oneRunPerCall() throws {
        var decoder = ChunkedDecoder()
        let message = Array("2\r\nab\r\n1\r\nc\r\n".utf8)
        try message.withUnsafeBytes { raw in
            let first = try decoder.decode(raw)
            #expect(first.consumed == 5)
            #expect(first.data == 3..<5)
            let rest = UnsafeRawBufferPointer(rebasing: raw[5...])
            let second = try decoder.decode(rest)
            #expect(second.consumed == 6)
            #expect(second.data == 5..<6)
            #expect(!decoder.isComplete)
        }
    }

    @Test func trailerLines_areKeptAsReceived_withoutTheirEndings_whateverTheSplit() throws {
        let message = Array("1\r\na\r\n0\r\nX-T: 1\r\nX-U:\t2 \n\r\n".utf8)
        for split in 0...message.count {
            var decoder = ChunkedDecoder()
            try decodeChunked([Array(message[..<split]), Array(message[split...])], into: &decoder)
            #expect(decoder.trailerLines == [Array("X-T: 1".utf8), Array("X-U:\t2 ".utf8)])
        }
    }

    @Test func trailerSection_pastTheLimit_isMalformed() {
        let line = "X-T: " + String(repeating: "a", count: ChunkedDecoder.maxTrailerBytes) + "\r\n\r\n"
        rejects_malformedFraming("0\r\n" + line, error: .malformedChunk("trailer section too large"))
    }
}
