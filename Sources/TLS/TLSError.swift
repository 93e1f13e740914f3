/// Why a TLS operation failed, in the terms a caller acts on (curl's exit codes, a start-up message, a
/// log line); the OpenSSL error queue's text is kept in ``detail``.
public struct TLSError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// A certificate, key or CA file or folder could not be read (curl: 77 for CA files, 58 for client
        /// certificates; http-serve: a start-up error).
        case unreadableFile(path: String)
        /// A file was read but holds no usable certificate or key, or the key does not match the certificate.
        case badCredentials(path: String)
        /// The handshake failed for a reason other than the peer's certificate: no common protocol version
        /// or cipher, the peer is not speaking TLS, an alert (curl: 35).
        case handshakeFailed
        /// A server saw an HTTP request where a ClientHello belongs: a plain-http client on the TLS port
        /// (nginx answers those with its 497 page).
        case plainHTTP
        /// The peer's certificate did not verify: `code` is OpenSSL's `X509_V_ERR_*` (curl: 60).
        case certificateRejected(code: Int)
        /// The TCP stream ended without the peer's `close_notify` (RFC 8446 §6.1): the data may be cut
        /// short by an attacker, so the caller must not treat a close-delimited body as complete.
        case truncated
        /// Any other protocol error after the handshake (a bad record MAC, an unexpected message).
        case protocolError
    }

    public let kind: Kind
    /// What OpenSSL said (its error queue, or the verification error text), for messages.
    public let detail: String

    public init(_ kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .unreadableFile(let path): return "cannot read \(path): \(detail)"
        case .badCredentials(let path): return "\(path): \(detail)"
        case .handshakeFailed: return "TLS handshake failed: \(detail)"
        case .plainHTTP: return "plain HTTP request on a TLS port"
        case .certificateRejected: return "server certificate rejected: \(detail)"
        case .truncated: return "TLS connection closed without close_notify: \(detail)"
        case .protocolError: return "TLS error: \(detail)"
        }
    }
}
