import HTTPCore
import System

/// The rules for a response that a server cut short after our half-close (issue 9).
///
/// Some servers (nginx among them) take a client's `shutdown(SHUT_WR)` for the client going away and
/// abort a response as soon as they would have to wait for the socket to drain, although RFC 9112 §9.6
/// lets a client half-close and still read. A body that ends before its `Content-Length` on a
/// half-closed connection is taken for such an abort. The rest is asked for with `Range`, guarded by
/// `If-Range`, on a connection that is not half-closed; only a 206 that continues the very same
/// representation is appended. Everything else means fetching the whole body again without half-close,
/// which is only possible while no byte has gone where it cannot be taken back (standard output).
public enum HalfCloseRecovery {
    /// A validator for `If-Range` (RFC 9110 §13.1.5): only strong validators qualify.
    public enum Validator: Equatable, Sendable {
        /// A strong entity tag.
        case entityTag(EntityTag)
        /// A `Last-Modified` date that is a strong validator (RFC 9110 §8.8.2.2), as received.
        case lastModified(String)

        /// The `If-Range` field value.
        public var fieldValue: String {
            switch self {
            case .entityTag(let tag): return tag.description
            case .lastModified(let date): return date
            }
        }
    }

    /// What is known of a response whose body was cut short, enough to ask for the rest of it.
    public struct Cut: Equatable, Sendable {
        /// The position in the representation of this response's first body byte: 0 for a 200, first-pos of a 206.
        public var start: Int64
        /// Body bytes received, as on the wire (before any content coding is decoded).
        public var received: Int64
        /// The complete length of the representation.
        public var completeLength: Int64
        /// What `If-Range` carries.
        public var validator: Validator
        /// The content coding of the body (`nil` for identity): the continuation must have the same.
        public var contentEncoding: String?

        /// The first byte still missing.
        public var resumeAt: Int64 { start + received }

        /// Describes a response to a GET cut after `received` body bytes; `nil` when the rest cannot be
        /// asked for safely, and the whole body has to be fetched again.
        ///
        /// - Parameters:
        ///   - head: the head of the cut response, a 200 with `Content-Length` or a 206 with a complete length.
        ///   - method: the request method; RFC 9110 §14.2 defines range requests for GET only.
        ///   - received: the body bytes that arrived.
        public init?(head: HTTPResponseHead, method: HTTPMethod, received: Int64) {
            guard method == .get, head.headers.values(for: "Transfer-Encoding").isEmpty else { return nil }
            guard let length = head.headers["Content-Length"].flatMap({ Int64($0.trimmingWhitespace()) }) else {
                return nil
            }
            switch head.status.code {
            case 200:
                start = 0
                completeLength = length
            case 206:
                // RFC 9110 §14.4: a 206 for a single range names its place and the complete length.
                guard
                    case .bytes(let first, let last, let complete?) = head.headers["Content-Range"].flatMap(
                        ContentRange.init(parsing:)
                    ), last - first + 1 == length
                else { return nil }
                start = first
                completeLength = complete
            default:
                return nil
            }
            guard received >= 0, start + received < completeLength,
                let validator = HalfCloseRecovery.validator(of: head)
            else { return nil }
            self.received = received
            self.validator = validator
            contentEncoding = HalfCloseRecovery.contentEncoding(of: head)
        }

        /// The fields to add to the original request: `Range: bytes=N-` and `If-Range`.
        ///
        /// RFC 9110 §13.1.5: with `If-Range` the server sends the range only if the representation is
        /// unchanged, and the whole of it otherwise, so a changed file can never be spliced onto the old bytes.
        public var requestFields: [(name: String, value: String)] {
            [("Range", "bytes=\(resumeAt)-"), ("If-Range", validator.fieldValue)]
        }
    }

    /// What to do with the answer to the `Range` request.
    public enum Verdict: Equatable, Sendable {
        /// A 206 that continues the same representation exactly where the cut was: append its body.
        case append
        /// Anything else; the reason, for `-v`.
        case refuse(String)
    }

