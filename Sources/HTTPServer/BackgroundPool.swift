import Sockets
import System

/// Threads for work that must never run on an event-loop thread: compressing a gzip cache miss, building a
/// large listing. A loop submits a job and goes on serving; the job tells the loop it is done (or has made
/// progress) through that loop's ``LoopMailbox``.
///
/// A job runs one slice and says whether it wants another: then it goes to the back of the queue, so four long
/// compressions and a listing share the threads in turns instead of the listing waiting for all four. The
/// threads run a few nice levels below the loops, so a loop that wakes for a small request preempts them
/// (sched(7)) instead of waiting for a slice to end.
final class BackgroundPool: Sendable {
    /// One slice of work; returns `true` to be queued again for the next slice.
    typealias Job = @Sendable () -> Bool

    /// How far below the loops the pool's threads run (nice steps; setpriority(2)).
    static let niceSteps = 10

    private let queue = BlockingQueue<Job>()

    /// Starts `threads` threads (at least one).
    /// - Throws: ``SystemError`` when a thread cannot be created; the ones already started stop.
    init(threads: Int) throws(SystemError) {
        let queue = self.queue
        do {
            for _ in 0..<max(1, threads) {
                try Threads.detach {
                    Threads.lowerPriority(by: Self.niceSteps)
                    while let job = queue.pop() {
                        if job() { queue.push(job) }
                    }
                }
            }
        } catch {
            queue.close()
            throw error
        }
    }

    /// Queues `job` behind the slices already waiting.
    func submit(_ job: @escaping Job) {
        queue.push(job)
    }

    /// Drops the jobs still queued and lets the threads end after the slice each is running.
    func stop() {
        queue.close()
    }
}

/// How background work reaches one event loop: the tokens of the connections it concerns, and an eventfd in the
/// loop's epoll set that turns readable when the first token arrives.
final class LoopMailbox: Sendable {
    /// Registered in the loop's epoll set.
    let notifier: EventNotifier
    private let tokens = Locked<[UInt64]>([])

    init() throws(SystemError) {
        notifier = try EventNotifier()
    }

    /// Asks the loop to look at the connection `token` again (its plan is made, or its body has grown). A
    /// token whose connection has closed since, or was reused by another, costs that connection a look, no more.
    func post(_ token: UInt64) {
        let first = tokens.withLock { tokens in
            tokens.append(token)
            return tokens.count == 1
        }
        // One write per batch: the loop takes every token waiting when it wakes.
        if first { notifier.notify() }
    }

    /// The tokens posted since the last call; resets the eventfd first, so a post that races with this call
    /// either lands in this batch or wakes the loop again.
    func take() -> [UInt64] {
        notifier.consume()
        return tokens.withLock { tokens in
            defer { tokens.removeAll(keepingCapacity: true) }
            return tokens
        }
    }
}

/// A plan being made on the pool, and the slot its result waits in for the loop.
final class PendingPlan: Sendable {
    private let result = Locked<ResponsePlan?>(nil)

    /// Stores the plan; the loop picks it up with ``take()``.
    func fulfil(_ plan: ResponsePlan) {
        result.withLock { $0 = plan }
    }

    /// The plan once made (then no more); `nil` before.
    func take() -> ResponsePlan? {
        result.withLock { result in
            defer { result = nil }
            return result
        }
    }
}
