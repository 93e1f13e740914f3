import HTTPCore
import Sockets

/// Conditional requests (RFC 9110 §13) and byte ranges (RFC 9110 §14) on a file's 200 plan.
extension StaticFileHandler {
    /// The fields a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5), plus our constant ones.
    static let notModifiedFields = [
        "Date", "Server", "Connection", "ETag", "Last-Modified", "Vary", "Cache-Control", "Expires",
        "Content-Location",
    ]

    /// A 412 plan if `If-Match` or `If-Unmodified-Since` fails, else `nil` (RFC 9110 §13.2.2 steps 1-2).
    ///
    /// `If-Match` compares strongly (`*` matches any current file); `If-Unmodified-Since` counts only
    /// without `If-Match`, and an invalid date is ignored.
    func makePreconditionFailedPlan(
        for plan: ResponsePlan,
        request: HTTPRequest,
        status: FileStatus,
        now: Int64
    ) -> ResponsePlan? {
        guard plan.head.status == .ok else { return nil }
        let passes: Bool
        if let value = request.headers["If-Match"] {
            let current = plan.head.headers["ETag"].flatMap(EntityTag.init(parsing:))
            switch EntityTag.parseList(value) {
            case .any: passes = true
            case .tags(let tags): passes = current.map { tag in tags.contains { $0.stronglyMatches(tag) } } ?? false
            }
        } else if let value = request.headers["If-Unmodified-Since"],
            request.headers.values(for: "If-Unmodified-Since").count == 1,
            let since = HTTPDate.parse(value, now: now)
        {
            passes = Self.lastModified(status, now: now) <= since
        } else {
            passes = true
        }
        return passes ? nil : makeErrorPlan(.preconditionFailed, now: now)
    }

    /// A 304 plan if the request's validators say the client's copy is current, else `nil`.
    ///
    /// `If-None-Match` takes precedence; `If-Modified-Since` counts only without it (RFC 9110 §13.2.2).
    /// The tag compared is the one in `plan`, so a negotiated variant is compared with its own tag.
    func makeNotModifiedPlan(
        from plan: ResponsePlan,
        request: HTTPRequest,
        status: FileStatus,
        now: Int64
    ) -> ResponsePlan? {
        guard plan.head.status == .ok, request.method == .get || request.method == .head else { return nil }
        let notModified: Bool
        if let value = request.headers["If-None-Match"] {
            // RFC 9110 §13.1.2: weak comparison; `*` matches any current representation.
            let current = plan.head.headers["ETag"].flatMap(EntityTag.init(parsing:))
            notModified = current.map { EntityTag.parseList(value).weaklyMatches($0) } ?? false
        } else if let value = request.headers["If-Modified-Since"],
            request.headers.values(for: "If-Modified-Since").count == 1,
            let since = HTTPDate.parse(value, now: now)
        {
            // RFC 9110 §13.1.3: an invalid date is ignored. Last-Modified has one-second precision.
            notModified = Self.lastModified(status, now: now) <= since
        } else {
            notModified = false
        }
        guard notModified else { return nil }
        var headers = HTTPHeaders()
        for name in Self.notModifiedFields {
            for value in plan.head.headers.values(for: name) { headers.add(name: name, value: value) }
        }
        // RFC 9110 §15.4.5: a 304 has no content, and no Content-Length that would describe the 200's.
        return ResponsePlan(head: HTTPResponseHead(status: .notModified, headers: headers), body: .none)
    }

    /// `plan` narrowed by the request's `Range`: a 206, a 416, or `plan` unchanged.
    ///
    /// Only GET has ranges (RFC 9110 §14.2: a server ignores Range for other methods), so a HEAD
    /// shows exactly the head of a plain GET. `If-Range` that does not match means the whole file.
    func applyRange(to plan: ResponsePlan, request: HTTPRequest, status: FileStatus, now: Int64) -> ResponsePlan {
        guard request.method == .get, plan.head.status == .ok, let range = request.headers["Range"] else {
            return plan
        }
        if let condition = request.headers["If-Range"], !ifRangeMatches(condition, plan: plan, status: status, now: now)
        {
            return plan
        }
        let length = plan.bodyLength
        switch RangeOutcome(rangeField: range, length: length) {
        case .full:
            return plan
        case .unsatisfiable:
            plan.closeFile()
            var refusal = makeErrorPlan(.rangeNotSatisfiable, now: now)
            // RFC 9110 §15.5.17: a 416 says how long the representation is.
            refusal.head.headers.add(name: "Content-Range", value: "bytes */\(length)")
            return refusal
        case .partial(let offset, let count):
            var partial = plan
            partial.head.status = .partialContent
            partial.head.headers.replaceOrAdd(name: "Content-Length", value: String(count))
            partial.head.headers.add(
                name: "Content-Range",
                value: "bytes \(offset)-\(offset + count - 1)/\(length)"
            )
            switch plan.body {
            case .file(let file, let start, _): partial.body = .file(file, offset: start + offset, length: count)
            case .bytes(let bytes): partial.body = .bytes(Array(bytes[Int(offset)..<Int(offset + count)]))
            case .none: return plan
            }
            return partial
        }
    }

    /// RFC 9110 §13.1.5: an entity tag matches only strongly; a date only if it equals Last-Modified
    /// exactly and that is a strong validator (at least a second old, so no second write can share it).
    private func ifRangeMatches(_ condition: String, plan: ResponsePlan, status: FileStatus, now: Int64) -> Bool {
        if let tag = EntityTag(parsing: condition) {
            guard let current = plan.head.headers["ETag"].flatMap(EntityTag.init(parsing:)) else { return false }
            return tag.stronglyMatches(current)
        }
        guard let date = HTTPDate.parse(condition, now: now) else { return false }
        return date == status.modificationSeconds && status.modificationSeconds < now
    }
}
