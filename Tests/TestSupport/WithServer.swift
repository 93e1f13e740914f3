import HTTPServer

/// The repository's `www/` folder, found relative to this file: the default site and the shared fixture.
public let wwwPath: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/TestSupport/WithServer.swift
    return parts.joined(separator: "/") + "/www"
}()

/// Runs `body` with a ``TestServer`` serving `root` on 127.0.0.1, port 0, and stops it afterwards.
///
/// The server has the engine's defaults, all of its event loops included (a bare `TestServer` runs one), with
/// `configure` applied, for example `{ $0.timeout = .seconds(1) }`.
@discardableResult
public func withServer<R>(
    root: String = wwwPath,
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (TestServer) throws -> R
) throws -> R {
    let server = try TestServer(root: root) { configuration in
        configuration.workers = ServerConfiguration().workers
        configure(&configuration)
    }
    defer { server.stop() }
    return try body(server)
}
