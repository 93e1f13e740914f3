import Fetch
import Gzip
import HTTPClient
import TestSupport
import Testing

/// `--compressed`: gzip bodies are decoded, and a broken one is exit 61, never a silent success.
@Suite struct CompressedTests {
    static let original = Array(String(repeating: "compress me, please. ", count: 400).utf8)

    static func gzipReply(_ body: [UInt8], chunked: Bool = false) -> RawServer.Reply {
        var head = "HTTP/1.0 200 OK\r\nContent-Encoding: gzip\r\n"
        head += chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: \(body.count)\r\n\r\n"
        guard chunked else { return .bytes(head.bytes + body) }
        let size = String(body.count, radix: 16)
        return .bytes(head.bytes + "\(size)\r\n".bytes + body + "\r\n0\r\n\r\n".bytes)
    }

    @Test(arguments: [false, true])
    func gzipBody_isDecoded_andAskedFor(chunked: Bool) throws {
        let compressed = try GzipEncoder.compress(Self.original)
        let server = try RawServer { _, _ in Self.gzipReply(compressed, chunked: chunked) }
        try withTemporaryPath("gz") { path in
            let (info, error) = fetch(server.url(), to: path) { $0.compressed = true }
            #expect(error == nil)
            #expect(readFileIfPresent(path) == Self.original)
            #expect(info.bodyBytes == Int64(compressed.count))
            #expect(server.received.first?.contains("\r\nAccept-Encoding: gzip\r\n") == true)
        }
    }

    @Test func gzipBody_withoutCompressed_isWrittenAsIs() throws {
        let compressed = try GzipEncoder.compress(Self.original)
        let server = try RawServer { _, _ in Self.gzipReply(compressed) }
        try withTemporaryPath("raw") { path in
            #expect(fetch(server.url(), to: path).error == nil)
            #expect(readFileIfPresent(path) == compressed)
            #expect(server.received.first?.contains("Accept-Encoding") == false)
        }
    }

    @Test func corruptGzip_isExit61_andNoFile() throws {
        var damaged = try GzipEncoder.compress(Self.original)
        for index in 20..<40 { damaged[index] ^= 0x5A }
        let compressed = damaged
        let server = try RawServer { _, _ in Self.gzipReply(compressed) }
        try withTemporaryPath("corrupt") { path in
            #expect(fetch(server.url(), to: path) { $0.compressed = true }.error?.exitCode == 61)
            #expect(readFileIfPresent(path) == nil)
        }
    }

    @Test func gzipWithoutTrailer_isExit61() throws {
        let compressed = Array(try GzipEncoder.compress(Self.original).dropLast(8))
        let server = try RawServer { _, _ in Self.gzipReply(compressed) }
        try withTemporaryPath("cut") { path in
            let error = fetch(server.url(), to: path) { $0.compressed = true }.error
            #expect(error?.exitCode == 61)
            #expect(readFileIfPresent(path) == nil)
        }
    }

    @Test func unknownEncoding_isExit61() throws {
        let server = try RawServer { _, _ in .bytes("HTTP/1.0 200 OK\r\nContent-Encoding: br\r\n\r\nxx".bytes) }
        try withTemporaryPath("br") { path in
            #expect(fetch(server.url(), to: path) { $0.compressed = true }.error?.exitCode == 61)
        }
    }
}
