import Synchronization

#if canImport(Glibc)
import Glibc
#endif

private let stopSignalCount = Atomic<Int>(0)
private let hangupSignalCount = Atomic<Int>(0)

/// Process-wide signal handling for the two programs.
public enum Signals {
    /// Ignores SIGPIPE, so writing to a closed socket or pipe fails with EPIPE instead of killing the process.
    ///
    /// The second guard besides `MSG_NOSIGNAL`: it also covers `write(2)` to stdout.
    public static func ignoreBrokenPipe() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Makes SIGINT and SIGTERM set a flag instead of killing the process, and SIGHUP count up.
    ///
    /// Installed without `SA_RESTART`, so a blocked `poll`/`epoll_wait` wakes with EINTR and the loop
    /// looks at ``stopRequested`` at once. The handlers only touch lock-free atomics, which is
    /// async-signal-safe (signal-safety(7)).
    public static func installHandlers() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            if signal == SIGHUP {
                hangupSignalCount.add(1, ordering: .relaxed)
            } else {
                stopSignalCount.add(1, ordering: .relaxed)
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        sigaction(SIGHUP, &action, nil)
    }

    /// Whether SIGINT or SIGTERM arrived since ``installHandlers()``.
    public static var stopRequested: Bool { stopSignalCount.load(ordering: .relaxed) > 0 }

    /// How many SIGHUPs arrived so far; a change means "reopen the log file".
    public static var hangupCount: Int { hangupSignalCount.load(ordering: .relaxed) }
}
