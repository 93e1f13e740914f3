import System

/// A path in a fresh temporary folder for one test's output file (`name` inside it); the folder goes afterwards,
/// with the file and its `.part`.
public func withTemporaryPath<R>(_ name: String, _ body: (String) throws -> R) throws -> R {
    let tree = TemporaryTree()
    return try body(tree.path + "/" + name)
}

/// Writes `bytes` to `path`, replacing what was there.
public func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let file = try OutputFile.open(FilePath(path), mode: .truncate)
    defer { file.close() }
    try file.writeAll(bytes)
}

/// The contents of `path`, or nil when it cannot be read (missing, say).
public func readFileIfPresent(_ path: String) -> [UInt8]? {
    guard let file = try? OpenFile.open(FilePath(path)) else { return nil }
    defer { file.close() }
    return try? file.readAll()
}
