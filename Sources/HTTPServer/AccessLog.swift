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
        var bytes = Array(client.utf8)
        appendFields(
            to: &bytes,
            user: user,
            request: request,
            rawRequestLine: rawRequestLine,
            status: status,
            bytesSent: bytesSent,
            date: Array(commonLogDate(now).utf8),
            tlsVersion: tlsVersion
        )
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the line of ``line(client:user:request:rawRequestLine:status:bytesSent:now:tlsVersion:)``
    /// after its first field, the client's address, which the caller has appended, to `bytes` without building
    /// a `String` (the hot path: the date comes preformatted, numbers and escapes are written byte by byte).
    static func appendFields(
        to bytes: inout [UInt8],
        user: String?,
        request: HTTPRequest?,
        rawRequestLine: String?,
        status: Int,
        bytesSent: Int64,
        date: [UInt8],
        tlsVersion: String?
    ) {
        // CLF's third field is the authenticated user (RFC 7617); escaped like every request-borne value.
        bytes.append(contentsOf: " - ".utf8)
        if let user, !user.isEmpty { appendEscaped(user, to: &bytes) } else { bytes.append(UInt8(ascii: "-")) }
        bytes.append(contentsOf: " [".utf8)
        bytes.append(contentsOf: date)
        bytes.append(contentsOf: "] \"".utf8)
        appendEscaped(request?.requestLine ?? rawRequestLine ?? "", to: &bytes)
        bytes.append(contentsOf: "\" ".utf8)
        appendDecimal(Int64(status), to: &bytes)
        bytes.append(UInt8(ascii: " "))
        appendDecimal(bytesSent, to: &bytes)
        bytes.append(contentsOf: " \"".utf8)
        appendEscaped(request?.headers[.referer] ?? "-", to: &bytes)
        bytes.append(contentsOf: "\" \"".utf8)
        appendEscaped(request?.headers[.userAgent] ?? "-", to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        if let tlsVersion {
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: tlsVersion.utf8)
        }
        bytes.append(UInt8(ascii: "\n"))
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
        appendEscaped(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` escaped as ``escape(_:)`` does. `text` holds ISO-8859-1 code points
    /// (``Swift/String/init(latin1:)``), so each code point is one received byte.
    static func appendEscaped(_ text: String, to bytes: inout [UInt8]) {
        // Nearly every value needs no escape at all: then its bytes go in as one block.
        let copied = text.utf8.withContiguousStorageIfAvailable { utf8 in
            if utf8.contains(where: needsEscape) { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied == true { return }
        let start = bytes.count
        // Nearly every value is ASCII: its UTF-8 bytes are the bytes received.
        for byte in text.utf8 {
            guard byte < 0x80 else {
                bytes.removeSubrange(start...)
                for scalar in text.unicodeScalars {
                    appendEscaped(byte: scalar.value < 256 ? UInt8(scalar.value) : UInt8(ascii: "?"), to: &bytes)
                }
                return
            }
            appendEscaped(byte: byte, to: &bytes)
        }
    }

    /// Whether ``appendEscaped(_:to:)`` writes `byte` other than as itself.
    private static func needsEscape(_ byte: UInt8) -> Bool {
        !(0x20..<0x7F).contains(byte) || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }

    private static func appendEscaped(byte: UInt8, to bytes: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(byte)
        case 0x20..<0x7F:
            bytes.append(byte)
        default:
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(UInt8(ascii: "x"))
            bytes.append(hexDigit(byte >> 4))
            bytes.append(hexDigit(byte & 0xF))
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    /// Appends `value` in decimal.
    static func appendDecimal(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }
}
