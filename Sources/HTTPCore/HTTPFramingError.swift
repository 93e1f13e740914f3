/// Why the length of a message body cannot be known or its framing is broken (RFC 9112 §6.3, §7.1).
///
/// Framing errors are unrecoverable: a recipient cannot tell where the body ends, so a server answers
/// 400 and closes, and a client gives up on the response.
public enum HTTPFramingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A `Content-Length` that is not a number, or several that differ (RFC 9112 §6.3 (5)); the first
    /// value as received, trimmed and in lower case.
    case invalidContentLength(String)
    /// A request whose `Transfer-Encoding` does not end in `chunked` (RFC 9112 §6.3 (4)); the codings.
    case unknownTransferCoding(String)
    /// Chunked framing that does not follow the grammar of RFC 9112 §7.1; the text says how.
    case malformedChunk(String)

    public var description: String {
        switch self {
        case .invalidContentLength(let value): return "invalid Content-Length '\(value)'"
        case .unknownTransferCoding(let codings): return "unknown Transfer-Encoding '\(codings)'"
        case .malformedChunk(let why): return "malformed chunked encoding: \(why)"
        }
    }
}
