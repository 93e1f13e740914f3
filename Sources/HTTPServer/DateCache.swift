import HTTPCore
import System

/// The `Date` header's text for the current second, formatted once per second and shared by every loop.
///
/// A server answering thousands of requests a second would otherwise format the same date each time.
final class DateCache: Sendable {
    static let shared = DateCache()
    private let entry = Locked<(seconds: Int64, text: String)>((Int64.min, ""))

    /// The IMF-fixdate for `seconds` (RFC 9110 §5.6.7), from the cache when it is the cached second.
    func format(_ seconds: Int64) -> String {
        entry.withLock { entry in
            if entry.seconds != seconds { entry = (seconds, HTTPDate.format(seconds)) }
            return entry.text
        }
    }
}
