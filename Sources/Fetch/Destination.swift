import HTTPClient
import System

/// Where the body is written, and the `.part` discipline that keeps a partial download from
/// ever looking finished.
///
/// A regular or new file `FILE` is written as `FILE.part` and renamed to `FILE` only after the
/// transfer succeeded; `/dev/null`, FIFOs and other special files are written directly, and so is
/// standard output. Files are opened lazily, so a fetch that fails before the body creates nothing.
final class Destination {
    enum Kind: Equatable {
        case standardOutput
        /// A regular or new file, written as `part` and renamed to `final`.
        case file(final: FilePath, part: FilePath)
        /// A special file (device, FIFO), written in place.
        case special(FilePath)
    }

    let kind: Kind
    private var file: OutputFile?
    /// Bytes already in the file before this run, when resuming.
    private(set) var resumeOffset: Int64 = 0
    /// Where the resumed bytes are: the `.part` file, or a finished-looking `FILE` left by another tool.
    private var resumeFromFinal = false
    /// The length of the file when the current attempt began, for a retry to go back to.
    private var attemptStart: Int64 = 0
    /// Bytes written during the current attempt.
    private(set) var written: Int64 = 0

    /// Decides the kind of destination for `target`.
    ///
    /// - Throws: ``FetchError`` 23 when `-O` finds no file name in the URL or `FILE` is a directory.
    init(target: OutputTarget, url: HTTPURL) throws(FetchError) {
        let name: String
        switch target {
        case .standardOutput:
            kind = .standardOutput
            return
        case .file(let path): name = path
        case .remoteName:
            guard let remote = url.remoteFileName else {
                throw .writeFailed("no file name in the URL for -O (the path ends in '/')")
            }
            name = remote
        }
        let path = FilePath(name)
        let status: FileStatus?
        do { status = try FileSystem.statusIfPresent(of: path) } catch { throw .writeFailed("\(name): \(error)") }
        switch status?.kind {
        case .directory: throw .writeFailed("\(name): is a directory")
        case .other: kind = .special(path)
        default: kind = .file(final: path, part: FilePath(name + ".part"))
        }
    }

    /// The path shown in messages.
    var displayName: String {
        switch kind {
        case .standardOutput: return "stdout"
        case .file(let final, _): return final.description
        case .special(let path): return path.description
        }
    }

    /// Measures what a resume (`-C -`) continues from: `FILE.part` if an earlier run left one, else `FILE`.
    func prepareResume() throws(FetchError) -> Int64 {
        guard case .file(let final, let part) = kind else { return 0 }
        do {
            if let status = try FileSystem.statusIfPresent(of: part), status.kind == .regular {
                resumeOffset = status.size
            } else if let status = try FileSystem.statusIfPresent(of: final), status.kind == .regular {
                resumeOffset = status.size
                resumeFromFinal = true
            }
        } catch {
            throw .writeFailed("\(displayName): \(error)")
        }
        return resumeOffset
    }

    /// Opens the destination for writing if it is not open yet.
    ///
    /// - Parameter append: continue after the resumed bytes (a matching 206); otherwise start empty.
    func open(append: Bool) throws(FetchError) {
        guard file == nil else { return }
        do {
            switch kind {
            case .standardOutput:
                file = .standardOutput
            case .special(let path):
                file = try OutputFile.open(path, mode: .existing)
            case .file(let final, let part):
                if append && resumeFromFinal {
                    // Move the finished-looking file aside first: until the rest has arrived it is a .part.
                    try FileSystem.rename(final, to: part)
                    resumeFromFinal = false
                }
                file = try OutputFile.open(part, mode: append ? .append : .truncate)
            }
            attemptStart = append ? resumeOffset : 0
        } catch {
            throw .writeFailed("\(displayName): \(error)")
        }
    }

    /// Writes every byte or throws exit 23 (a closed pipe included).
    func write(_ bytes: UnsafeRawBufferPointer) throws(FetchError) {
        if file == nil { try open(append: false) }
        do {
            try file!.writeAll(bytes)
        } catch {
            throw .writeFailed("\(displayName): \(error)")
        }
        written += Int64(bytes.count)
    }

    /// Writes `bytes`; see ``write(_:)-(UnsafeRawBufferPointer)``.
    func write(_ bytes: [UInt8]) throws(FetchError) {
        let result: Result<Void, FetchError> = bytes.withUnsafeBytes { raw in
            Result { () throws(FetchError) in try write(raw) }
        }
        try result.get()
    }

    /// Goes back to the state before the current attempt, so a retry does not duplicate bytes.
    ///
    /// - Returns: `false` when that is impossible: bytes already went to standard output or a special file.
    func rewind() -> Bool {
        guard written > 0 else { return true }
        guard case .file = kind, let file else { return false }
        do { try file.truncate(to: attemptStart) } catch { return false }
        written = 0
        return true
    }

    /// The transfer succeeded: closes the file and renames `FILE.part` to `FILE`.
    func commit() throws(FetchError) {
        if file == nil, !resumeFromFinal { try open(append: resumeOffset > 0) }
        file?.close()
        file = nil
        guard case .file(let final, let part) = kind, !resumeFromFinal else { return }
        do { try FileSystem.rename(part, to: final) } catch { throw .writeFailed("\(displayName): \(error)") }
    }

    /// The transfer failed: closes the file. An empty `.part` is removed; one with bytes stays for `-C -`.
    func abandon() {
        let wasOpen = file != nil
        file?.close()
        file = nil
        guard wasOpen, case .file(_, let part) = kind else { return }
        if let status = try? FileSystem.statusIfPresent(of: part), status.kind == .regular, status.size == 0 {
            try? FileSystem.unlink(part)
        }
    }
}
