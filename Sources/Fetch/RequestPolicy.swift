import HTTPClient
import HTTPCore

/// The pure rules that turn options into requests: header lines, credentials, proxies, redirects.
public enum RequestPolicy {
    /// Splits `-H` lines the way curl reads them.
    ///
    /// `Name: value` adds or replaces a field; `Name:` removes a field http-fetch would send by default;
    /// `Name;` sends the field with an empty value; a line without `:` or `;` is ignored.
    public static func parseHeaderLines(_ lines: [String]) -> (headers: HTTPHeaders, omitted: [String]) {
        var headers = HTTPHeaders()
        var omitted: [String] = []
        for line in lines {
            if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon]).trimmingWhitespace()
                let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
                guard !name.isEmpty else { continue }
                if value.isEmpty { omitted.append(name) } else { headers.add(name: name, value: value) }
            } else if line.hasSuffix(";") {
                let name = String(line.dropLast()).trimmingWhitespace()
                if !name.isEmpty { headers.add(name: name, value: "") }
            }
        }
        return (headers, omitted)
    }

    /// `Basic base64(user:password)` (RFC 7617); a user without a password gets an empty one.
    public static func basicAuthorization(_ credentials: String) -> String {
        let pair = credentials.contains(":") ? credentials : credentials + ":"
        return "Basic " + base64(Array(pair.utf8))
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                output.append(
                    position <= count ? alphabet[Int((group >> UInt32(18 - 6 * position)) & 0x3F)] : UInt8(ascii: "=")
                )
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The proxy to use for `url`, or `nil` to connect directly.
    ///
    /// `-x` wins over the environment (an empty `-x ""` means no proxy); otherwise `http_proxy`, in lower case
    /// only, as curl reads it (the upper-case `HTTP_PROXY` can be set by a CGI request header: "httpoxy").
    /// `--noproxy`, else `no_proxy` / `NO_PROXY`, lists hosts reached directly.
    /// - Throws: ``FetchError`` 1 for a proxy scheme other than http, 5 when the proxy URL is malformed.
    public static func proxy(
        for url: HTTPURL,
        explicit: String?,
        noProxy: String?,
        environment: (String) -> String?
    ) throws(FetchError) -> HTTPURL? {
        let setting = explicit ?? environment("http_proxy")
        guard let setting, !setting.isEmpty else { return nil }
        let exceptions = noProxy ?? environment("no_proxy") ?? environment("NO_PROXY") ?? ""
        if bypassesProxy(host: url.host, noProxy: exceptions) { return nil }
        var proxy: HTTPURL
        do {
            proxy = try HTTPURL(parsing: setting)
        } catch .unsupportedScheme {
            throw FetchError(exitCode: 1, message: "unsupported proxy '\(setting)': only http:// proxies work")
        } catch {
            throw .couldNotResolveProxy("malformed proxy URL '\(setting)'")
        }
        // curl's default proxy port is 1080 when the proxy string has none.
        if !setting.contains("]:") && !hasPort(setting) { proxy.port = 1080 }
        return proxy
    }

    private static func hasPort(_ setting: String) -> Bool {
        var rest = Substring(setting)
        if let range = rest.firstRange(of: "://") { rest = rest[range.upperBound...] }
        let authority = rest.prefix { $0 != "/" }
        let hostPort = authority.split(separator: "@").last ?? authority
        return !hostPort.hasPrefix("[") && hostPort.contains(":")
    }

    /// Whether `host` matches a `no_proxy` list: `*`, exact names and addresses, and domain suffixes
    /// (`example.com` and `.example.com` both cover `www.example.com`), case-insensitively.
    public static func bypassesProxy(host: String, noProxy: String) -> Bool {
        let host = host.lowercased()
        for raw in noProxy.split(separator: ",") {
            var entry = raw.trimmingWhitespace().lowercased()
            if entry == "*" { return true }
            if entry.hasPrefix("[") && entry.hasSuffix("]") { entry = String(entry.dropFirst().dropLast()) }
            if entry.hasPrefix(".") { entry.removeFirst() }
            guard !entry.isEmpty else { continue }
            if host == entry || host.hasSuffix("." + entry) { return true }
        }
        return false
    }

    /// Whether `code` asks to be fetched again somewhere else (RFC 9110 §15.4).
    public static func isRedirect(_ code: Int) -> Bool { [301, 302, 303, 307, 308].contains(code) }

    /// The URL a redirect's `Location` leads to, resolved against `url` (RFC 9110 §10.2.2).
    ///
    /// - Throws: ``FetchError`` 1 for a scheme other than http and https, 3 when malformed.
    public static func redirectTarget(_ location: String, from url: HTTPURL) throws(FetchError) -> HTTPURL {
        do {
            return try url.resolving(location)
        } catch .unsupportedScheme {
            throw .redirectToUnsupported(location.trimmingWhitespace())
        } catch {
            throw FetchError(error)
        }
    }

    /// The method and body after a redirect with status `code`.
    ///
    /// RFC 9110 §15.4.4: 303 means GET (a HEAD stays HEAD). For 301 and 302 a POST becomes GET, as
    /// curl and browsers do (§15.4.2 and §15.4.3 allow it). 307 and 308 keep method and body.
    public static func redirectedMethod(
        _ method: HTTPMethod,
        body: [UInt8]?,
        status code: Int
    ) -> (HTTPMethod, [UInt8]?) {
        if code == 303 && method != .head { return (.get, nil) }
        if (code == 301 || code == 302) && method == .post { return (.get, nil) }
        return (method, body)
    }

    /// Whether a response status is worth retrying: 408, 429, and 5xx other than 501 (not implemented
    /// will not change) and 505.
    public static func isTransient(status code: Int) -> Bool {
        code == 408 || code == 429 || (code >= 500 && code <= 599 && code != 501 && code != 505)
    }

    /// The wait before retry number `attempt` (0-based): `fixed`, or 1 s doubling up to 10 minutes (curl's).
    public static func retryDelay(attempt: Int, fixed: Duration?) -> Duration {
        if let fixed { return fixed }
        return .seconds(min(1 << min(attempt, 10), 600))
    }

    /// Checks a resumed response; see ``ResumeVerdict``.
    ///
    /// - 206 whose `Content-Range` starts at `offset`: append.
    /// - 416 whose `Content-Range: bytes */LEN` equals `offset`: the file is already complete.
    /// - Anything else would corrupt the file: exit 33.
    public static func resumeVerdict(for head: HTTPResponseHead, offset: Int64) -> ResumeVerdict {
        let field = head.headers["Content-Range"]?.trimmingWhitespace() ?? ""
        let range = ContentRange(parsing: field)
        switch head.status.code {
        case 206:
            guard case .bytes(let first, _, _) = range else {
                return .refuse("206 without a usable Content-Range ('\(field)')")
            }
            guard first == offset else { return .refuse("the server sent bytes from \(first), not from \(offset)") }
            return .append
        case 416:
            if range == .unsatisfied(completeLength: offset) { return .complete }
            return .refuse("the server answered 416 Range Not Satisfiable (Content-Range '\(field)')")
        case 200..<300:
            return .refuse("the server does not support byte ranges (status \(head.status.code))")
        default:
            return .refuse("the server answered \(head.status.code) \(head.status.reasonPhrase)")
        }
    }
}

/// What to do with the answer to a `Range` request.
public enum ResumeVerdict: Equatable, Sendable {
    /// A matching 206: append the body.
    case append
    /// The local file already has every byte.
    case complete
    /// Exit 33 with this reason; the file is left as it was.
    case refuse(String)
}
