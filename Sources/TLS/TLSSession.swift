import COpenSSL

/// One TLS connection's state, with no socket inside: the owner of the socket moves the ciphertext.
///
/// OpenSSL reads records from an input memory BIO that ``receive(_:)`` fills with what `recv` returned,
/// and writes records to an output memory BIO that ``takeOutput()`` empties for `send`. So the socket
/// lessons stay in the caller's code, unchanged, one layer down: a `send` may take only part of
/// ``takeOutput()``'s bytes (keep the rest and send it when writable), a `recv` of 0 is the end of the TCP
/// stream (``receiveEndOfStream()``), and a deadline still bounds every wait. No descriptor is handed to
/// OpenSSL (no `SSL_set_fd`), so the socket keeps its single owner.
///
/// Every call that returns ``Progress/needsInput`` means: send ``takeOutput()``'s bytes if any, then wait
/// until the socket is readable, ``receive(_:)`` what arrives, and call again. A session is used by one
/// thread at a time.
public final class TLSSession {
    /// What a step needs before it can go on.
    public enum Progress: Equatable, Sendable {
        case done
        /// More records from the peer: flush ``takeOutput()``, wait readable, ``receive(_:)``, retry.
        case needsInput
    }

    /// What ``read(into:)`` produced.
    public enum ReadResult: Equatable, Sendable {
        /// This many plaintext bytes were stored.
        case bytes(Int)
        /// No whole record yet: flush ``takeOutput()``, wait readable, ``receive(_:)``, retry.
        case needsInput
        /// The peer sent `close_notify`: a clean end of its data (RFC 8446 §6.1).
        case closed
    }

    private let context: TLSContext
    private let ssl: OpaquePointer
    /// Ciphertext from the peer, written by ``receive(_:)``; OpenSSL owns it once attached.
    private let input: OpaquePointer
    /// Ciphertext for the peer, read by ``takeOutput()``.
    private let output: OpaquePointer
    private var handshakeDone = false

    /// A session for `context`. For a client, `peerName` is the host the URL named: it is sent as SNI
    /// when it is a name (RFC 6066 §3 forbids IP literals there) and the certificate must match it
    /// (`SSL_set1_host(3)`; an IP literal is matched against the certificate's IP addresses instead).
    public init(context: TLSContext, peerName: String? = nil) throws(TLSError) {
        clearErrorQueue()
        guard let ssl = SSL_new(context.context), let input = BIO_new(BIO_s_mem()),
            let output = BIO_new(BIO_s_mem())
        else { throw TLSError(.protocolError, detail: drainErrors()) }
        self.context = context
        self.ssl = ssl
        self.input = input
        self.output = output
        // The session takes ownership of both BIOs: SSL_free(3) frees them.
        SSL_set_bio(ssl, input, output)
        // Which side of the handshake SSL_do_handshake(3) plays.
        if context.isServer { SSL_set_accept_state(ssl) } else { SSL_set_connect_state(ssl) }
        if let peerName {
            let parameters = SSL_get0_param(ssl)
            // X509_VERIFY_PARAM_set1_ip_asc(3) succeeds only for an IPv4 or IPv6 literal: OpenSSL's own
            // parser decides, so "name or address" is judged exactly as the check will use it.
            if X509_VERIFY_PARAM_set1_ip_asc(parameters, peerName) != 1 {
                ERR_clear_error()
                _ = copenssl_set_tlsext_host_name(ssl, peerName)
                _ = SSL_set1_host(ssl, peerName)
            }
        }
    }

    deinit { SSL_free(ssl) }

    // MARK: Ciphertext, moved by the socket's owner

    /// Hands OpenSSL bytes that `recv` returned. A memory BIO grows as needed, so all are taken.
    public func receive(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty, let base = bytes.baseAddress else { return }
        _ = BIO_write(input, base, Int32(bytes.count))
    }

    /// Convenience for ``receive(_:)`` with an array.
    public func receive(_ bytes: [UInt8]) { bytes.withUnsafeBytes { receive($0) } }

    /// Records that `recv` returned 0: from now on an empty input is an end of stream, not "wait".
    public func receiveEndOfStream() {
        // BIO_set_mem_eof_return(3): 0 makes BIO_read report EOF instead of "retry" once the buffer is empty;
        // OpenSSL 3 then fails SSL_read with "unexpected eof while reading" unless close_notify came first.
        _ = copenssl_bio_set_mem_eof_return(input, 0)
    }

    /// Whether records are waiting to be sent.
    public var hasOutput: Bool { copenssl_bio_pending(output) > 0 }

    /// Takes every record waiting to be sent. The caller sends them all, looping on partial sends.
    public func takeOutput() -> [UInt8] {
        let pending = Int(copenssl_bio_pending(output))
        guard pending > 0 else { return [] }
        // Uninitialized: BIO_read fills it (a server sends whole files through here, so no zero-fill first).
        return [UInt8](unsafeUninitializedCapacity: pending) { buffer, count in
            count = max(0, Int(BIO_read(output, buffer.baseAddress, Int32(pending))))
        }
    }

