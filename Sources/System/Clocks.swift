#if canImport(Glibc)
import Glibc
#endif

/// The wall clock, for `Date` and `Last-Modified` headers.
public enum WallClock {
    /// The current time: whole seconds since the epoch (`clock_gettime(CLOCK_REALTIME)`).
    public static func secondsSinceEpoch() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }
}

/// The monotonic clock, for deadlines: it never jumps when the wall clock is set.
public enum MonotonicClock {
    /// Milliseconds since an arbitrary start (`clock_gettime(CLOCK_MONOTONIC)`).
    public static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
