import CZlib

/// One `z_stream` at a fixed address, with its output buffer.
///
/// zlib keeps a pointer back to the `z_stream` in its internal state and checks it on every call
/// (`deflateStateCheck`), so the struct must never move: it lives in memory allocated once here.
final class ZStream {
    let pointer: UnsafeMutablePointer<z_stream>
    let output: UnsafeMutableRawBufferPointer

    init(outputCapacity: Int) {
        precondition(outputCapacity > 0 && outputCapacity <= Int(UInt32.max), "output capacity out of range")
        pointer = .allocate(capacity: 1)
        // zalloc, zfree and opaque nil (Z_NULL) select zlib's default allocator.
        pointer.initialize(to: z_stream())
        output = .allocate(byteCount: outputCapacity, alignment: 16)
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
        output.deallocate()
    }

    /// Points zlib at `input`; `avail_in` is 32 bits wide, so callers feed at most `maxInput` bytes a time.
    func setInput(_ input: UnsafeRawBufferPointer) {
        precondition(input.count <= ZStream.maxInput)
        pointer.pointee.next_in = input.baseAddress.map {
            // zlib.h declares next_in without const unless ZLIB_CONST is set; it never writes through it.
            UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self))
        }
        pointer.pointee.avail_in = uInt(input.count)
    }

    /// Forgets the caller's input buffer, which is only valid during the call that set it.
    func clearInput() {
        pointer.pointee.next_in = nil
        pointer.pointee.avail_in = 0
    }

    /// Makes the whole output buffer available to zlib.
    func resetOutput() {
        pointer.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        pointer.pointee.avail_out = uInt(output.count)
    }

    /// The bytes zlib wrote since the last `resetOutput()`.
    var produced: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: output[..<(output.count - Int(pointer.pointee.avail_out))])
    }

    /// The message zlib left for the last failure, if any.
    var message: UnsafePointer<CChar>? { UnsafePointer(pointer.pointee.msg) }

    /// The largest input handed to zlib in one go: `avail_in` is a 32-bit `uInt`.
    static let maxInput = 1 << 30
}

/// Calls `body` with the bytes of `input`, copying only if the collection is not contiguous.
func withContiguousBytes<Bytes: Collection<UInt8>, R>(
    _ input: Bytes,
    _ body: (UnsafeRawBufferPointer) throws -> R
) rethrows -> R {
    if let result = try input.withContiguousStorageIfAvailable({ try body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return try Array(input).withUnsafeBytes(body)
}

/// Splits `input` into pieces zlib can take in one call.
func forEachPiece(of input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
    var start = 0
    repeat {
        let end = min(input.count, start + ZStream.maxInput)
        try body(UnsafeRawBufferPointer(rebasing: input[start..<end]))
        start = end
    } while start < input.count
}
