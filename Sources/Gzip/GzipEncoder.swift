import CZlib

/// A streaming gzip compressor (RFC 1952 over DEFLATE, RFC 1951), on the system zlib.
///
/// Feed input with ``compress(_:output:)`` as it arrives, then call ``finish(output:)`` once: the
/// compressed bytes are handed to `output` in chunks of at most `outputChunkSize` bytes, so memory stays
/// bounded whatever the input size. Not thread-safe: use one encoder per stream.
///
/// ```swift
/// let encoder = try GzipEncoder(level: 6)
/// try encoder.compress(chunk) { compressed in try file.writeAll(compressed) }
/// try encoder.finish { compressed in try file.writeAll(compressed) }
/// ```
public final class GzipEncoder {
    private let stream: ZStream
    private var finished = false

    /// Creates an encoder.
    ///
    /// - Parameters:
    ///   - level: zlib's compression level, 0 (store) to 9 (smallest); 6 is zlib's and gzip(1)'s default.
    ///   - outputChunkSize: the largest chunk handed to `output`.
    /// - Throws: ``GzipError/invalidLevel``, ``GzipError/outOfMemory`` or ``GzipError/versionMismatch``.
    public init(level: Int = 6, outputChunkSize: Int = 64 * 1024) throws(GzipError) {
        guard (0...9).contains(level) else { throw .invalidLevel }
        stream = ZStream(outputCapacity: outputChunkSize)
        let code = czlib_deflate_init_gzip(stream.pointer, Int32(level))
        guard code == Z_OK else { throw GzipError.make(code: code, message: stream.message) }
    }

    deinit {
        deflateEnd(stream.pointer)
    }

    /// Compresses `input`, handing any compressed output that is ready to `output`.
    ///
    /// zlib buffers input to find matches, so a call may produce nothing; ``finish(output:)`` flushes the rest.
    /// - Parameters:
    ///   - input: the next bytes of the original data.
    ///   - output: called with each chunk of compressed bytes; the buffer is valid only during the call.
    /// - Throws: ``GzipError``, or whatever `output` throws.
    public func compress<Bytes: Collection<UInt8>>(
        _ input: Bytes,
        output: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        precondition(!finished, "GzipEncoder used after finish()")
        try withContiguousBytes(input) { bytes in
            try forEachPiece(of: bytes) { piece in try run(piece, flush: Z_NO_FLUSH, output: output) }
        }
    }

    /// Flushes everything and writes the gzip trailer (CRC-32 and length, RFC 1952 §2.3.1).
    ///
    /// The encoder cannot be used afterwards.
    /// - Parameter output: called with each chunk of compressed bytes.
    /// - Throws: ``GzipError``, or whatever `output` throws.
    public func finish(output: (UnsafeRawBufferPointer) throws -> Void) throws {
        precondition(!finished, "GzipEncoder.finish() called twice")
        finished = true
        try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH, output: output)
    }

    private func run(
        _ input: UnsafeRawBufferPointer,
        flush: Int32,
        output: (UnsafeRawBufferPointer) throws -> Void
    )
        throws
    {
        stream.setInput(input)
        defer { stream.clearInput() }
        while true {
            stream.resetOutput()
            let code = deflate(stream.pointer, flush)
            // Z_BUF_ERROR only says "no progress possible": not fatal, and the loop below stops on it.
            guard code == Z_OK || code == Z_STREAM_END || code == Z_BUF_ERROR else {
                throw GzipError.make(code: code, message: stream.message)
            }
            let produced = stream.produced
            if !produced.isEmpty { try output(produced) }
            if code == Z_STREAM_END { return }
            // With Z_NO_FLUSH, deflate is done with this input once it consumed all of it and had output room
            // to spare; with Z_FINISH it must go on until Z_STREAM_END.
            if flush == Z_NO_FLUSH && stream.pointer.pointee.avail_in == 0 && stream.pointer.pointee.avail_out != 0 {
                return
            }
            if code == Z_BUF_ERROR && produced.isEmpty { throw GzipError.internalError }
        }
    }

    /// Compresses `bytes` into one gzip member in memory.
    ///
    /// - Parameters:
    ///   - bytes: the original data.
    ///   - level: compression level, 0-9.
    /// - Returns: the complete gzip data, header and trailer included.
    /// - Throws: ``GzipError``.
    public static func compress<Bytes: Collection<UInt8>>(
        _ bytes: Bytes,
        level: Int = 6
    ) throws(GzipError)
        -> [UInt8]
    {
        let encoder = try GzipEncoder(level: level)
        var result: [UInt8] = []
        // deflateBound would be tighter; a quarter is a fair first guess for text and grows if needed.
        result.reserveCapacity(bytes.count / 4 + 64)
        do {
            try encoder.compress(bytes) { result.append(contentsOf: $0) }
            try encoder.finish { result.append(contentsOf: $0) }
        } catch let error as GzipError {
            throw error
        } catch {
            preconditionFailure("appending to an array does not throw: \(error)")
        }
        return result
    }
}