    /// Appends every record waiting to be sent to `bytes`: ``takeOutput()`` without a new array, for a
    /// sender that keeps one queue of unsent ciphertext.
    public func appendOutput(to bytes: inout [UInt8]) {
        let pending = Int(copenssl_bio_pending(output))
        guard pending > 0 else { return }
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: pending))
        let read = bytes.withUnsafeMutableBytes { BIO_read(output, $0.baseAddress! + start, Int32(pending)) }
        bytes.removeLast(pending - max(0, Int(read)))
    }

    // MARK: Plaintext

    /// Advances the handshake (`SSL_connect`/`SSL_accept` by role). Throws when it fails: the kind says
    /// whether the peer's certificate was rejected or the handshake itself failed.
    public func handshake() throws(TLSError) -> Progress {
        if handshakeDone { return .done }
        clearErrorQueue()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            handshakeDone = true
            return .done
        }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needsInput
        default:
            let verify = Int(SSL_get_verify_result(ssl))
            if context.verifiesPeer && verify != Int(X509_V_OK) {
                throw TLSError(.certificateRejected(code: verify), detail: Self.verifyReason(verify))
            }
            let detail = drainErrors()
            throw TLSError(Self.looksLikePlainHTTP(detail) ? .plainHTTP : .handshakeFailed, detail: detail)
        }
    }

    /// Decrypts what has arrived into `buffer`. A TCP end of stream without `close_notify` throws
    /// ``TLSError/Kind/truncated``: the caller decides what that means for a close-delimited body.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(TLSError) -> ReadResult {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return .bytes(0) }
        clearErrorQueue()
        let result = SSL_read(ssl, base, Int32(min(buffer.count, Int(Int32.max))))
        if result > 0 { return .bytes(Int(result)) }
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .needsInput
        case SSL_ERROR_ZERO_RETURN: return .closed
        default:
            let detail = drainErrors()
            let truncated = detail.contains("unexpected eof") || detail == "unknown error"
            throw TLSError(truncated ? .truncated : .protocolError, detail: detail)
        }
    }

    /// Encrypts all of `bytes` into records for ``takeOutput()`` and returns the count (all of it: a
    /// memory BIO never pushes back; the caller's send buffer is where back-pressure shows).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(TLSError) -> Int {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
        clearErrorQueue()
        let result = SSL_write(ssl, base, Int32(min(bytes.count, Int(Int32.max))))
        if result > 0 { return Int(result) }
        throw TLSError(.protocolError, detail: drainErrors())
    }

    /// Convenience for ``write(_:)`` with an array.
    public func write(_ bytes: [UInt8]) throws(TLSError) -> Int {
        var result = Result<Int, TLSError>.success(0)
        bytes.withUnsafeBytes { raw in result = Result { () throws(TLSError) -> Int in try write(raw) } }
        return try result.get()
    }

    /// Queues our `close_notify` (SSL_shutdown(3)); send ``takeOutput()`` before closing the socket, so the
    /// peer can tell our end of data from a cut connection.
    public func close() {
        _ = SSL_shutdown(ssl)
        // Nothing reads SSL_shutdown's errors: leave the queue empty for the next call.
        clearErrorQueue()
    }

    // MARK: What was negotiated

    /// Whether the handshake has completed.
    public var isHandshakeDone: Bool { handshakeDone }

    /// The protocol version in use, as OpenSSL names it: "TLSv1.3", "TLSv1.2" (SSL_get_version(3)).
    public var version: String { String(cString: SSL_get_version(ssl)) }

    /// What the handshake agreed and what the peer showed: `-v` output and `%{ssl_verify_result}`.
    public var summary: TLSSummary {
        var summary = TLSSummary(
            version: String(cString: SSL_get_version(ssl)),
            cipher: SSL_get_current_cipher(ssl).map { String(cString: SSL_CIPHER_get_name($0)) } ?? "",
            verifyResult: Int(SSL_get_verify_result(ssl))
        )
        summary.verifyReason = Self.verifyReason(summary.verifyResult)
        if let certificate = SSL_get1_peer_certificate(ssl) {
            defer { X509_free(certificate) }
            summary.subject = Self.text {
                X509_NAME_print_ex($0, X509_get_subject_name(certificate), 0, copenssl_xn_flag_rfc2253())
            }
            summary.issuer = Self.text {
                X509_NAME_print_ex($0, X509_get_issuer_name(certificate), 0, copenssl_xn_flag_rfc2253())
            }
            summary.notBefore = Self.text { ASN1_TIME_print($0, X509_get0_notBefore(certificate)) }
            summary.notAfter = Self.text { ASN1_TIME_print($0, X509_get0_notAfter(certificate)) }
        }
        if let name = copenssl_get_servername(ssl) { summary.serverName = String(cString: name) }
        return summary
    }

    /// X509_verify_cert_error_string(3) for `code`.
    static func verifyReason(_ code: Int) -> String { String(cString: X509_verify_cert_error_string(code)) }

    /// OpenSSL's reason when the first bytes were an HTTP request line instead of a ClientHello.
    private static func looksLikePlainHTTP(_ detail: String) -> Bool { detail.contains("http request") }

    /// Runs a printer into a memory BIO and returns what it wrote.
    private static func text(_ print: (OpaquePointer) -> Int32) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        _ = print(bio)
        let pending = Int(copenssl_bio_pending(bio))
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        return String(decoding: bytes.prefix(max(0, Int(read))), as: UTF8.self)
    }
}

/// What a TLS handshake agreed and what the peer's certificate said.
public struct TLSSummary: Equatable, Sendable {
    /// "TLSv1.3", "TLSv1.2".
    public var version: String
    /// The IANA/OpenSSL cipher suite name, such as "TLS_AES_256_GCM_SHA384".
    public var cipher: String
    /// `X509_V_OK` (0) or the `X509_V_ERR_*` code the check produced (curl's `%{ssl_verify_result}`).
    public var verifyResult: Int
    public var verifyReason = ""
    public var subject = ""
    public var issuer = ""
    public var notBefore = ""
    public var notAfter = ""
    /// The SNI name the client sent (server side), if any.
    public var serverName: String?
}
