import Sockets
import Synchronization
import System

/// What the event loops of one server share: the listening socket they all accept from, the stop flag
/// and the notifier that wakes them for it, and the ``ServerConfiguration/maxConnections`` slots.
///
/// Every member may be used from any loop's thread at once.
final class SharedListener: Sendable {
    /// The socket every loop accepts from, registered with `EPOLLEXCLUSIVE` in each loop's epoll set.
    let listener: Socket
    /// Wakes every loop when the server stops.
    let notifier: EventNotifier
    /// The most connections open at once.
    let maxConnections: Int
    private let stopping = Atomic<Bool>(false)
    private let openConnections = Atomic<Int>(0)
    private let warned = Atomic<Bool>(false)
    /// Guards the listener's shutdown (from any thread, on stop) against its close (at the end of `run`).
    private let listenerOpen = Locked<Bool>(true)

    init(listener: Socket, notifier: EventNotifier, maxConnections: Int) {
        self.listener = listener
        self.notifier = notifier
        self.maxConnections = maxConnections
    }

    /// Stops accepting for every loop and wakes them; the second and later calls do nothing.
    func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        // shutdown(SHUT_RD) on a listening socket takes it out of the LISTEN state on Linux (tcp_disconnect):
        // queued connections are reset and new ones refused at once, instead of waiting in the backlog
        // for an accept that will never come. The port stays ours until the socket is closed.
        listenerOpen.withLock { open in
            if open { try? listener.shutdown(.read) }
        }
        notifier.notify()
    }

    /// Whether ``stop()`` was called.
    var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Closes the listener once every loop is done with it; a later ``stop()`` no longer touches it.
    func closeListener() {
        listenerOpen.withLock { open in
            open = false
            listener.close()
        }
    }

    /// Takes one of the `maxConnections` slots; `false` when all are taken.
    func reserveConnectionSlot() -> Bool {
        if openConnections.add(1, ordering: .relaxed).newValue <= maxConnections { return true }
        openConnections.subtract(1, ordering: .relaxed)
        return false
    }

    /// Gives a slot back when its connection closes.
    func releaseConnectionSlot() {
        openConnections.subtract(1, ordering: .relaxed)
    }

    /// Whether a slot is free, so a loop that paused at the limit may listen again.
    var hasRoomForConnection: Bool { openConnections.load(ordering: .relaxed) < maxConnections }

    /// Sends `message` to `log` the first time only, so a condition that lasts cannot flood it.
    func warnOnce(_ message: String, to log: ServerLog) {
        guard !warned.exchange(true, ordering: .relaxed) else { return }
        log.warning(message)
    }
}
