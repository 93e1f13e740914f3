import HTTPClient

/// A failed fetch: a message for the user and the exit status, numbered as curl numbers them.
///
/// This is the edge where the client's semantic ``ClientError`` becomes a curl exit code: ``init(_:)`` is the
/// only mapping. Two errors are equal when their exit code and message are.
public struct FetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// curl's exit status for this kind of failure (`man curl`, EXIT CODES).
    public let exitCode: Int32
    /// One line for the user, without the program name.
    public let message: String
    /// The client's own account of the failure, when it came from the exchange rather than from curl's policy.
    public let cause: ClientError?

    /// Creates an error.
    public init(exitCode: Int32, message: String) {
        self.exitCode = exitCode
        self.message = message
        cause = nil
    }

    /// curl's exit code for `error` (`man curl`, EXIT CODES), with the client's description as the message.
    public init(_ error: ClientError) {
        var message = error.description
        switch error {
        case .unsupportedScheme(let scheme):
            exitCode = 1
            message = "unsupported protocol '\(scheme)': http-fetch speaks http:// and https:// only"
        case .malformedURL: exitCode = 3
        case .resolveFailed(_, let viaProxy): exitCode = viaProxy ? 5 : 6
        case .connectFailed: exitCode = 7
        case .cutBody: exitCode = 18
        case .timedOut: exitCode = 28
        case .emptyReply: exitCode = 52
        case .sendFailed: exitCode = 55
        // curl 7.88: a reply without a status line is CURLE_UNSUPPORTED_PROTOCOL (1, "Received HTTP/0.9 when
        // not allowed"), and so is a status line whose version or code it cannot read.
        case .noStatusLine:
            exitCode = 1
            message = "Received HTTP/0.9 when not allowed (a reply without a status line; use --http0.9)"
        case .unsupportedStatusLine: exitCode = 1
        // CURLE_WEIRD_SERVER_REPLY (8): a head line curl cannot take (a NUL, no colon) or a Content-Length
        // that is not a number. Our stricter refusals (a bad field name, Content-Lengths that differ) share it.
        case .malformedHead, .badFraming(.invalidContentLength): exitCode = 8
        case .connectionReset, .receiveFailed, .badResponse, .badFraming: exitCode = 56
        case .bodyTooLarge: exitCode = 63
        // curl's numbers for TLS: 35 CURLE_SSL_CONNECT_ERROR, 60 CURLE_PEER_FAILED_VERIFICATION,
        // 77 CURLE_SSL_CACERT_BADFILE, 58 CURLE_SSL_CERTPROBLEM; a close without close_notify is a receive
        // error (56), as curl 7.88 with OpenSSL 3 reports it.
        case .tlsHandshakeFailed: exitCode = 35
        case .certificateRejected: exitCode = 60
        case .certificateAuthoritiesUnusable: exitCode = 77
        case .clientCertificateUnusable: exitCode = 58
        case .tlsTruncated: exitCode = 56
        }
        self.message = message
        cause = error
    }

    public static func == (left: FetchError, right: FetchError) -> Bool {
        left.exitCode == right.exitCode && left.message == right.message
    }

    public var description: String { message }

    /// 18: the body ended `remaining` bytes before its Content-Length.
    public static func partialFile(remaining: Int64) -> FetchError {
        FetchError(.cutBody(received: 0, expected: remaining))
    }
    /// 18: a close-delimited gzip body ended without the gzip trailer: the connection was closed too early.
    public static let gzipCutShort = FetchError(
        exitCode: 18,
        message: "transfer closed before the end of the gzip stream"
    )
    /// 23: the body could not be written where it should go.
    public static func writeFailed(_ why: String) -> FetchError {
        FetchError(exitCode: 23, message: "failed writing body: \(why)")
    }
    /// 52: the server closed without sending a byte.
    public static let emptyReply = FetchError(.emptyReply)
    /// 5: the proxy setting is not a URL.
    public static func couldNotResolveProxy(_ why: String) -> FetchError {
        FetchError(.resolveFailed(why, viaProxy: true))
    }
    /// 22: `-f` and a status of 400 or more (curl's words).
    public static func httpError(_ code: Int) -> FetchError {
        FetchError(exitCode: 22, message: "The requested URL returned error: \(code)")
    }
    /// 33: a resume (`-C -`) the server did not honour with a matching 206.
    public static func rangeError(_ why: String) -> FetchError {
        FetchError(exitCode: 33, message: "cannot resume: \(why)")
    }
    /// 47: more redirects than `--max-redirs` allows.
    public static func tooManyRedirects(_ limit: Int) -> FetchError {
        FetchError(exitCode: 47, message: "Maximum (\(limit)) redirects followed")
    }
    /// 61: a `Content-Encoding` body that does not decode.
    public static func badContentEncoding(_ why: String) -> FetchError {
        FetchError(exitCode: 61, message: "bad content encoding: \(why)")
    }
    /// 63: the body is larger than `--max-filesize`.
    public static func fileTooLarge(_ limit: Int64) -> FetchError { FetchError(.bodyTooLarge(Int(limit))) }
    /// 1: a redirect to a scheme other than http and https.
    public static func redirectToUnsupported(_ location: String) -> FetchError {
        FetchError(
            exitCode: 1,
            message: "refusing to follow a redirect to '\(location)': http-fetch speaks http:// and https:// only"
        )
    }
}
