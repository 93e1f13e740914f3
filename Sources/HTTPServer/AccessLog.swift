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
    private let output: Locked<OutputFile?>
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
            output = Locked(.standardOutput)
            path = nil
        case .none:
            output = Locked(nil)
            path = nil
        case .file(let name):
            path = FilePath(name)
            output = Locked(try OutputFile.open(FilePath(name), mode: .append))
        }
    }

    /// Reopens the log file by name, once for each new `generation` (the SIGHUP count: every event
    /// loop calls this, the first to see a new count does the work). Standard output is never reopened.
    ///
    /// Lines written meanwhile go to the old file or the new one, never lost: the new descriptor is
    /// opened first and swapped in under the lock (logrotate's "create" and "postrotate kill -HUP").
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
        let old = output.withLock { current in
            let old = current
            current = fresh
            return old
        }
        old?.close()
        return true
    }

    /// Writes one finished line (``line(client:user:request:rawRequestLine:status:bytesSent:now:tlsVersion:)``).
    public func write(_ line: String) {
        output.withLock { $0?.write(line) }
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
        var line = client
        // CLF's third field is the authenticated user (RFC 7617); escaped like every request-borne value.
        line += " - " + (user.map { $0.isEmpty ? "-" : Self.escape($0) } ?? "-")
        line += " [" + Self.commonLogDate(now) + "] \""
        line += Self.escape(request?.requestLine ?? rawRequestLine ?? "")
        line += "\" \(status) \(bytesSent) \""
        line += Self.escape(request?.headers["Referer"] ?? "-") + "\" \""
        line += Self.escape(request?.headers["User-Agent"] ?? "-") + "\""
        if let tlsVersion { line += " " + tlsVersion }
        return line + "\n"
    }

    /// `10/Oct/2000:13:55:36 +0000`.
    static func commonLogDate(_ seconds: Int64) -> String {
        let imf = HTTPDate.format(seconds)  // "Tue, 10 Oct 2000 13:55:36 GMT"
        let parts = imf.split(separator: " ")
        return "\(parts[1])/\(parts[2])/\(parts[3]):\(parts[4]) +0000"
    }

    /// Escapes `"`, `\` and bytes outside printable ASCII as `\xHH`, so a request cannot forge log lines.
    static func escape(_ text: String) -> String {
        var result = ""
        for byte in text.latin1Bytes {
            switch byte {
            case UInt8(ascii: "\""): result += "\\\""
            case UInt8(ascii: "\\"): result += "\\\\"
            case 0x20..<0x7F: result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789abcdef")
                result += "\\x" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return result
    }
}
