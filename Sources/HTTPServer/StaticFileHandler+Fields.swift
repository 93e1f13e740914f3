import HTTPCore

/// What the configuration adds to every answer: `Cache-Control`, CORS and `--header` fields, and the CORS
/// preflight.
extension StaticFileHandler {
    /// `plan` with the configured fields in ``ResponsePlan/addedFields``: the cache policy (files get
    /// `--max-age`, generated pages `no-cache`), CORS, then `--header` fields in the order given.
    func addConfiguredFields(to plan: inout ResponsePlan) {
        guard options.caching != .unspecified || options.corsOrigin != nil || options.extraFields.count > 0 else {
            return
        }
        switch options.caching {
        case .unspecified: break
        case .noCache: plan.addedFields.add(name: "Cache-Control", value: "no-cache")
        case .maxAge(let seconds):
            // Only a file's answers (200, 206, 304) carry its entity tag; error pages, listings and
            // redirects are generated and may change at any time.
            let value = plan.entityTag != nil ? "public, max-age=\(seconds)" : "no-cache"
            plan.addedFields.add(name: "Cache-Control", value: value)
        }
        if let origin = options.corsOrigin {
            plan.addedFields.add(name: "Access-Control-Allow-Origin", value: origin)
            if plan.status != .noContent {
                // Fetch: a script sees only the CORS-safelisted response fields unless more are exposed.
                plan.addedFields.add(
                    name: "Access-Control-Expose-Headers",
                    value: "Content-Length, Content-Range, ETag"
                )
            }
        }
        for (name, value) in options.extraFields { plan.addedFields.add(name: name, value: value) }
    }

    /// The 204 answer to an `OPTIONS` request when CORS is on: a CORS preflight (Fetch standard, "CORS-preflight
    /// fetch") allowing GET and HEAD and whatever request fields the browser asked about.
    ///
    /// The target must still be a valid path (`OPTIONS *` is refused by the request parser, which takes
    /// only paths and absolute URLs); whether the file exists does not matter, as the actual GET will say. A 204 has no content and no `Content-Length` (RFC 9110 §8.6).
    func makePreflightPlan(for request: HTTPRequest, now: Int64) -> ResponsePlan {
        do {
            _ = try TargetPath(target: request.target)
        } catch {
            return makeErrorPlan(error.status, now: now)
        }
        var headers = baseHeaders(now: now)
        headers.add(name: "Allow", value: "GET, HEAD, OPTIONS")
        headers.add(name: "Access-Control-Allow-Methods", value: "GET, HEAD")
        if let allowed = Self.requestedHeaders(request.headers) {
            headers.add(name: "Access-Control-Allow-Headers", value: allowed)
        }
        headers.add(name: "Vary", value: "Access-Control-Request-Headers")
        return ResponsePlan(status: .noContent, fields: headers, body: .none)
    }

    /// The `Access-Control-Request-Headers` names as one list, or `nil` if absent, empty or not a list of tokens.
    static func requestedHeaders(_ headers: HTTPHeaders) -> String? {
        var names: [String] = []
        for value in headers.values(for: .accessControlRequestHeaders) {
            for member in value.split(separator: ",") {
                let name = member.trimmingCharacters(in: [" ", "\t"])
                if name.isEmpty { continue }
                guard HTTPHeaders.isValidName(name) else { return nil }
                names.append(name)
            }
        }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }
}