    /// Checks the answer to the `Range` request sent for `cut`.
    ///
    /// Only a 206 whose `Content-Range` starts at the cut and runs to the end of the same complete length,
    /// with the same validator and the same content coding, continues the body; a 200 is the whole
    /// representation again (it changed, or ranges are not supported), and anything else cannot be trusted.
    public static func verdict(for head: HTTPResponseHead, continuing cut: Cut) -> Verdict {
        let code = head.status.code
        guard code == 206 else { return .refuse("the server answered \(code) \(head.status.reasonPhrase), not 206") }
        guard
            case .bytes(let first, let last, let complete) = head.headers["Content-Range"].flatMap(
                ContentRange.init(parsing:)
            )
        else {
            return .refuse("206 without a single-range Content-Range ('\(head.headers["Content-Range"] ?? "")')")
        }
        let expected = ContentRange.bytes(
            first: cut.resumeAt,
            last: cut.completeLength - 1,
            completeLength: cut.completeLength
        )
        guard first == cut.resumeAt, last == cut.completeLength - 1, complete == cut.completeLength else {
            return .refuse("Content-Range '\(head.headers["Content-Range"] ?? "")' instead of '\(expected)'")
        }
        // The 206 must name the same validator (RFC 9110 §15.3.7 asks a server to send it as a 200 would):
        // a server that ignores If-Range would otherwise splice a changed file onto the old bytes.
        switch cut.validator {
        case .entityTag(let tag):
            guard let other = head.headers["ETag"].flatMap(EntityTag.init(parsing:)), other.stronglyMatches(tag) else {
                return .refuse("the 206 has ETag '\(head.headers["ETag"] ?? "")', not \(tag)")
            }
        case .lastModified(let date):
            guard let other = head.headers["Last-Modified"], other.trimmingWhitespace() == date else {
                return .refuse("the 206 has Last-Modified '\(head.headers["Last-Modified"] ?? "")', not '\(date)'")
            }
        }
        guard contentEncoding(of: head) == cut.contentEncoding else {
            return .refuse("the 206 has another Content-Encoding ('\(head.headers["Content-Encoding"] ?? "")')")
        }
        return .append
    }

    /// Whether a request with `method` may be sent again without the user asking: only the idempotent
    /// methods of RFC 9110 §9.2.2 (repeating a POST could, say, place an order twice).
    public static func mayRepeat(_ method: HTTPMethod) -> Bool {
        ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"].contains(method.rawValue)
    }

    /// The strong validator of `head`, if it has one: a strong `ETag`, else a `Last-Modified` at least one
    /// second older than `Date`.
    ///
    /// RFC 9110 §13.1.5: a client must not send a weak entity tag in `If-Range`, nor a date unless it has
    /// no entity tag and the date is strong; §8.8.2.2: a date is strong when the server's `Date` is at
    /// least one second later (a file changed twice within a second would otherwise go unnoticed).
    /// - Parameter now: the current time in seconds since the epoch, to read two-digit years.
    public static func validator(
        of head: HTTPResponseHead,
        now: Int64 = WallClock.secondsSinceEpoch()
    ) -> Validator? {
        if let field = head.headers["ETag"] {
            guard let tag = EntityTag(parsing: field), !tag.isWeak else { return nil }
            return .entityTag(tag)
        }
        guard let modified = head.headers["Last-Modified"]?.trimmingWhitespace(),
            let date = head.headers["Date"]
        else { return nil }
        guard let changed = HTTPDate.parse(modified, now: now), let sent = HTTPDate.parse(date, now: now),
            sent - changed >= 1
        else { return nil }
        return .lastModified(modified)
    }

    /// The content coding of `head`, lower case; `nil` for none or `identity`.
    static func contentEncoding(of head: HTTPResponseHead) -> String? {
        guard let coding = head.headers["Content-Encoding"]?.trimmingWhitespace().lowercased(),
            !coding.isEmpty, coding != "identity"
        else { return nil }
        return coding
    }
}
