import System

/// Where the server reports what its operator should see: warnings, errors, and one access-log line per
/// response. The one way library code writes a message; tests capture it by passing their own closures.
///
/// ```swift
/// var configuration = ServerConfiguration()
/// configuration.log = ServerLog(warning: { message in warnings.withLock { $0.append(message) } })
/// ```
public struct ServerLog: Sendable {
    /// Receives a warning (the server goes on), without prefix or line end.
    public var warning: @Sendable (String) -> Void
    /// Receives an error that stops the server, without prefix or line end.
    public var error: @Sendable (String) -> Void
    /// Receives each access-log line, line end included; `nil` writes them to
    /// ``ServerConfiguration/accessLog``.
    public var access: (@Sendable (String) -> Void)?

    /// Creates a log from its three outputs.
    /// - Parameters:
    ///   - warning: gets warnings; by default standard error as `http-serve: warning: …`.
    ///   - error: gets errors; by default standard error as `http-serve: error: …`.
    ///   - access: gets access-log lines; `nil` (the default) uses ``ServerConfiguration/accessLog``.
    public init(
        warning: @escaping @Sendable (String) -> Void = ServerLog.writeWarning,
        error: @escaping @Sendable (String) -> Void = ServerLog.writeError,
        access: (@Sendable (String) -> Void)? = nil
    ) {
        self.warning = warning
        self.error = error
        self.access = access
    }

    /// Warnings and errors to standard error, access lines to ``ServerConfiguration/accessLog``.
    public static let standard = ServerLog()

    /// Writes `http-serve: warning: <message>` to standard error.
    @Sendable public static func writeWarning(_ message: String) {
        OutputFile.standardError.write("http-serve: warning: \(message)\n")
    }

    /// Writes `http-serve: error: <message>` to standard error.
    @Sendable public static func writeError(_ message: String) {
        OutputFile.standardError.write("http-serve: error: \(message)\n")
    }
}
