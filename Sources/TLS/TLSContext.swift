import COpenSSL

/// The lowest (or highest) TLS version a context negotiates. TLS 1.0 and 1.1 are not offered at all
/// (RFC 8996 deprecates them).
public enum TLSVersion: Sendable, Equatable, Comparable {
    case v1_2, v1_3

    var openSSLValue: Int32 {
        switch self {
        case .v1_2: return TLS1_2_VERSION
        case .v1_3: return TLS1_3_VERSION
        }
    }
}

/// What a client checks about the server's certificate.
public enum TLSVerification: Sendable, Equatable {
    /// The system trust store (Debian's ca-certificates, `SSL_CTX_set_default_verify_paths(3)`).
    case systemTrustStore
    /// Only the CAs in a PEM file and/or a hashed folder (curl's `--cacert`, `--capath`): they replace the
    /// system store, as curl's do.
    case certificateAuthorities(file: String?, folder: String?)
    /// No verification at all (curl's `-k`); the result is still recorded for `%{ssl_verify_result}`.
    case none
}

/// One OpenSSL `SSL_CTX`: the settings shared by every session it makes (versions, trust, our own
/// certificate). Immutable once made; reloading a certificate means making a new context.
public final class TLSContext: @unchecked Sendable {
    // @unchecked: an SSL_CTX is safe to share between threads once configured (OpenSSL's threads(7)),
    // and nothing here changes it after init.
    let context: OpaquePointer
    /// Whether sessions from this context check the peer's certificate.
    let verifiesPeer: Bool
    /// Whether sessions from this context accept (server) rather than connect (client).
    let isServer: Bool

    /// A context for one side; `versions` bounds the protocol versions it negotiates.
    private init(isServer: Bool, versions: (TLSVersion, TLSVersion?), verifiesPeer: Bool) throws(TLSError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(isServer ? TLS_server_method() : TLS_client_method()) else {
            throw TLSError(.protocolError, detail: drainErrors())
        }
        self.context = context
        self.verifiesPeer = verifiesPeer
        self.isServer = isServer
        _ = copenssl_ctx_set_min_proto_version(context, versions.0.openSSLValue)
        if let maximum = versions.1 { _ = copenssl_ctx_set_max_proto_version(context, maximum.openSSLValue) }
    }

    deinit { SSL_CTX_free(context) }

    /// A client context: `verification` decides what a server certificate must satisfy; `certificate`
    /// and `key` (PEM) identify us to servers that ask (curl's `--cert`, `--key`).
    public static func client(
        verification: TLSVerification = .systemTrustStore,
        minimumVersion: TLSVersion = .v1_2,
        maximumVersion: TLSVersion? = nil,
        certificate: String? = nil,
        key: String? = nil
    ) throws(TLSError) -> TLSContext {
        let versions = (minimumVersion, maximumVersion)
        let context = try TLSContext(isServer: false, versions: versions, verifiesPeer: verification != .none)
        switch verification {
        case .systemTrustStore:
            guard SSL_CTX_set_default_verify_paths(context.context) == 1 else {
                throw TLSError(.unreadableFile(path: "the system trust store"), detail: drainErrors())
            }
        case .certificateAuthorities(let file, let folder):
            if let file { try requireReadable(file) }
            guard SSL_CTX_load_verify_locations(context.context, file, folder) == 1 else {
                throw TLSError(.unreadableFile(path: file ?? folder ?? ""), detail: drainErrors())
            }
        case .none:
            break
        }
        // SSL_VERIFY_PEER makes the handshake fail on a bad certificate; with .none the check still runs
        // and its result stays readable through SSL_get_verify_result(3).
        SSL_CTX_set_verify(context.context, verification == .none ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nil)
        if let certificate {
            try context.useCertificate(chain: certificate, key: key ?? certificate)
        }
        return context
    }

