#if canImport(Glibc)
import Glibc
#endif

/// A value that threads share, guarded by a `pthread_mutex_t`.
///
/// Why not `Synchronization.Mutex`: on Linux it waits with raw futex calls inside the standard
/// library, which is not built for ThreadSanitizer, so TSan cannot see the ordering it gives and
/// reports every guarded access as a race (seen here with Swift 6.3.1). TSan intercepts
/// `pthread_mutex_lock`, so with this lock the races it reports are real ones (NIO's `NIOLock`
/// makes the same choice).
public final class Locked<Value: ~Copyable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    /// Creates the lock around `value`.
    public init(_ value: consuming Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let code = pthread_mutex_init(mutex, nil)
        precondition(code == 0, "pthread_mutex_init failed with \(code)")
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value. Keep `body` short: others wait meanwhile.
    ///
    /// The corresponding C functions are `pthread_mutex_lock(3)` and `pthread_mutex_unlock(3)`.
    public func withLock<Result, Failure: Error>(
        _ body: (inout Value) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
