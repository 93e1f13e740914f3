extension HTTPURL {
    /// Resolves a `Location` value against this URL (RFC 9110 §10.2.2, RFC 3986 §5.2).
    ///
    /// Absolute `http://` URLs, network-path (`//host/x`), absolute-path (`/x`), query-only (`?q`)
    /// and relative-path (`../x`) references all work; dot segments are removed.
    /// - Throws: ``ClientError/unsupportedScheme(_:)`` for a scheme other than http and https,
    ///   ``ClientError/malformedURL(_:)``.
    public func resolving(_ reference: String) throws(ClientError) -> HTTPURL {
        let trimmed = reference.trimmingWhitespace()
        if let scheme = Self.scheme(of: trimmed) {
            guard Scheme(rawValue: scheme) != nil else { throw .unsupportedScheme(scheme) }
            return try HTTPURL(parsing: trimmed)
        }
        // A network-path reference keeps this URL's scheme (RFC 3986 §5.2.2).
        if trimmed.hasPrefix("//") { return try HTTPURL(parsing: scheme.rawValue + ":" + trimmed) }
        var result = self
        result.userInfo = nil
        var reference = Substring(trimmed)
        if let hash = reference.firstIndex(of: "#") { reference = reference[..<hash] }
        let (basePath, _) = Self.split(target)
        if reference.isEmpty { return result }
        if reference.hasPrefix("?") {
            result.target = basePath + Self.encode(reference)
            return result
        }
        let (refPath, refQuery) = Self.split(Self.encode(reference))
        let merged: String
        if refPath.hasPrefix("/") {
            merged = refPath
        } else {
            // RFC 3986 §5.2.3: everything of the base path up to its last "/", then the reference.
            let directory = basePath.lastIndex(of: "/").map { String(basePath[...$0]) } ?? "/"
            merged = directory + refPath
        }
        result.target = Self.removeDotSegments(merged) + (refQuery ?? "")
        return result
    }

    /// The scheme of an absolute URL (`http`, `https`, ...) in lower case, or `nil` for a relative reference.
    static func scheme(of text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let candidate = text[..<colon]
        guard let first = candidate.first, first.isASCII, first.isLetter,
            candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return candidate.lowercased()
    }

    /// Splits a target into its path and its query (with the `?`).
    static func split(_ target: String) -> (path: String, query: String?) {
        guard let mark = target.firstIndex(of: "?") else { return (target, nil) }
        return (String(target[..<mark]), String(target[mark...]))
    }

    /// RFC 3986 §5.2.4 `remove_dot_segments`, always returning an absolute path.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            if segment == "." {
                if isLast { output.append("") }
            } else if segment == ".." {
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            } else {
                output.append(segment)
            }
        }
        return "/" + output.joined(separator: "/")
    }

    /// The file name `-O` saves to: the last path segment, without the query; `nil` when the path ends in `/`.
    ///
    /// Like curl, the segment is used as it appears in the URL (not percent-decoded), so it can
    /// never name a directory such as `..` or contain a `/`.
    public var remoteFileName: String? {
        let path = Self.split(target).path
        guard let slash = path.lastIndex(of: "/") else { return nil }
        let name = String(path[path.index(after: slash)...])
        return name.isEmpty || name == "." || name == ".." ? nil : name
    }

    /// The absolute form of the request target (RFC 9112 §3.2.2), what a proxy needs on the request line.
    public var absoluteForm: String { description }

    /// Whether `other` is the same origin as far as credentials go: same scheme, host (case-insensitive) and
    /// port (RFC 6454 §4).
    ///
    /// curl drops credentials when a redirect changes scheme, host or port (CVE-2022-27776): a password given
    /// for https must not follow a redirect to http, where it would travel in clear.
    public func hasSameOrigin(as other: HTTPURL) -> Bool {
        scheme == other.scheme && host.lowercased() == other.host.lowercased() && port == other.port
    }
}
