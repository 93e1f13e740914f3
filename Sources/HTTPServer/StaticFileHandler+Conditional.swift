import HTTPCore
import System

/// Conditional requests (RFC 9110 §13) and byte ranges (RFC 9110 §14) on a file's 200 plan.
extension StaticFileHandler {
    /// Whether the request has a field that turns a file's 200 into a 412, 304, 206 or 416: a condition
    /// (`If-…`, RFC 9110 §13.1) or `Range` (§14.2). Most requests have none: one test of the parsed request's
    /// index stands for the six lookups.
    static func mayNarrow(_ headers: HTTPHeaders) -> Bool {
        headers.containsAny([.ifMatch, .ifNoneMatch, .ifModifiedSince, .ifUnmodifiedSince, .ifRange, .range])
    }

    /// A 412 plan if `If-Match` or `If-Unmodified-Since` fails, else `nil` (RFC 9110 §13.2.2 steps 1-2).
    ///
    /// `If-Match` compares strongly (`*` matches any current file); `If-Unmodified-Since` counts only
    /// without `If-Match`, and an invalid date is ignored. The validators compared are `plan`'s own.
    func makePreconditionFailedPlan(for plan: ResponsePlan, request: HTTPRequest, now: Int64) -> ResponsePlan? {
        guard plan.status == .ok else { return nil }
        let passes: Bool
        if let value = request.headers[.ifMatch] {
            let current = plan.entityTag
            switch EntityTag.parseList(value) {
            case .any: passes = true
            case .tags(let tags): passes = current.map { tag in tags.contains { $0.stronglyMatches(tag) } } ?? false
            }
        } else if let since = Self.singleDate(.ifUnmodifiedSince, in: request, now: now) {
            passes = plan.lastModified.map { $0.secondsSinceEpoch <= since } ?? false
        } else {
            passes = true
        }
        return passes ? nil : makeErrorPlan(.preconditionFailed, now: now)
    }

    /// The date in the field `name` when it appears exactly once and parses; otherwise `nil`, and the field is
    /// ignored (RFC 9110 §13.1.3, §13.1.4: an invalid or repeated date is not a condition).
    private static func singleDate(_ name: HTTPHeaders.KnownName, in request: HTTPRequest, now: Int64) -> Int64? {
        guard request.headers.count(named: name) == 1, let value = request.headers[name] else { return nil }
        return HTTPDate.parse(value, now: now)
    }

    /// Turns `plan` into a 304 (its file closed) if the request's validators say the client's copy is current;
    /// `true` when it did.
    ///
    /// `If-None-Match` takes precedence; `If-Modified-Since` counts only without it (RFC 9110 §13.2.2).
    /// The tag compared is the one in `plan`, so a negotiated variant is compared with its own tag.
    func makeNotModified(_ plan: inout ResponsePlan, request: HTTPRequest, now: Int64) -> Bool {
        guard plan.status == .ok, request.method == .get || request.method == .head else { return false }
        let notModified: Bool
        if let value = request.headers[.ifNoneMatch] {
            // RFC 9110 §13.1.2: weak comparison; `*` matches any current representation.
            let current = plan.entityTag
            notModified = current.map { EntityTag.parseList(value).weaklyMatches($0) } ?? false
        } else if let since = Self.singleDate(.ifModifiedSince, in: request, now: now) {
            // Last-Modified has one-second precision.
            notModified = plan.lastModified.map { $0.secondsSinceEpoch <= since } ?? false
        } else {
            notModified = false
        }
        guard notModified else { return false }
        // RFC 9110 §15.4.5: a 304 has no content; its head is the 200's, cut to what a 304 repeats
        // (ResponsePlan.head), so it carries the same validators.
        plan.closeFile()
        plan.status = .notModified
        plan.body = .none
        return true
    }

