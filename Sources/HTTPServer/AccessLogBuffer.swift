import HTTPCore
import Sockets
import System

/// One event loop's access-log lines on their way to the ``AccessLog``: appended as bytes, written in one
/// `write(2)` per batch, as nginx's `access_log … buffer=64k flush=1s` does.
///
/// The loop writes the batch when it reaches ``flushBytes``, when its oldest line is ``flushMilliseconds``
/// old (the loop's epoll timeout is bounded by that moment, so an idle server flushes too), before a SIGHUP
/// reopen, and when the loop ends: no line is lost on a clean stop. Lines logged before a SIGHUP go to the
/// file open before it, whichever loop reopened and whenever this one writes them. Used by one thread only.
final class AccessLogBuffer {
    /// A batch this large is written at once (nginx's `buffer=` is often 64k; half of it keeps one
    /// write well inside a pipe's default 64 KiB capacity).
    static let flushBytes = 32768
    /// The oldest line waits at most this long.
    static let flushMilliseconds: Int64 = 1000

    let log: AccessLog
    /// The batch, written with plain stores (``ByteWriter``): `count` bytes of `room` are lines.
    private var room: UnsafeMutableBufferPointer<UInt8>
    private var count = 0
    /// Monotonic milliseconds of the oldest line not yet written; `nil` when empty.
    private(set) var pendingSince: Int64?
    /// The CLF date of ``dateSecond``, formatted once per second (as ``DateCache`` does for `Date`).
    private var date: [UInt8] = []
    private var dateSecond = Int64.min
    /// The SIGHUP count when the buffered lines were logged: they belong in the file open then.
    private var generation = 0

    /// The room's usual size: a full batch and the longest of ordinary lines.
    private static let roomSize = flushBytes + 8192

    init(log: AccessLog) {
        self.log = log
        room = .allocate(capacity: Self.roomSize)
    }

    deinit { room.deallocate() }

    /// Appends the line of `entry` for a response to `client`; writes the batch when it is full.
    /// `wallSeconds` is the time logged.
    func append(client: SocketAddress, _ entry: AccessLogEntry, wallSeconds: Int64) {
        // A SIGHUP since the last line: what waits was logged before it, so it goes out first, to the old file.
        let hangups = Signals.hangupCount
        if hangups != generation {
            flush()
            generation = hangups
        }
        if wallSeconds != dateSecond {
            dateSecond = wallSeconds
            date = Array(AccessLog.commonLogDate(wallSeconds).utf8)
        }
        let needed = SocketAddress.maximumHostLength + entry.capacity
        if needed > room.count - count {
            flush()
            // A line longer than the room (a huge request line or user agent, escaped): room made for it.
            if needed > room.count {
                room.deallocate()
                room = .allocate(capacity: needed)
            }
        }
        let line = UnsafeMutableBufferPointer(rebasing: room[count...])
        let hostLength = client.writeHost(into: line)
        count += hostLength
        count += UnsafeMutableBufferPointer(rebasing: line[hostLength...]).writing { entry.write(to: &$0, date: date) }
        if count >= Self.flushBytes { flush() }
    }

    /// Whether lines wait to be written.
    var hasLines: Bool { count > 0 }

    /// When the batch must be written by: `nil` when there is nothing to write.
    var flushDeadline: Int64? { pendingSince.map { $0 + Self.flushMilliseconds } }

    /// Called by the loop after each batch of events (`now` in monotonic milliseconds): notes when the
    /// oldest waiting line arrived (to within one batch), and writes the lines once it has waited long enough.
    func tick(now: Int64) {
        guard count > 0 else { return }
        guard let since = pendingSince else {
            pendingSince = now
            return
        }
        if now - since >= Self.flushMilliseconds { flush() }
    }

    /// Writes every buffered line in one call.
    func flush() {
        guard count > 0 else { return }
        log.write(UnsafeRawBufferPointer(start: room.baseAddress, count: count), generation: generation)
        count = 0
        // Room made for a huge line goes once that line is out.
        if room.count > Self.roomSize {
            room.deallocate()
            room = .allocate(capacity: Self.roomSize)
        }
        pendingSince = nil
    }
}
