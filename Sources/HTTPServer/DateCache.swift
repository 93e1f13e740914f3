import HTTPCore
import System

/// The `Date` header's text for the current second, formatted once per second by each thread that asks.
///
/// A server answering thousands of requests a second would otherwise format the same date each time. Each
/// thread (an event loop, a background worker) keeps its own second and text, so no lock is taken: a shared
/// entry behind a mutex cost about 260 instructions per request (callgrind, 2026-12-07), one thread's costs a
/// `pthread_getspecific` and a comparison.
final class DateCache: Sendable {
    static let shared = DateCache()

    /// One thread's second and its text.
    private final class Entry {
        var seconds = Int64.min
        var text = ""
    }
    private let entries = ThreadLocal { Entry() }

    /// The IMF-fixdate for `seconds` (RFC 9110 §5.6.7), from the calling thread's cache when it is that second.
    func format(_ seconds: Int64) -> String {
        let entry = entries.value
        if entry.seconds != seconds {
            entry.text = HTTPDate.format(seconds)
            entry.seconds = seconds
        }
        return entry.text
    }
}
