#if canImport(Glibc)
import Glibc
#endif

/// A first-in first-out queue that threads share: ``pop()`` sleeps until an element arrives or the queue
/// is closed. Guarded by a `pthread_mutex_t` with a `pthread_cond_t` (see ``Locked`` for why not `Mutex`).
public final class BlockingQueue<Element>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private var elements: [Element] = []
    private var head = 0
    private var closed = false

    /// Creates an empty, open queue.
    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        let code = pthread_mutex_init(mutex, nil)
        precondition(code == 0, "pthread_mutex_init failed with \(code)")
        let conditionCode = pthread_cond_init(condition, nil)
        precondition(conditionCode == 0, "pthread_cond_init failed with \(conditionCode)")
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Appends `element` and wakes one waiting ``pop()``; after ``close()`` the element is dropped.
    ///
    /// The corresponding C function is `pthread_cond_signal(3)`.
    public func push(_ element: Element) {
        pthread_mutex_lock(mutex)
        if !closed { elements.append(element) }
        pthread_mutex_unlock(mutex)
        pthread_cond_signal(condition)
    }

    /// The oldest element, waiting for one if the queue is empty; `nil` once the queue is closed.
    ///
    /// The corresponding C function is `pthread_cond_wait(3)`.
    public func pop() -> Element? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while head == elements.count && !closed { pthread_cond_wait(condition, mutex) }
        if closed { return nil }
        let element = elements[head]
        head += 1
        // Drop the taken prefix now and then, so the array does not grow for ever.
        if head == elements.count {
            elements.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 {
            elements.removeFirst(head)
            head = 0
        }
        return element
    }

    /// Drops what is queued and makes every ``pop()``, waiting or later, return `nil`.
    public func close() {
        pthread_mutex_lock(mutex)
        closed = true
        elements.removeAll()
        head = 0
        pthread_mutex_unlock(mutex)
        pthread_cond_broadcast(condition)
    }
}
