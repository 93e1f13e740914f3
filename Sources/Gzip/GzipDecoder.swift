import CZlib

/// A streaming gzip decompressor (RFC 1952), on the system zlib.
///
/// Feed the compressed bytes with ``decode(_:output:)`` as they arrive; the original bytes are handed to
/// `output` in chunks of at most `outputChunkSize` bytes, so memory stays bounded whatever the sizes. Call
/// ``finish()`` at the end of the input: it throws ``GzipError/truncated`` if the data stopped inside a
/// member, so a cut-off body is never mistaken for a complete one. Not thread-safe: one decoder per stream.
///
/// ```swift
/// let decoder = try GzipDecoder()
/// for chunk in body { try decoder.decode(chunk) { original in try file.writeAll(original) } }
/// try decoder.finish()
/// ```
///
/// Concatenated members decode as the concatenation of their contents, as gzip(1) does (RFC 1952 §2.2:
/// "A gzip file consists of a series of members"). Anything after the last member that is not another
/// gzip member is ``GzipError/corruptData``. After an error the decoder throws that error again on any use.
public final class GzipDecoder {
    private let stream: ZStream
    /// True between the first byte of a member and its trailer.
    private var inMember = false
    /// True once a member's trailer has been checked.
    private var completedMember = false
    private var failure: GzipError?

    /// Creates a decoder.
    ///
    /// - Parameter outputChunkSize: the largest chunk handed to `output`.
    /// - Throws: ``GzipError/outOfMemory`` or ``GzipError/versionMismatch``.
    public init(outputChunkSize: Int = 64 * 1024) throws(GzipError) {
        stream = ZStream(outputCapacity: outputChunkSize)
        let code = czlib_inflate_init_gzip(stream.pointer)
        guard code == Z_OK else { throw GzipError.make(code: code, message: stream.message) }
    }

    deinit {
        inflateEnd(stream.pointer)
    }

    /// The number of compressed bytes consumed so far.
    public private(set) var bytesIn: Int64 = 0
    /// The number of original bytes produced so far.
    public private(set) var bytesOut: Int64 = 0

    /// Decodes `input`, handing the original bytes to `output` as they come out.
    ///
    /// - Parameters:
    ///   - input: the next bytes of gzip data; any split is fine, even one byte at a time.
    ///   - output: called with each chunk of original bytes; the buffer is valid only during the call.
    /// - Throws: ``GzipError/corruptData`` (with zlib's message, such as "incorrect header check" or
    ///   "incorrect data check"), or whatever `output` throws.
    public func decode<Bytes: Collection<UInt8>>(
        _ input: Bytes,
        output: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        if let failure { throw failure }
        try withContiguousBytes(input) { bytes in
            guard !bytes.isEmpty else { return }
            try forEachPiece(of: bytes) { piece in try run(piece, output: output) }
        }
    }

    /// Decodes `input` and returns the original bytes it completes.
    ///
    /// Memory grows with the output of this one chunk; prefer ``decode(_:output:)`` for untrusted streams.
    /// - Throws: ``GzipError``.
    public func decode<Bytes: Collection<UInt8>>(_ input: Bytes) throws(GzipError) -> [UInt8] {
        var result: [UInt8] = []
        do {
            try decode(input) { result.append(contentsOf: $0) }
        } catch let error as GzipError {
            throw error
        } catch {
            preconditionFailure("appending to an array does not throw: \(error)")
        }
        return result
    }

    /// Checks that the input ended at the end of a member.
    ///
    /// - Throws: ``GzipError/truncated`` if the data stopped inside a member (its trailer, with the CRC-32
    ///   and length that prove the data whole, never came) or if there was no gzip data at all.
    public func finish() throws(GzipError) {
        if let failure { throw failure }
        guard completedMember && !inMember else {
            failure = .truncated
            throw .truncated
        }
    }

    private func run(_ input: UnsafeRawBufferPointer, output: (UnsafeRawBufferPointer) throws -> Void) throws {
        stream.setInput(input)
        defer { stream.clearInput() }
        while true {
            if !inMember {
                // RFC 1952 §2.2: another member may follow the trailer of the previous one.
                if completedMember {
                    let code = inflateReset(stream.pointer)
                    guard code == Z_OK else { throw fail(code) }
                }
                inMember = true
            }
            let availableBefore = stream.pointer.pointee.avail_in
            stream.resetOutput()
            let code = inflate(stream.pointer, Z_NO_FLUSH)
            bytesIn += Int64(availableBefore - stream.pointer.pointee.avail_in)
            switch code {
            case Z_OK, Z_STREAM_END, Z_BUF_ERROR:
                // Z_BUF_ERROR only says "no progress possible": more input is needed.
                break
            default:
                throw fail(code)
            }
            let produced = stream.produced
            bytesOut += Int64(produced.count)
            if !produced.isEmpty { try output(produced) }
            if code == Z_STREAM_END {
                inMember = false
                completedMember = true
                if stream.pointer.pointee.avail_in == 0 { return }
                continue
            }
            // inflate gives as much output as it can, so room to spare means it needs more input.
            if stream.pointer.pointee.avail_out != 0 {
                if stream.pointer.pointee.avail_in == 0 { return }
                if code == Z_BUF_ERROR { throw fail(code) }
            }
        }
    }

    private func fail(_ code: Int32) -> GzipError {
        let error = GzipError.make(code: code, message: stream.message)
        failure = error
        return error
    }

    /// Decodes complete gzip data in memory.
    ///
    /// - Parameters:
    ///   - bytes: one or more whole gzip members.
    ///   - limit: the most original bytes to accept, against decompression bombs.
    /// - Returns: the original bytes.
    /// - Throws: ``GzipError/corruptData``, ``GzipError/truncated`` or ``GzipError/outputLimitExceeded``.
    public static func decompress<Bytes: Collection<UInt8>>(
        _ bytes: Bytes,
        limit: Int = .max
    ) throws(GzipError)
        -> [UInt8]
    {
        try decompress(pieces: CollectionOfOne(bytes), limit: limit)
    }

    /// Decodes complete gzip data that arrives in pieces, as one decoder fed piece by piece.
    ///
    /// - Parameters:
    ///   - pieces: the data in order; together, one or more whole gzip members.
    ///   - limit: the most original bytes to accept, against decompression bombs.
    /// - Returns: the original bytes.
    /// - Throws: ``GzipError/corruptData``, ``GzipError/truncated`` or ``GzipError/outputLimitExceeded``.
    public static func decompress<Pieces: Sequence>(
        pieces: Pieces,
        limit: Int = .max
    ) throws(GzipError) -> [UInt8] where Pieces.Element: Collection<UInt8> {
        let decoder = try GzipDecoder()
        var result: [UInt8] = []
        do {
            for piece in pieces {
                try decoder.decode(piece) { chunk in
                    guard chunk.count <= limit - result.count else { throw GzipError.outputLimitExceeded }
                    result.append(contentsOf: chunk)
                }
            }
        } catch let error as GzipError {
            throw error
        } catch {
            preconditionFailure("appending to an array does not throw: \(error)")
        }
        try decoder.finish()
        return result
    }
}
