import Gzip
import HTTPCore

/// Where the bytes of one response body go: gunzipped if `--compressed` met gzip, held to `--max-filesize`,
/// counted for `-w` and the progress bar, and written to the destination.
///
/// One writer serves a response and, after a cut, the `Range` continuation appended to it; a body fetched
/// whole again gets a new one.
final class BodyWriter {
    let destination: Destination
    /// The bytes of the file before this run (`-C -`).
    let offset: Int64
    private let options: FetchOptions
    private let progress: ProgressMeter?
    /// The head whose body this is (`nil` until ``begin(_:framing:append:)``).
    private(set) var head: HTTPResponseHead?
    /// How that body is delimited.
    private(set) var framing: BodyFraming = .none
    /// The size of the file when complete, if known.
    private(set) var total: Int64?
    /// Bytes of the file so far, as the progress bar counts them: the resumed part plus the body on the wire.
    private(set) var received: Int64 = 0
    /// Body bytes received on the wire (after de-chunking, before gunzip), over the response and its continuation.
    private(set) var wireBytes: Int64 = 0
    /// Bytes written, after decoding.
    private var written: Int64 = 0
    /// Set when `--compressed` meets `Content-Encoding: gzip`.
    private var decoder: GzipDecoder?

    init(destination: Destination, offset: Int64, options: FetchOptions, progress: ProgressMeter?) {
        self.destination = destination
        self.offset = offset
        self.options = options
        self.progress = progress
    }

    /// Accepts the body of `head`: opens the destination (after the resumed bytes if `append`) and writes the
    /// heads first for `-i` and `-I`: `rawHeads`, every head of the response exactly as received (interim
    /// 1xx heads included), as curl writes them.
    ///
    /// - Throws: 63 for a `Content-Length` over `--max-filesize`; 61 for a content coding other than gzip
    ///   with `--compressed` (we asked for gzip only, and curl refuses codings it cannot decode); 23.
    func begin(_ head: HTTPResponseHead, rawHeads: [UInt8], framing: BodyFraming, append: Bool) throws(FetchError) {
        let length = head.headers["Content-Length"].flatMap { Int64($0) }
        if let limit = options.maxFileSize, let length, length > limit { throw .fileTooLarge(limit) }
        if options.compressed, let coding = head.headers["Content-Encoding"]?.trimmingWhitespace().lowercased(),
            coding != "identity"
        {
            guard coding == "gzip" || coding == "x-gzip" else {
                throw .badContentEncoding("unsupported Content-Encoding '\(coding)'")
            }
            do { decoder = try GzipDecoder() } catch { throw .badContentEncoding("\(error)") }
        }
        try destination.open(append: append)
        if options.includeHead || options.headOnly { try destination.write(rawHeads) }
        if let length { total = length + (append ? offset : 0) }
        received = append ? offset : 0
        self.head = head
        self.framing = framing
    }

    /// Decodes if need be and writes `bytes` of the body.
    ///
    /// - Throws: 63 past `--max-filesize`, 61 for gzip that does not decode, 23 when writing fails.
    func write(_ bytes: UnsafeRawBufferPointer) throws(FetchError) {
        if let decoder {
            do {
                try decoder.decode(bytes) { output in try store(output) }
            } catch let error as FetchError {
                throw error
            } catch {
                throw .badContentEncoding("\(error)")
            }
        } else {
            try store(bytes)
        }
        received += Int64(bytes.count)
        wireBytes += Int64(bytes.count)
        progress?.update(received: received, total: total)
    }

    private func store(_ output: UnsafeRawBufferPointer) throws(FetchError) {
        if let limit = options.maxFileSize, written + Int64(output.count) > limit { throw .fileTooLarge(limit) }
        try destination.write(output)
        written += Int64(output.count)
    }

    /// Ends a body that was read to its end: a gzip body must end with its trailer (CRC-32 and length).
    ///
    /// - Returns: `false` when a close-delimited gzip body lacks its trailer: RFC 9112 §6.3 (8) leaves no other
    ///   way to tell an early close from the end, so it is a cut, not bad data.
    /// - Throws: 61 for a body with a length or chunks, which did arrive whole.
    func finish() throws(FetchError) -> Bool {
        guard let decoder, decoder.bytesIn > 0 else { return true }
        do {
            try decoder.finish()
        } catch {
            if framing == .untilClose { return false }
            throw .badContentEncoding("\(error)")
        }
        return true
    }
}