    /// A server context with our certificate chain and private key (PEM files). Throws a one-line reason
    /// when a file is unreadable, holds no certificate or key, or the key does not match the certificate.
    public static func server(
        certificateChain: String,
        key: String,
        minimumVersion: TLSVersion = .v1_2,
        maximumVersion: TLSVersion? = nil
    ) throws(TLSError) -> TLSContext {
        let context = try TLSContext(isServer: true, versions: (minimumVersion, maximumVersion), verifiesPeer: false)
        // The chain we send is exactly the file's. Without SSL_MODE_NO_AUTO_CHAIN, every handshake of a
        // leaf-only file would build a chain from the context's verify store (SSL_CTX_set_mode(3)): an
        // X509_verify_cert(3) per connection against a store a server context leaves empty, so it never
        // added a certificate; nginx sets the same mode.
        _ = copenssl_ctx_set_mode(context.context, Int(SSL_MODE_NO_AUTO_CHAIN))
        // One TLS 1.3 session ticket per handshake, not OpenSSL's default two (SSL_CTX_set_num_tickets(3)): an
        // HTTP/1.0 connection carries one exchange, so a client reconnects, and every connection, resumed or
        // full, hands out a fresh ticket for the next; clients use a ticket once (RFC 8446 §C.4). A second
        // ticket costs a full handshake about 3 % of its CPU (README "TLS rows").
        _ = SSL_CTX_set_num_tickets(context.context, 1)
        try context.useCertificate(chain: certificateChain, key: key)
        return context
    }

    /// Whether our own certificate's notAfter has passed (a warning at start-up, not an error).
    public var certificateHasExpired: Bool {
        guard let certificate = SSL_CTX_get0_certificate(context) else { return false }
        return X509_cmp_current_time(X509_get0_notAfter(certificate)) < 0
    }

    private func useCertificate(chain: String, key: String) throws(TLSError) {
        try Self.requireReadable(chain)
        try Self.requireReadable(key)
        ERR_clear_error()
        guard SSL_CTX_use_certificate_chain_file(context, chain) == 1 else {
            throw TLSError(.badCredentials(path: chain), detail: "no PEM certificate: " + drainErrors())
        }
        guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
            let errors = drainErrors()
            // OpenSSL 3 compares the key with the certificate while loading it (X509_check_private_key(3)).
            if errors.contains("key values mismatch") {
                throw TLSError(.badCredentials(path: key), detail: "the private key does not match the certificate")
            }
            throw TLSError(.badCredentials(path: key), detail: "no usable PEM private key: " + errors)
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw TLSError(.badCredentials(path: key), detail: "the private key does not match the certificate")
        }
    }

    /// Opens `path` through OpenSSL's own file BIO to tell "cannot read" (curl's 77/58) from "not PEM".
    private static func requireReadable(_ path: String) throws(TLSError) {
        ERR_clear_error()
        guard let bio = BIO_new_file(path, "r") else {
            throw TLSError(.unreadableFile(path: path), detail: drainErrors())
        }
        var probe: UInt8 = 0
        // fopen(3) succeeds on a folder; the first read is what fails (EISDIR).
        let read = BIO_read(bio, &probe, 1)
        BIO_free(bio)
        if read < 0 { throw TLSError(.unreadableFile(path: path), detail: "not a readable file") }
        ERR_clear_error()
    }
}

/// Empties this thread's OpenSSL error queue before a call whose failure SSL_get_error(3) classifies: that
/// function reads the queue, so an entry left by an earlier call would be taken for this one's. The queue is
/// nearly always empty already; ERR_peek_error(3) says so without ERR_clear_error(3)'s wipe of all 16 slots,
/// which cost about 800 instructions per call, ten calls per TLS connection (callgrind, 2026-12-07).
@inline(__always) func clearErrorQueue() {
    if ERR_peek_error() != 0 { ERR_clear_error() }
}

/// Empties this thread's OpenSSL error queue into one line (the errors are per thread: ERR_get_error(3)).
func drainErrors() -> String {
    var lines: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return lines.isEmpty ? "unknown error" : lines.joined(separator: "; ")
}
