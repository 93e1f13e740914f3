import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// Starting plain POSIX threads, without Foundation.
public enum Threads {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Runs `body` on a new detached thread.
    ///
    /// - Throws: ``SystemError`` when the thread cannot be created (EAGAIN: out of threads).
    ///
    /// The corresponding C function is `pthread_create(3)`.
    public static func detach(_ body: @escaping @Sendable () -> Void) throws(SystemError) {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let code = pthread_create(
            &thread,
            nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            },
            context
        )
        if code != 0 {
            Unmanaged<Box>.fromOpaque(context).release()
            // pthread functions return the error number instead of setting errno.
            throw SystemError(call: "pthread_create", errno: code)
        }
        pthread_detach(thread)
    }

    /// The number of processors this process may run on, at least 1: the CPU affinity mask
    /// (`sched_getaffinity(2)`), so `taskset -c 0 http-serve` counts one; else `sysconf(_SC_NPROCESSORS_ONLN)`.
    public static var processorCount: Int {
        let available = Int(csystem_available_cpus())
        return max(1, available > 0 ? available : sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// Lowers the calling thread's scheduling priority by `steps` nice levels (at most to 19), so that threads
    /// at the default priority preempt it when they wake (sched(7): CFS weights by nice value). Failure is
    /// harmless and ignored: the thread keeps its priority.
    ///
    /// The corresponding C function is `setpriority(2)` on the thread's id (`gettid(2)`).
    public static func lowerPriority(by steps: Int) {
        _ = csystem_lower_thread_priority(Int32(steps))
    }

    /// Sleeps the calling thread for `duration`, resuming after EINTR (`nanosleep(2)`).
    public static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
