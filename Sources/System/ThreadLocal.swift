#if canImport(Glibc)
import Glibc
#endif

/// One instance of a class for each thread: made on the thread's first ``value``, released when the thread ends.
///
/// Why: state that one event loop reads and writes on every request (the `Date` text of the current second)
/// needs no lock when no other thread can reach it, and a loop is one thread. Other threads that ask (the
/// background pool's) get instances of their own.
///
/// The corresponding C functions are `pthread_key_create(3)`, `pthread_getspecific(3)` and `pthread_setspecific(3)`.
public final class ThreadLocal<Value: AnyObject>: @unchecked Sendable {
    /// A constant: reading a class's `var` is checked for exclusive access at run time on every call.
    private let key: pthread_key_t
    private let make: @Sendable () -> Value

    /// Creates the slot; `make` makes a thread's instance when it first asks.
    public init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
        var key = pthread_key_t()
        // The destructor runs as a thread exits, with the value it left (pthread_key_create(3)).
        let code = pthread_key_create(&key) { raw in
            if let raw { Unmanaged<AnyObject>.fromOpaque(raw).release() }
        }
        precondition(code == 0, "pthread_key_create failed with \(code)")
        self.key = key
    }

    deinit {
        // pthread_key_delete(3) runs no destructors: the instance of the thread that lets the slot go is released
        // here; other threads still running keep (and leak) theirs. The server's slots are static, never freed.
        if let raw = pthread_getspecific(key) {
            pthread_setspecific(key, nil)
            Unmanaged<AnyObject>.fromOpaque(raw).release()
        }
        pthread_key_delete(key)
    }

    /// The calling thread's instance.
    public var value: Value {
        if let raw = pthread_getspecific(key) { return Unmanaged<Value>.fromOpaque(raw).takeUnretainedValue() }
        let made = make()
        let code = pthread_setspecific(key, Unmanaged.passRetained(made as AnyObject).toOpaque())
        precondition(code == 0, "pthread_setspecific failed with \(code)")
        return made
    }
}
