import Gzip
import HTTPCore
import System

/// One compression of one file version, in progress or done: the gzip body as it is made, in chunks, for
/// every response that wants it. The first request for a version that is not in the cache starts it on the
/// ``BackgroundPool``; later ones for the same version, on any loop, follow the same chunks from the first
/// (single flight), each at its own pace, so the version is compressed once however many want it.
///
/// Chunks are only ever appended and never change, so a reader sends from one without a copy or a lock. The
/// body is complete only when ``read(at:waking:token:)`` says `.end`: the gzip trailer (CRC and length, RFC 1952
/// §2.3.1) is appended only after the last check that the file is still the version the head promised. A body
/// that failed (the file changed or could not be read) says `.failed`, and its readers reset their connections.
///
/// A body that cannot be kept (the file is larger than the whole cache) is made for one reader only and kept
/// only in part: a chunk is dropped once read, and the producer pauses while more than ``window`` bytes wait
/// unread, so a slow client holds at most that much, whatever the file's size.
final class GzipFlight: Sendable {
    /// What a reader gets at its position.
    enum Progress {
        /// The next chunk.
        case chunk([UInt8])
        /// Nothing yet: the reader's token is posted to its mailbox when there is.
        case wait
        /// Every chunk was read: the body is complete.
        case end
        /// The body will never be complete: the file changed while it was compressed, or could not be read.
        case failed
    }

    /// The unread bytes at which the producer of a flight that is not kept pauses.
    static let window = 1 << 20

    private struct State {
        var chunks: [[UInt8]] = []
        /// Chunks dropped from the front (read, in a flight that is not kept): `chunks[0]` has this index.
        var dropped = 0
        /// Bytes in `chunks`.
        var unread = 0
        var total = 0
        var outcome: Bool? = nil
        var waiters: [(mailbox: LoopMailbox, token: UInt64)] = []
        /// Set while the producer of a flight that is not kept waits for its reader: what starts it again.
        var paused: (@Sendable () -> Void)? = nil
        /// The reader of a flight that is not kept has gone: the producer stops.
        var cancelled = false

        mutating func takeWaiters() -> [(mailbox: LoopMailbox, token: UInt64)] {
            defer { waiters.removeAll() }
            return waiters
        }
    }

    /// The file version this is the body of.
    let version: FileVersion
    /// Whether every chunk is kept: for the cache, and for readers that join later. `false` for a body larger
    /// than the cache, made for its one reader.
    let keeps: Bool
    private let state: Locked<State>

    /// A flight still to be made by a ``GzipProducer``.
    init(version: FileVersion, keeps: Bool = true) {
        self.version = version
        self.keeps = keeps
        state = Locked(State())
    }

    /// A flight that is already complete: a body from the cache, sent the same way.
    init(version: FileVersion, complete bytes: [UInt8]) {
        self.version = version
        self.keeps = true
        state = Locked(State(chunks: [bytes], unread: bytes.count, total: bytes.count, outcome: true))
    }

    /// The chunk at `index` (0 first), or what to do when there is none yet. On `.wait`, `token` is posted to
    /// `mailbox` once the flight has grown or ended (once: a reader that waits again asks again).
    func read(at index: Int, waking mailbox: LoopMailbox, token: UInt64) -> Progress {
        var resume: (@Sendable () -> Void)?
        defer { resume?() }
        return state.withLock { state in
            let position = index - state.dropped
            if position >= 0 && position < state.chunks.count {
                let chunk = state.chunks[position]
                if !keeps {
                    // The one reader has it: drop it, and let a paused producer go on once half the window is free.
                    state.chunks.removeFirst(position + 1)
                    state.dropped += position + 1
                    state.unread -= chunk.count
                    if state.paused != nil && state.unread <= Self.window / 2 {
                        resume = state.paused
                        state.paused = nil
                    }
                }
                return .chunk(chunk)
            }
            switch state.outcome {
            case true?: return .end
            case false?: return .failed
            case nil:
                if !state.waiters.contains(where: { $0.mailbox === mailbox && $0.token == token }) {
                    state.waiters.append((mailbox, token))
                }
                return .wait
            }
        }
    }

    /// The bytes made so far.
    var count: Int { state.withLock { $0.total } }

    /// Whether the flight has ended, complete or failed.
    var hasEnded: Bool { state.withLock { $0.outcome != nil } }

