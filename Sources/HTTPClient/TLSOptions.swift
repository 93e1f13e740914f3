import TLS

/// How `https://` connections are secured: curl's `-k`, `--cacert`, `--capath`, `--tlsv1.2`, `--tlsv1.3`,
/// `--cert` and `--key`. The defaults are the safe ones: the system trust store, host name checked, TLS 1.2+.
public struct TLSOptions: Sendable, Equatable {
    /// The lowest protocol version offered (curl's `--tlsv1.2`, `--tlsv1.3`).
    public typealias Version = TLSVersion

    /// Check the server's certificate chain and name (off with `-k` / `--insecure`).
    public var verifyPeer = true
    /// Trust only the CAs in this PEM file (`--cacert`) instead of the system store.
    public var caFile: String?
    /// Trust only the CAs in this hashed folder (`--capath`, `c_rehash` layout) instead of the system store.
    public var caFolder: String?
    public var minimumVersion = Version.v1_2
    /// Our PEM certificate for servers that ask for one (`--cert`); the key may be in the same file.
    public var certificate: String?
    /// The PEM private key for ``certificate`` (`--key`); default: the certificate file.
    public var key: String?

    /// The safe defaults.
    public init() {}

    /// An OpenSSL context with these settings.
    ///
    /// - Throws: ``ClientError/certificateAuthoritiesUnusable(_:)`` for an unreadable CA file or folder,
    ///   ``ClientError/clientCertificateUnusable(_:)`` for a client certificate or key that cannot be used.
    func makeContext() throws(ClientError) -> TLSContext {
        let verification: TLSVerification =
            !verifyPeer
            ? .none
            : caFile != nil || caFolder != nil
                ? .certificateAuthorities(file: caFile, folder: caFolder) : .systemTrustStore
        do {
            return try TLSContext.client(
                verification: verification,
                minimumVersion: minimumVersion,
                certificate: certificate,
                key: key
            )
        } catch {
            switch error.kind {
            case .unreadableFile(let path) where path != certificate && path != key:
                // curl's words for an unusable --cacert or --capath.
                throw .certificateAuthoritiesUnusable(
                    "error setting certificate \(path == caFolder ? "path" : "file"): \(path)"
                )
            default:
                throw .clientCertificateUnusable(error.description)
            }
        }
    }
}

extension ClientError {
    /// The client's account of a failed TLS step.
    init(_ error: TLSError) {
        switch error.kind {
        case .certificateRejected(let code): self = .certificateRejected(error.detail, verifyResult: code)
        case .truncated: self = .tlsTruncated
        case .unreadableFile, .badCredentials: self = .clientCertificateUnusable(error.description)
        case .handshakeFailed, .plainHTTP, .protocolError: self = .tlsHandshakeFailed(error.detail)
        }
    }
}
