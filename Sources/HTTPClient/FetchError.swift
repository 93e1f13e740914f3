/// A failed fetch: a message for the user and the exit status, numbered as curl numbers them.
public struct FetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// curl's exit status for this kind of failure (`man curl`, EXIT CODES).
    public let exitCode: Int32
    /// One line for the user, without the program name.
    public let message: String

    /// Creates an error.
    public init(exitCode: Int32, message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    public var description: String { message }

    /// 1: a scheme other than http.
    public static func unsupportedProtocol(_ scheme: String) -> FetchError {
        FetchError(exitCode: 1, message: "unsupported protocol '\(scheme)': http-fetch speaks plain http:// only")
    }
    /// 3: the URL cannot be parsed.
    public static func malformedURL(_ why: String) -> FetchError {
        FetchError(exitCode: 3, message: "malformed URL: \(why)")
    }
    /// 6: the host name does not resolve.
    public static func couldNotResolve(_ why: String) -> FetchError { FetchError(exitCode: 6, message: why) }
    /// 7: no resolved address accepted the connection.
    public static func couldNotConnect(_ why: String) -> FetchError {
        FetchError(exitCode: 7, message: "could not connect: \(why)")
    }
    /// 18: the body ended before its Content-Length.
    public static func partialFile(remaining: Int64) -> FetchError {
        FetchError(exitCode: 18, message: "transfer closed with \(remaining) bytes remaining to read")
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
    /// 28: a deadline passed.
    public static func timedOut(_ what: String) -> FetchError { FetchError(exitCode: 28, message: "\(what) timed out") }
    /// 52: the server closed without sending a byte.
    public static let emptyReply = FetchError(exitCode: 52, message: "empty reply from server")
    /// 55: sending the request failed.
    public static func sendFailed(_ why: String) -> FetchError {
        FetchError(exitCode: 55, message: "failed sending the request: \(why)")
    }
    /// 56: receiving the response failed (reset, malformed head).
    public static func receiveFailed(_ why: String) -> FetchError {
        FetchError(exitCode: 56, message: "failure receiving the response: \(why)")
    }
    /// 56: the server reset the connection.
    public static let connectionReset = receiveFailed("connection reset by peer")
    /// 5: the proxy's host name does not resolve.
    public static func couldNotResolveProxy(_ why: String) -> FetchError {
        FetchError(exitCode: 5, message: "could not resolve proxy: \(why)")
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
    public static func fileTooLarge(_ limit: Int64) -> FetchError {
        FetchError(exitCode: 63, message: "Maximum file size exceeded (\(limit) bytes)")
    }
    /// 1: a redirect to a scheme other than http.
    public static func redirectToUnsupported(_ location: String) -> FetchError {
        FetchError(
            exitCode: 1,
            message: "refusing to follow a redirect to '\(location)': http-fetch speaks plain http:// only"
        )
    }
    /// 23: writing was impossible; curl's number for any failed write, a closed pipe included.
    public var isWriteError: Bool { exitCode == 23 }
}