    /// Narrows `plan` by the request's `Range`: a 206, a 416, or `plan` unchanged.
    ///
    /// Only GET has ranges (RFC 9110 §14.2: a server ignores Range for other methods), so a HEAD
    /// shows exactly the head of a plain GET. `If-Range` that does not match means the whole file.
    func applyRange(to plan: inout ResponsePlan, request: HTTPRequest, now: Int64) {
        guard request.method == .get, plan.status == .ok, let range = request.headers[.range] else {
            return
        }
        if let condition = request.headers[.ifRange], !ifRangeMatches(condition, plan: plan, now: now) {
            return
        }
        let length = plan.bodyLength
        switch RangeOutcome(rangeField: range, length: length) {
        case .full:
            return
        case .unsatisfiable:
            plan.closeFile()
            var refusal = makeErrorPlan(.rangeNotSatisfiable, now: now)
            // RFC 9110 §15.5.17: a 416 says how long the representation is.
            refusal.fields.add(name: "Content-Range", value: "bytes */\(length)")
            plan = refusal
        case .partial(let offset, let count):
            let body: ResponsePlan.Body
            switch plan.body {
            case .file(let file, let start, _): body = .file(file, offset: start + offset, length: count)
            case .bytes(let bytes): body = .bytes(Array(bytes[Int(offset)..<Int(offset + count)]))
            case .none, .parts, .gzip, .later: return
            }
            plan.status = .partialContent
            plan.fields.replaceOrAdd(name: "Content-Length", value: String(count))
            plan.fields.add(
                name: "Content-Range",
                value: "bytes \(offset)-\(offset + count - 1)/\(length)"
            )
            plan.body = body
        case .multipart(let spans):
            plan = makeMultipartPlan(from: plan, spans: spans, length: length)
        }
    }

    /// The 206 `multipart/byteranges` plan for `spans` of `plan`'s body (RFC 9110 §14.6), in nginx's layout:
    /// each part is CRLF, `--BOUNDARY`, the part's `Content-Type` and `Content-Range`, an empty line and the
    /// bytes; the body ends with CRLF `--BOUNDARY--` CRLF. The boundary is derived from the representation's
    /// entity tag, so a HEAD-less client retrying gets the same bytes.
    func makeMultipartPlan(from plan: ResponsePlan, spans: [ByteSpan], length: Int64) -> ResponsePlan {
        let boundary = Self.boundary(for: plan)
        let type = plan.fields["Content-Type"] ?? "application/octet-stream"
        var pieces: [ResponsePlan.Part] = []
        for span in spans {
            let partHead =
                "\r\n--\(boundary)\r\nContent-Type: \(type)\r\n"
                + "Content-Range: bytes \(span.offset)-\(span.last)/\(length)\r\n\r\n"
            pieces.append(.bytes(partHead.latin1Bytes))
            pieces.append(.file(offset: span.offset, length: span.count))
        }
        pieces.append(.bytes(Array("\r\n--\(boundary)--\r\n".utf8)))
        var multipart = plan
        multipart.status = .partialContent
        multipart.fields.replaceOrAdd(name: "Content-Type", value: "multipart/byteranges; boundary=\(boundary)")
        switch plan.body {
        case .file(let file, let start, _):
            multipart.body = .parts(
                file,
                pieces.map { piece in
                    guard case .file(let offset, let count) = piece else { return piece }
                    return .file(offset: start + offset, length: count)
                }
            )
        case .bytes(let bytes):
            multipart.body = .bytes(
                pieces.flatMap { piece -> [UInt8] in
                    switch piece {
                    case .bytes(let literal): return literal
                    case .file(let offset, let count): return Array(bytes[Int(offset)..<Int(offset + count)])
                    }
                }
            )
        case .none, .parts, .gzip, .later:
            return plan
        }
        multipart.fields.replaceOrAdd(name: "Content-Length", value: String(multipart.bodyLength))
        return multipart
    }

    /// A boundary for `plan`'s multipart bodies: `http-serve-` and 16 hex digits of a 64-bit FNV-1a hash of
    /// the entity tag (or the length). Bytes of the file could contain it, as with any boundary (RFC 2046
    /// §5.1.1 asks for one unlikely to occur); 16 hash digits make that a 2^-64 chance per position.
    static func boundary(for plan: ResponsePlan) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (plan.entityTag?.description ?? String(plan.bodyLength)).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return "http-serve-" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// RFC 9110 §13.1.5: an entity tag matches only strongly; a date only if it equals Last-Modified
    /// exactly and that is a strong validator (at least a second old, so no second write can share it).
    /// `Last-Modified` is never later than `now`, so one earlier than `now` is the file's real mtime.
    private func ifRangeMatches(_ condition: String, plan: ResponsePlan, now: Int64) -> Bool {
        if let tag = EntityTag(parsing: condition) {
            guard let current = plan.entityTag else { return false }
            return tag.stronglyMatches(current)
        }
        guard let date = HTTPDate.parse(condition, now: now), let lastModified = plan.lastModified else { return false }
        return date == lastModified.secondsSinceEpoch && lastModified.secondsSinceEpoch < now
    }
}
