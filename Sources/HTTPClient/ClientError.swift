import HTTPCore

/// Why a fetch failed, as the HTTP client sees it: what went wrong, never what a command line should exit with.
///
/// The `Fetch` library maps these to curl's exit codes in one place (`FetchError.init(_:)`); embedders
/// switch over the cases. The description is one line for a person.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The URL names a scheme other than `http` and `https`; the scheme, in lower case.
    case unsupportedScheme(String)
    /// The URL cannot be parsed; the text says why.
    case malformedURL(String)
    /// The host name (the proxy's, with `viaProxy`) does not resolve; the resolver's message.
    case resolveFailed(String, viaProxy: Bool)
    /// No resolved address accepted the connection; what each attempt ran into (`connect: Connection refused`).
    case connectFailed(String)
    /// A deadline passed; what was going on (`connection to h:81 (...)`, `sending the request`, `operation`).
    case timedOut(String)
    /// Sending the request failed; the system error.
    case sendFailed(String)
    /// The server closed the connection without sending a byte.
    case emptyReply
    /// The server reset the connection (`ECONNRESET`).
    case connectionReset
    /// Receiving failed for another reason; the system error.
    case receiveFailed(String)
    /// The reply has no status line: HTTP/0.9, or garbage, and HTTP/0.9 was not allowed.
    case noStatusLine
    /// The status line's version or status code cannot be read (`HTTP/1.0 2x0`, `HTTP/2 200`); curl's words.
    case unsupportedStatusLine(String)
    /// A line of the response head is malformed: a NUL byte (RFC 9110 §5.5), a field line without a colon, a
    /// bad field name, a continuation line before any field; the text says which.
    case malformedHead(String)
    /// The response head was cut short by the close or grew too large; or a proxy refused the tunnel.
    case badResponse(String)
    /// The body's framing cannot be trusted: a bad `Content-Length`, broken chunked coding (RFC 9112 §6.3, §7.1).
    case badFraming(HTTPFramingError)
    /// The connection ended inside the body: `received` body bytes of `expected` (`nil`: a chunked body whose
    /// last chunk never came). Never a success: RFC 9112 §8 calls such a message incomplete.
    case cutBody(received: Int64, expected: Int64?)
    /// The body is longer than the caller's limit (bytes).
    case bodyTooLarge(Int)
    /// The TLS handshake failed: no common protocol version or cipher, the server does not speak TLS, or it
    /// sent an alert. OpenSSL's reason.
    case tlsHandshakeFailed(String)
    /// The server's certificate did not verify: untrusted issuer, self-signed, expired, or not for this host.
    /// The verification error (`X509_verify_cert_error_string(3)`) and its `X509_V_ERR_*` code
    /// (`SSL_get_verify_result(3)`: 18 self-signed, 20 unknown issuer, 10 expired, 62 wrong name...), which
    /// `%{ssl_verify_result}` prints.
    case certificateRejected(String, verifyResult: Int)
    /// A CA file or folder given for verification cannot be read or holds no certificate.
    case certificateAuthoritiesUnusable(String)
    /// Our own client certificate or key cannot be read, parsed, or they do not match.
    case clientCertificateUnusable(String)
    /// The TCP connection ended without the server's TLS `close_notify` where that alone could mark the end
    /// of the body (a close-delimited body): an attacker can cut a connection but cannot forge `close_notify`
    /// (RFC 8446 §6.1), so the body may be incomplete.
    case tlsTruncated

    public var description: String {
        switch self {
        case .unsupportedScheme(let scheme):
            return "unsupported protocol '\(scheme)': only http:// and https:// are supported"
        case .malformedURL(let why): return "malformed URL: \(why)"
        case .resolveFailed(let why, let viaProxy): return viaProxy ? "could not resolve proxy: \(why)" : why
        case .connectFailed(let why): return "could not connect: \(why)"
        case .timedOut(let what): return "\(what) timed out"
        case .sendFailed(let why): return "failed sending the request: \(why)"
        case .emptyReply: return "empty reply from server"
        case .connectionReset: return "failure receiving the response: connection reset by peer"
        case .noStatusLine: return "failure receiving the response: unsupported HTTP/0.9 reply (no status line)"
        case .receiveFailed(let why), .badResponse(let why): return "failure receiving the response: \(why)"
        case .unsupportedStatusLine(let why): return why
        case .malformedHead(let why): return "weird server reply: \(why)"
        case .badFraming(let error): return "failure receiving the response: \(error)"
        case .cutBody(let received, let expected?):
            return "transfer closed with \(expected - received) bytes remaining to read"
        // curl's words for a chunked body without its last chunk.
        case .cutBody(_, nil): return "transfer closed with outstanding read data remaining"
        case .bodyTooLarge(let limit): return "Maximum file size exceeded (\(limit) bytes)"
        case .tlsHandshakeFailed(let why): return "TLS handshake failed: \(why)"
        case .certificateRejected(let why, _): return "SSL certificate problem: \(why)"
        case .certificateAuthoritiesUnusable(let why): return why
        case .clientCertificateUnusable(let why): return "unable to use client certificate: \(why)"
        case .tlsTruncated:
            return "failure receiving the response: TLS connection closed without close_notify (unexpected eof)"
        }
    }

    /// Whether the body stopped early: cut at EOF, or reset by the server mid-body.
    public var isCutShort: Bool {
        switch self {
        case .cutBody, .connectionReset: return true
        default: return false
        }
    }

    /// Whether trying again later may succeed: no address accepted the connection, or a deadline passed.
    public var isTransient: Bool {
        switch self {
        case .connectFailed, .timedOut: return true
        default: return false
        }
    }
}
