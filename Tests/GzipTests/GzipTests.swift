import Gzip
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Deterministic pseudo-random bytes (xorshift64*), so a failure reproduces.
private func randomBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var result = [UInt8](repeating: 0, count: count)
    result.withUnsafeMutableBytes { buffer in
        var index = 0
        while index < count {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            var word = state &* 0x2545_F491_4F6C_DD1D
            for _ in 0..<8 where index < count {
                buffer[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
    }
    return result
}

/// Text-like bytes: lines of words drawn from a small vocabulary, as source files and logs are.
private func textBytes(count: Int) -> [UInt8] {
    let words = ["function", "return", "const", "value", "index", "length", "gzip", "header", "{", "}", "=", ";"]
        .map { Array($0.utf8) }
    let noise = randomBytes(count: count / 3 + 16, seed: 42)
    var result: [UInt8] = []
    result.reserveCapacity(count + 16)
    var position = 0
    while result.count < count {
        result.append(contentsOf: words[Int(noise[position % noise.count]) % words.count])
        position += 1
        result.append(position % 9 == 0 ? UInt8(ascii: "\n") : UInt8(ascii: " "))
    }
    return Array(result.prefix(count))
}

/// Compresses `input` fed in `chunk`-byte pieces, checking every output chunk respects the bound.
private func streamCompress(_ input: [UInt8], chunk: Int, outputChunkSize: Int = 4096) throws -> [UInt8] {
    let encoder = try GzipEncoder(level: 6, outputChunkSize: outputChunkSize)
    var result: [UInt8] = []
    let append: (UnsafeRawBufferPointer) throws -> Void = { piece in
        #expect(piece.count <= outputChunkSize)
        result.append(contentsOf: piece)
    }
    var start = 0
    while start < input.count {
        let end = min(input.count, start + chunk)
        try encoder.compress(input[start..<end], output: append)
        start = end
    }
    try encoder.finish(output: append)
    return result
}

/// Decodes `input` fed in `chunk`-byte pieces, checking every output chunk respects the bound.
private func streamDecompress(_ input: [UInt8], chunk: Int, outputChunkSize: Int = 4096) throws -> [UInt8] {
    let decoder = try GzipDecoder(outputChunkSize: outputChunkSize)
    var result: [UInt8] = []
    var start = 0
    while start < input.count {
        let end = min(input.count, start + chunk)
        try decoder.decode(input[start..<end]) { piece in
            #expect(piece.count <= outputChunkSize)
            result.append(contentsOf: piece)
        }
        start = end
    }
    try decoder.finish()
    return result
}

/// A file beside this source, read whole.
private func fixture(_ name: String) throws -> [UInt8] {
    let directory = String(#filePath.prefix(upTo: #filePath.lastIndex(of: "/")!))
    let path = directory + "/Fixtures/" + name
    guard let file = fopen(path, "rb") else { throw FixtureMissing(path: path) }
    defer { fclose(file) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count == 0 { return result }
        result.append(contentsOf: buffer[..<count])
    }
}

private struct FixtureMissing: Error {
    let path: String
}

@Suite struct GzipRoundTripTests {
    @Test(arguments: [0, 1, 2, 255, 256, 65_535, 65_536, 65_537, 300_000])
    func oneShot_roundTrip_returnsOriginalBytes(size: Int) throws {
        let original = randomBytes(count: size, seed: UInt64(size) + 1)
        let compressed = try GzipEncoder.compress(original)
        // RFC 1952 §2.3.1: ID1 ID2 CM(8 = deflate).
        #expect(Array(compressed.prefix(3)) == [0x1F, 0x8B, 0x08])
        #expect(try GzipDecoder.decompress(compressed) == original)
    }

    @Test(arguments: [0, 1, 9, 500, 4096])
    func decompressPieces_splitAnywhere_returnsOriginalBytes(split: Int) throws {
        let original = randomBytes(count: 20_000, seed: 7)
        let compressed = try GzipEncoder.compress(original)
        let pieces = [compressed[..<split], compressed[split..<split], compressed[split...]]
        #expect(try GzipDecoder.decompress(pieces: pieces) == original)
        #expect(throws: GzipError.outputLimitExceeded) { try GzipDecoder.decompress(pieces: pieces, limit: 19_999) }
        #expect(throws: GzipError.truncated) { try GzipDecoder.decompress(pieces: pieces.dropLast()) }
    }

    @Test func empty_roundTrip_isAValidMemberOfTwentyBytes() throws {
        let compressed = try GzipEncoder.compress([UInt8]())
        // Header (10) + empty final block (2) + CRC-32 and ISIZE (8), level 6 sets no optional fields.
        #expect(compressed.count == 20)
        #expect(try GzipDecoder.decompress(compressed) == [])
    }

    @Test func oneByte_roundTrip_streaming() throws {
        let compressed = try streamCompress([0x41], chunk: 1)
        #expect(try streamDecompress(compressed, chunk: 1) == [0x41])
    }

    @Test func tenMiBRandom_roundTrip_streamingInOddChunks() throws {
        let original = randomBytes(count: 10 * 1024 * 1024)
        let compressed = try streamCompress(original, chunk: 100_003, outputChunkSize: 65536)
        // Random data does not compress; deflate's stored blocks add only a little.
        #expect(compressed.count < original.count + original.count / 100)
        let decoded = try streamDecompress(compressed, chunk: 77_777, outputChunkSize: 65536)
        #expect(decoded.count == original.count)
        #expect(decoded == original)
    }

    @Test func tenMiBText_roundTrip_compressesAndRestores() throws {
        let original = textBytes(count: 10 * 1024 * 1024)
        let compressed = try streamCompress(original, chunk: 1 << 20, outputChunkSize: 65536)
        #expect(compressed.count < original.count / 3)
        let decoder = try GzipDecoder()
        var decoded: [UInt8] = []
        try decoder.decode(compressed) { decoded.append(contentsOf: $0) }
        try decoder.finish()
        #expect(decoder.bytesIn == Int64(compressed.count))
        #expect(decoder.bytesOut == Int64(original.count))
        #expect(decoded == original)
    }

    @Test(arguments: [0, 1, 9])
    func everyLevel_roundTrips(level: Int) throws {
        let original = textBytes(count: 100_000)
        let compressed = try GzipEncoder.compress(original, level: level)
        #expect(try GzipDecoder.decompress(compressed) == original)
        if level == 0 { #expect(compressed.count > original.count) }
    }

    @Test func decoder_fedOneByteAtATime_restoresText() throws {
        let original = textBytes(count: 20_000)
        let compressed = try GzipEncoder.compress(original)
        #expect(try streamDecompress(compressed, chunk: 1, outputChunkSize: 512) == original)
    }

    @Test func invalidLevel_isRejected() {
        #expect(throws: GzipError.invalidLevel) { try GzipEncoder(level: 10) }
        #expect(throws: GzipError.invalidLevel) { try GzipEncoder(level: -1) }
    }
}

@Suite struct GzipInteroperabilityTests {
    @Test func fixtureMadeByGzip1_withFileNameInHeader_decodes() throws {
        let original = try fixture("words.txt")
        let compressed = try fixture("words.txt.gz")
        // FLG.FNAME (0x08): gzip(1) stored the name, which the decoder must skip (RFC 1952 §2.3.1).
        #expect(compressed[3] & 0x08 != 0)
        #expect(try GzipDecoder.decompress(compressed) == original)
        #expect(try streamDecompress(compressed, chunk: 1000) == original)
    }

    @Test func concatenatedMembers_decodeToTheirConcatenation() throws {
        let compressed = try fixture("two-members.gz")
        #expect(try GzipDecoder.decompress(compressed) == Array("first member\nsecond member\n".utf8))
        #expect(try streamDecompress(compressed, chunk: 3) == Array("first member\nsecond member\n".utf8))
    }

    @Test func ourOutput_concatenated_decodes() throws {
        let joined = try GzipEncoder.compress(Array("abc".utf8)) + GzipEncoder.compress(Array("def".utf8))
        #expect(try GzipDecoder.decompress(joined) == Array("abcdef".utf8))
    }
}

@Suite struct GzipCorruptInputTests {
    let original = textBytes(count: 50_000)

    @Test func notGzip_isCorrupt() throws {
        let error = #expect(throws: GzipError.self) { try GzipDecoder.decompress(Array("hello, world".utf8)) }
        #expect(error == .corruptData)
        #expect(error?.message == "incorrect header check")
        #expect(error?.code == -3)
        #expect(error?.description == "gzip: corrupt data: incorrect header check (zlib code -3)")
    }

    @Test func flippedByteInDeflateData_isCorrupt() throws {
        var compressed = try GzipEncoder.compress(original)
        compressed[compressed.count / 2] ^= 0xFF
        #expect(throws: GzipError.corruptData) { try GzipDecoder.decompress(compressed) }
    }

    @Test func wrongCRC_isCorrupt() throws {
        var compressed = try GzipEncoder.compress(original)
        // RFC 1952 §2.3.1: the trailer is CRC32 then ISIZE, 4 bytes each, little-endian.
        compressed[compressed.count - 8] ^= 0x01
        let error = #expect(throws: GzipError.self) { try GzipDecoder.decompress(compressed) }
        #expect(error == .corruptData)
        #expect(error?.message == "incorrect data check")
    }

    @Test func wrongLength_isCorrupt() throws {
        var compressed = try GzipEncoder.compress(original)
        compressed[compressed.count - 1] ^= 0x01
        let error = #expect(throws: GzipError.self) { try GzipDecoder.decompress(compressed) }
        #expect(error?.message == "incorrect length check")
    }

    @Test(arguments: [1, 4, 8, 100])
    func truncated_isRejectedByFinish(dropped: Int) throws {
        let compressed = try GzipEncoder.compress(original)
        let decoder = try GzipDecoder()
        var decoded = 0
        try decoder.decode(compressed.dropLast(dropped)) { decoded += $0.count }
        #expect(throws: GzipError.truncated) { try decoder.finish() }
        #expect(throws: GzipError.truncated) { try GzipDecoder.decompress(compressed.dropLast(dropped)) }
        // A missing trailer alone still let all the data out; it is the proof of integrity that is missing.
        if dropped <= 8 { #expect(decoded == original.count) }
    }

    @Test func noInputAtAll_isTruncated() throws {
        let decoder = try GzipDecoder()
        try decoder.decode([UInt8]()) { _ in Issue.record("no output expected") }
        #expect(throws: GzipError.truncated) { try decoder.finish() }
    }

    @Test func trailingGarbage_isCorrupt() throws {
        let compressed = try GzipEncoder.compress(original) + Array("garbage".utf8)
        #expect(throws: GzipError.corruptData) { try GzipDecoder.decompress(compressed) }
    }

    @Test func afterAnError_theDecoderKeepsFailing() throws {
        let decoder = try GzipDecoder()
        #expect(throws: GzipError.corruptData) { try decoder.decode(Array("not gzip".utf8)) { _ in } }
        let valid = try GzipEncoder.compress(original)
        #expect(throws: GzipError.corruptData) { try decoder.decode(valid) { _ in } }
        #expect(throws: GzipError.corruptData) { try decoder.finish() }
    }

    @Test func outputLimit_stopsADecompressionBomb() throws {
        let bomb = try GzipEncoder.compress([UInt8](repeating: 0, count: 4 * 1024 * 1024))
        #expect(bomb.count < 10_000)
        #expect(throws: GzipError.outputLimitExceeded) { try GzipDecoder.decompress(bomb, limit: 1024 * 1024) }
        #expect(try GzipDecoder.decompress(bomb, limit: 4 * 1024 * 1024).count == 4 * 1024 * 1024)
    }

    @Test func errorThrownByOutput_propagates() throws {
        struct Stop: Error {}
        let compressed = try GzipEncoder.compress(original)
        let decoder = try GzipDecoder()
        #expect(throws: Stop.self) { try decoder.decode(compressed) { _ in throw Stop() } }
    }
}
