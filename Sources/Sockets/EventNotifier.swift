import CSystem
import System

#if canImport(Glibc)
import Glibc
#endif

/// A wake-up signal between threads: an `eventfd(2)` that turns readable, and stays readable,
/// once ``notify()`` is called. It owns its descriptor.
///
/// One notifier registered in every event loop lets ``notify()`` from any thread wake them all,
/// where a signal would interrupt only the one thread it happens to be delivered to.
public final class EventNotifier: @unchecked Sendable {
    private var descriptor: Int32

    /// Creates a non-blocking, close-on-exec eventfd.
    ///
    /// The corresponding C function is `eventfd(2)`.
    public init() throws(SystemError) {
        descriptor = try retryingOnInterrupt("eventfd") { csystem_eventfd() }
    }

    deinit {
        close()
    }

    /// Makes the notifier readable. Safe from any thread; failures (a counter at its maximum) are harmless.
    public func notify() {
        guard descriptor >= 0 else { return }
        _ = try? retryingOnInterrupt("write") { csystem_eventfd_signal(descriptor) }
    }

    /// Makes the notifier unreadable again until the next ``notify()``: call it when the wake-up is taken,
    /// or a level-triggered epoll set reports it on every wait. Nothing to take is not an error (EAGAIN).
    ///
    /// The corresponding C function is `read(2)` of the eventfd counter.
    public func consume() {
        guard descriptor >= 0 else { return }
        _ = try? retryingOnInterrupt("read") { csystem_eventfd_consume(descriptor) }
    }

    /// Calls `body` with the raw descriptor, for ``Epoll``; `body` must not close it or keep it.
    func withUnsafeHandle<R, Failure: Error>(_ body: (Int32) throws(Failure) -> R) throws(Failure) -> R {
        precondition(descriptor >= 0, "notifier used after close")
        return try body(descriptor)
    }

    /// Closes the descriptor; calling it again does nothing.
    public func close() {
        closeOnce(&descriptor)
    }
}
