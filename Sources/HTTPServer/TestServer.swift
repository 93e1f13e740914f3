import Synchronization
import System

/// A ``Server`` serving a folder from background threads, for a package's own tests.
///
/// Three lines start a server on a free loopback port, give you its URL and stop it:
///
/// ```swift
/// import HTTPClient
/// import HTTPServer
///
/// let server = try TestServer(root: "www")   // 127.0.0.1, port 0: the kernel picks a free port
/// defer { server.stop() }
/// let response = try Client().fetch(server.url + "hello.txt")
/// #expect(response.status == .ok)
/// ```
///
/// The server is the same engine `http-serve` runs, with its defaults except for the port (0),
/// the access log (none) and the event loops (one). It does not touch signal handlers: SIGINT and
/// SIGTERM keep meaning what the test runner makes them mean. ``stop()`` returns once the loop has
/// finished and the listening socket is closed, so the port is free again; dropping the last
/// reference stops the server too.
public final class TestServer: Sendable {
    /// The running server: its ``Server/localAddress``, ``Server/configuration``.
    public let server: Server
    private let state = State()

    /// What the loop's thread reports; a separate object, so the thread does not keep `self` alive.
    private final class State: Sendable {
        let finished = Atomic<Bool>(false)
        let error = Locked<(any Error)?>(nil)
    }

    /// Starts serving `root` on `host`, port `port`, before returning.
    ///
    /// - Parameters:
    ///   - root: the folder to serve, relative to the current directory or absolute.
    ///   - host: the address to listen on; loopback by default.
    ///   - port: the port; 0 (the default) lets the kernel pick a free one, read it back from ``url`` or ``port``.
    ///   - configure: changes any other ``ServerConfiguration`` field, for example `{ $0.gzip.enabled = false }`.
    /// - Throws: ``Server/StartError`` when the root is not a readable folder or the address cannot be bound,
    ///   or when the thread for the event loop cannot be started.
    public init(
        root: String,
        host: String = "127.0.0.1",
        port: UInt16 = 0,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws(Server.StartError) {
        var configuration = ServerConfiguration()
        configuration.root = root
        configuration.host = host
        configuration.port = port
        configuration.accessLog = .none
        configuration.workers = 1
        configure(&configuration)
        let server = try Server(configuration: configuration)
        self.server = server
        let state = self.state
        do {
            // The listener is already bound and listening, so a request sent right after this returns
            // waits in the accept queue until the loop takes it (listen(2)).
            try Threads.detach {
                do { try server.run() } catch { state.error.withLock { $0 = error } }
                state.finished.store(true, ordering: .sequentiallyConsistent)
            }
        } catch {
            throw Server.StartError(description: "cannot start the event loop: \(error)")
        }
    }

    deinit { stop() }

    /// The root URL, `http://127.0.0.1:PORT/`; append a path without its leading slash: `server.url + "a.txt"`.
    public var url: String { server.url }

    /// The port the server listens on: with port 0, the one the kernel picked.
    public var port: UInt16 { server.localAddress.port }

    /// Stops accepting, lets responses in flight finish, and returns once the listening socket is closed.
    ///
    /// Calling it again does nothing. Waits at most the server's grace period plus two seconds.
    public func stop() {
        server.stop()
        let deadline = MonotonicClock.milliseconds() + server.gracePeriodMilliseconds + 2000
        while !state.finished.load(ordering: .sequentiallyConsistent) && MonotonicClock.milliseconds() < deadline {
            Threads.sleep(.milliseconds(1))
        }
    }

    /// Whether the event loop has returned, after ``stop()`` or because it failed.
    public var isStopped: Bool { state.finished.load(ordering: .sequentiallyConsistent) }

    /// Why the event loop returned early, if it failed (an epoll set that could not be created).
    public var error: (any Error)? { state.error.withLock { $0 } }
}
