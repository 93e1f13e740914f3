import HTTPCore

extension StaticFileHandler {
    /// The plain-text body of ``plainHTTPOnTLSPort(now:)``.
    static let plainHTTPOnTLSPortBody = Array(
        "400 Bad Request: this port speaks HTTPS. Use https:// instead of http:// in the URL.\n".utf8
    )

    /// The answer to a plain HTTP request on the TLS port: `400` with a plain-text body saying to use
    /// https, sent unencrypted so the client can show it (nginx answers these with its 497 page, sent as 400).
    public func plainHTTPOnTLSPort(now: Int64) -> ResponsePlan {
        var headers = baseHeaders(now: now)
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(Self.plainHTTPOnTLSPortBody.count))
        var plan = ResponsePlan(status: .badRequest, fields: headers, body: .bytes(Self.plainHTTPOnTLSPortBody))
        // Like every answer, it carries the configured fields (--header, CORS, Cache-Control).
        addConfiguredFields(to: &plan)
        return plan
    }
}
