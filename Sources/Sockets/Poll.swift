import System

#if canImport(Glibc)
import Glibc
#endif

/// Waits for one descriptor to become ready, with `poll(2)`.
///
/// Good for a single socket (a client's connect or read deadline); the server's
/// many connections belong in an event loop instead.
public enum Poll {
    /// What to wait for.
    public enum Event: Sendable {
        case readable, writable
    }

    /// Converts a duration to whole milliseconds for `poll`, rounding up so a short wait is never 0.
    public static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }

    /// Waits until `socket` is ready for `event`, or `timeoutMilliseconds` passed (-1 waits forever).
    ///
    /// An EINTR wakes the wait early; it then waits again for the time that is left,
    /// measured on the monotonic clock, so a signal storm cannot stretch the deadline.
    /// - Returns: `true` when ready (an error or hang-up also counts: the next call reports it),
    ///   `false` on timeout.
    ///
    /// The corresponding C function is `poll(2)`.
    public static func wait(for event: Event, on socket: Socket, timeoutMilliseconds: Int32) throws -> Bool {
        let deadline = timeoutMilliseconds < 0 ? nil : ContinuousClock.now + .milliseconds(Int(timeoutMilliseconds))
        return try socket.withUnsafeHandle { fd -> Bool in
            var entry = pollfd(fd: fd, events: Int16(event == .readable ? POLLIN : POLLOUT), revents: 0)
            while true {
                var remaining: Int32 = -1
                if let deadline {
                    remaining = milliseconds(max(.zero, deadline - ContinuousClock.now))
                }
                let ready = Glibc.poll(&entry, 1, remaining)
                if ready > 0 { return true }
                if ready == 0 { return false }
                let code = errno
                if code != EINTR { throw SystemError(call: "poll", errno: code) }
            }
        }
    }
}
