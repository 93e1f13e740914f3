import System

/// The standard streams and the like, for a command built on this library: `http-serve` imports
/// `HTTPServer` alone, never the system modules below it.
public typealias OutputFile = System.OutputFile

extension Server {
    /// Makes SIGINT and SIGTERM ask ``run(stopOnSignals:)`` to stop, and SIGHUP reopen the access log;
    /// ignores SIGPIPE. For a program that is the server: call it before ``init(configuration:listener:)``,
    /// so a SIGTERM during start-up still stops it cleanly. Embedders that own their signals skip it.
    public static func installSignalHandlers() {
        Signals.ignoreBrokenPipe()
        Signals.installHandlers()
    }
}
