/// The values `-w` / `--write-out` can print, after curl's variable names.
public struct TransferInfo: Sendable {
    /// The status code of the last response; 0 when none arrived (printed `000`, as curl does).
    public var statusCode = 0
    /// Body bytes received in the last response (after de-chunking, before gzip decoding).
    public var bodyBytes: Int64 = 0
    /// Bytes of every response head received.
    public var headerBytes: Int64 = 0
    /// Bytes of request body sent.
    public var uploadBytes: Int64 = 0
    /// From the start to the end of the transfer.
    public var total: Duration = .zero
    /// From the start until the last connection was established.
    public var connect: Duration = .zero
    /// From the start until the last response head arrived.
    public var startTransfer: Duration = .zero
    /// The URL last fetched.
    public var effectiveURL = ""
    /// How many redirects were followed.
    public var redirects = 0
    /// The last response's `Content-Type`.
    public var contentType = ""
    /// The peer of the last connection.
    public var remoteHost = ""
    public var remotePort = 0
    /// The status line's version, such as `1.0`.
    public var httpVersion = ""
    /// The last URL's scheme as curl prints it: `HTTP` or `HTTPS`.
    public var scheme = ""
    /// The last TLS handshake's certificate check: 0 (`X509_V_OK`) or OpenSSL's `X509_V_ERR_*` code; 0 for http.
    public var sslVerifyResult = 0
    /// The exit status and message.
    public var exitCode: Int32 = 0
    public var errorMessage = ""

    public init() {}
}

/// Expands a `-w` format: `%{name}` variables, `%%`, and the escapes `\n`, `\r`, `\t`, `\\`.
public enum WriteOut {
    /// The text for `format`; unknown variables expand to nothing and are named in `unknown`.
    public static func expand(_ format: String, _ info: TransferInfo) -> (text: String, unknown: [String]) {
        var output = ""
        var unknown: [String] = []
        var index = format.startIndex
        while index < format.endIndex {
            let character = format[index]
            let next = format.index(after: index)
            if character == "%", next < format.endIndex {
                if format[next] == "%" {
                    output += "%"
                    index = format.index(after: next)
                    continue
                }
                if format[next] == "{", let close = format[next...].firstIndex(of: "}") {
                    let name = String(format[format.index(after: next)..<close])
                    if let value = value(of: name, info) { output += value } else { unknown.append(name) }
                    index = format.index(after: close)
                    continue
                }
            }
            if character == "\\", next < format.endIndex {
                let escaped: String? = ["n": "\n", "r": "\r", "t": "\t", "\\": "\\"][format[next]]
                if let escaped {
                    output += escaped
                    index = format.index(after: next)
                    continue
                }
            }
            output.append(character)
            index = next
        }
        return (output, unknown)
    }

    static func value(of name: String, _ info: TransferInfo) -> String? {
        switch name {
        case "http_code", "response_code":
            let code = String(info.statusCode)
            return String(repeating: "0", count: max(0, 3 - code.count)) + code
        case "size_download": return String(info.bodyBytes)
        case "size_header": return String(info.headerBytes)
        case "size_upload": return String(info.uploadBytes)
        case "speed_download":
            let seconds = seconds(info.total)
            return String(seconds > 0 ? Int64(Double(info.bodyBytes) / seconds) : 0)
        case "time_total": return format(info.total)
        case "time_connect": return format(info.connect)
        case "time_starttransfer": return format(info.startTransfer)
        case "url_effective": return info.effectiveURL
        case "num_redirects": return String(info.redirects)
        case "content_type": return info.contentType
        case "remote_ip": return info.remoteHost
        case "remote_port": return info.remotePort == 0 ? "" : String(info.remotePort)
        case "http_version": return info.httpVersion
        case "scheme": return info.scheme
        case "ssl_verify_result": return String(info.sslVerifyResult)
        case "exitcode": return String(info.exitCode)
        case "errormsg": return info.errorMessage
        default: return nil
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Seconds with six decimals, as curl prints times: `0.001234`.
    static func format(_ duration: Duration) -> String {
        let micros = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
