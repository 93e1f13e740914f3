import HTTPCore
import Sockets

/// Writes one Combined Log Format line per response.
///
/// `host - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.0" 200 2326 "referer" "agent"`:
/// the request line exactly as received (quotes, backslashes and control bytes escaped),
/// and the number of body bytes really sent.
public final class AccessLog: Sendable {
    private let output: Locked<OutputFile?>

    /// Creates a log writing to `destination`.
    ///
    /// - Throws: ``SystemError`` when the log file cannot be opened.
    public init(destination: ServerConfiguration.AccessLogDestination) throws(SystemError) {
        switch destination {
        case .standardOutput: output = Locked(.standardOutput)
        case .none: output = Locked(nil)
        case .file(let path): output = Locked(try OutputFile.open(FilePath(path), mode: .append))
        }
    }

    /// Writes the line for one response.
    public func record(
        client: String,
        request: HTTPRequest?,
        rawRequestLine: String?,
        status: Int,
        bytesSent: Int64,
        now: Int64
    ) {
        var line = client
        line += " - - [" + Self.commonLogDate(now) + "] \""
        line += Self.escape(request?.requestLine ?? rawRequestLine ?? "")
        line += "\" \(status) \(bytesSent) \""
        line += Self.escape(request?.headers["Referer"] ?? "-") + "\" \""
        line += Self.escape(request?.headers["User-Agent"] ?? "-") + "\"\n"
        output.withLock { $0?.write(line) }
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
