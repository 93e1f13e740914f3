import HTTPCore
import System

/// Writes one Combined Log Format line per response.
///
/// `host - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.0" 200 2326 "referer" "agent"`:
/// the request line exactly as received (quotes, backslashes and control bytes escaped),
/// and the number of body bytes really sent. A server speaking https adds one field after them, the TLS
/// version (`TLSv1.3`, `TLSv1.2`, or `-` for a plain HTTP request on the TLS port), as nginx's
/// `$ssl_protocol` would.
///
/// A log file is reopened on SIGHUP (``reopen(generation:)``), so logrotate can move it away and
/// signal the server, which then writes to a new file of the same name.
public final class AccessLog: Sendable {
    /// The open file, and the one it replaced at the last reopen (kept open for lines logged before it).
    private struct Outputs {
        var current: OutputFile?
        /// The hangup count `current` was opened for.
        var currentGeneration = 0
        var previous: OutputFile?
    }

    private let output: Locked<Outputs>
    /// The log file's path; `nil` for standard output or no log.
    private let path: FilePath?
    /// The hangup count the file was last reopened for.
    private let generation = Locked<Int>(0)

    /// Creates a log writing to `destination`.
    ///
    /// - Throws: ``SystemError`` when the log file cannot be opened.
    public init(destination: ServerConfiguration.AccessLogDestination) throws(SystemError) {
        switch destination {
        case .standardOutput:
            output = Locked(Outputs(current: .standardOutput))
            path = nil
        case .none:
            output = Locked(Outputs())
            path = nil
        case .file(let name):
            path = FilePath(name)
            output = Locked(Outputs(current: try OutputFile.open(FilePath(name), mode: .append)))
        }
    }

    /// Reopens the log file by name, once for each new `generation` (the SIGHUP count: every event
    /// loop calls this, the first to see a new count does the work). Standard output is never reopened.
    ///
    /// Lines written meanwhile go to the old file or the new one, never lost: the new descriptor is
    /// opened first and swapped in under the lock (logrotate's "create" and "postrotate kill -HUP").
    /// The old file stays open until the next reopen, for lines another loop logged before the signal
    /// and writes later (``write(_:generation:)``).
    /// - Returns: `true` if the file was reopened.
    /// - Throws: ``SystemError`` when the file cannot be opened; the old one is kept then.
    @discardableResult
    public func reopen(generation wanted: Int) throws(SystemError) -> Bool {
        guard let path else { return false }
        let claimed = generation.withLock { seen in
            guard seen < wanted else { return false }
            seen = wanted
            return true
        }
        guard claimed else { return false }
        let fresh = try OutputFile.open(path, mode: .append)
        let retired = output.withLock { outputs in
            let retired = outputs.previous
            outputs.previous = outputs.current
            outputs.current = fresh
            outputs.currentGeneration = wanted
            return retired
        }
        retired?.close()
        return true
    }

    /// Writes one finished line (``line(client:user:request:rawRequestLine:status:bytesSent:now:tlsVersion:)``).
    public func write(_ line: String) {
        output.withLock { $0.current?.write(line) }
    }

    /// Writes finished lines (a loop's ``AccessLogBuffer``) in one `write(2)` under the lock, so lines of
    /// different loops never interleave; failures are ignored, as for every log line. Lines logged before
    /// hangup `generation` was reopened for go to the file that was open then.
    func write(_ bytes: UnsafeRawBufferPointer, generation: Int) {
        output.withLock { outputs in
            let file = generation < outputs.currentGeneration ? outputs.previous ?? outputs.current : outputs.current
            _ = try? file?.writeAll(bytes)
        }
    }

    /// The Combined Log Format line for one response, line end included; with `tlsVersion`, that field
    /// follows the user agent.
    public static func line(
        client: String,
        user: String? = nil,
        request: HTTPRequest?,
        rawRequestLine: String?,
        status: Int,
        bytesSent: Int64,
        now: Int64,
        tlsVersion: String? = nil
    ) -> String {
        line(
            client: client,
            AccessLogEntry(
                user: user,
                request: request,
                rawRequestLine: rawRequestLine,
                status: status,
                bytesSent: bytesSent,
                tlsVersion: tlsVersion
            ),
            now: now
        )
    }

    /// The line of `entry` for a response to `client` at `now`.
    static func line(client: String, _ entry: AccessLogEntry, now: Int64) -> String {
        let date = Array(commonLogDate(now).utf8)
        var bytes: [UInt8] = []
        bytes.appendWriting(atMost: client.utf8.count + entry.capacity) { writer in
            writer.writeUTF8(client)
            entry.write(to: &writer, date: date)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `10/Oct/2000:13:55:36 +0000`.
    static func commonLogDate(_ seconds: Int64) -> String {
        let imf = HTTPDate.format(seconds)  // "Tue, 10 Oct 2000 13:55:36 GMT"
        let parts = imf.split(separator: " ")
        return "\(parts[1])/\(parts[2])/\(parts[3]):\(parts[4]) +0000"
    }

    /// Escapes `"`, `\` and bytes outside printable ASCII as `\xHH`, so a request cannot forge log lines.
    static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.appendWriting(atMost: 4 * text.utf8.count) { $0.writeLogEscaped(text) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