    /// Appends a chunk (the producer only) and wakes the readers waiting for one.
    func append(_ chunk: [UInt8]) {
        guard !chunk.isEmpty else { return }
        wake(
            state.withLock { state in
                state.chunks.append(chunk)
                state.unread += chunk.count
                state.total += chunk.count
                return state.takeWaiters()
            }
        )
    }

    /// Ends the flight (the producer only): `complete` when every chunk is in; then wakes every reader.
    func end(complete: Bool) {
        wake(
            state.withLock { state in
                state.outcome = complete
                return state.takeWaiters()
            }
        )
    }

    /// For the producer of a flight that is not kept: whether to stop until the reader catches up. When it says
    /// `true`, `resume` is kept and called once the reader has taken enough (or has gone).
    func pauses(resume: @escaping @Sendable () -> Void) -> Bool {
        state.withLock { state in
            guard !keeps, !state.cancelled, state.unread > Self.window else { return false }
            state.paused = resume
            return true
        }
    }

    /// The reader of a flight that is not kept has gone (its connection closed): the producer stops at its next
    /// slice, and a paused one is started once more to see it. No effect on a kept flight.
    func cancel() {
        guard !keeps else { return }
        let resume = state.withLock { state -> (@Sendable () -> Void)? in
            state.cancelled = true
            state.chunks = []
            state.unread = 0
            defer { state.paused = nil }
            return state.paused
        }
        resume?()
    }

    /// Whether the reader of a flight that is not kept has gone.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// The whole body, once complete: what the cache keeps.
    func joined() -> [UInt8] {
        state.withLock { state in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(state.total)
            for chunk in state.chunks { bytes.append(contentsOf: chunk) }
            return bytes
        }
    }

    private func wake(_ waiters: [(mailbox: LoopMailbox, token: UInt64)]) {
        for waiter in waiters { waiter.mailbox.post(waiter.token) }
    }
}

/// Makes one ``GzipFlight`` on the pool, a slice at a time: reads ``sliceBytes`` of the file, compresses them,
/// appends what zlib gave, checks that the file is still the version being compressed, and asks for another
/// slice until the end. Only the pool thread running its current slice touches it.
final class GzipProducer: @unchecked Sendable {
    /// The input compressed per slice: a few milliseconds of zlib at level 6, so other jobs get turns.
    static let sliceBytes = 256 * 1024

    private let flight: GzipFlight
    private let file: OpenFile
    private let status: FileStatus
    private let compressor: GzipCompressor
    private let pool: BackgroundPool
    private var encoder: GzipEncoder?
    private var offset: Int64 = 0
    private var buffer: [UInt8] = []

    /// Takes over `file` (closed when the flight ends).
    init(flight: GzipFlight, file: OpenFile, status: FileStatus, compressor: GzipCompressor, pool: BackgroundPool) {
        self.flight = flight
        self.file = file
        self.status = status
        self.compressor = compressor
        self.pool = pool
    }

    /// Queues the first slice on the pool.
    func start() {
        pool.submit { self.step() }
    }

    /// One slice; `true` while more are needed now.
    func step() -> Bool {
        if flight.isCancelled {
            file.close()
            compressor.abandon(flight)
            return false
        }
        do {
            if encoder == nil {
                encoder = try GzipEncoder(level: compressor.options.level)
                buffer = [UInt8](repeating: 0, count: 64 * 1024)
            }
            guard let encoder else { return false }
            var output: [UInt8] = []
            let sliceEnd = min(status.size, offset + Int64(Self.sliceBytes))
            while offset < sliceEnd {
                let want = Int(min(Int64(buffer.count), sliceEnd - offset))
                let count = try buffer.withUnsafeMutableBytes {
                    try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<want]), at: offset)
                }
                // Truncated since the fstat: not the version the head promised.
                guard count > 0 else { return fail() }
                offset += Int64(count)
                try encoder.compress(buffer[..<count]) { output.append(contentsOf: $0) }
            }
            // Written to meanwhile (same size, new mtime, or grown): the bytes may mix two versions. Checked before
            // every chunk leaves, so no reader ever gets a chunk made from bytes read after a change was visible.
            guard FileVersion(try file.status()) == flight.version else { return fail() }
            if offset < status.size {
                flight.append(output)
                // A flight that is not kept waits for its reader rather than filling memory; reading resumes it.
                return !flight.pauses { [self] in start() }
            }
            try encoder.finish { output.append(contentsOf: $0) }
            flight.append(output)
            compressor.complete(flight, originalSize: status.size)
            file.close()
            return false
        } catch {
            return fail()
        }
    }

    private func fail() -> Bool {
        file.close()
        compressor.abandon(flight)
        return false
    }
}
