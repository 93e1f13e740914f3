import HTTPCore

extension StaticFileHandler {
    /// The policy switches of `http-serve`: what is served beyond plain files, and the fields added to answers.
    public struct Options: Sendable, Equatable {
        /// Serve and list names starting with `.`; without it they are 404 (except `/.well-known/`).
        public var dotfiles: Bool = false
        /// List folders that have no index file; without it they are 404.
        public var listing: Bool = true
        /// Fields added to every response, error pages and 304s included (`--header`), after the server's own.
        public var extraFields = HTTPHeaders()
        /// The origin allowed by CORS (`--cors`: `*` or one origin); `nil` sends no CORS fields.
        public var corsOrigin: String? = nil
        /// `Cache-Control` for files, error pages and listings (`--max-age`, `--no-cache`).
        public var caching: Caching = .unspecified
        /// Use the root's `404.html` as the body of every 404 (`--no-error-page` turns it off).
        public var errorPage: Bool = true
        /// Answer a GET or HEAD for a missing extension-less path with the root's index (`--spa`).
        public var singlePageApp: Bool = false
        /// The names a folder's index may have, tried in order (`--index`).
        public var indexNames: [[UInt8]] = [Array("index.html".utf8)]
        /// Media types by extension (`--mime-types`, `--default-type`).
        public var mimeTypes = MIMETypes.Table()

        /// The defaults: dotfiles hidden, listings on, `index.html`, the built-in types, no added fields.
        public init(dotfiles: Bool = false, listing: Bool = true) {
            self.dotfiles = dotfiles
            self.listing = listing
        }
    }

    /// The `Cache-Control` policy.
    public enum Caching: Sendable, Equatable {
        /// No `Cache-Control` anywhere: caches use their heuristics on `Last-Modified` (RFC 9111 §4.2.2).
        case unspecified
        /// Files get `public, max-age=N` (RFC 9111 §5.2.2.1); error pages and listings `no-cache`.
        case maxAge(Int)
        /// Every answer gets `no-cache`: stored, but revalidated before each use (RFC 9111 §5.2.2.4).
        case noCache
    }

    /// Why an option value was refused; the description is the one-line message for the command.
    public struct OptionError: Error, CustomStringConvertible, Equatable {
        public let description: String
        /// An error with this message.
        public init(_ description: String) { self.description = description }
    }

    /// Fields the server writes itself: `--header` may not add a second copy.
    static let ownedFields: Set<String> = [
        "content-length", "content-type", "connection", "date", "transfer-encoding", "server", "content-encoding",
        "content-range", "etag", "last-modified", "location", "accept-ranges", "allow", "www-authenticate",
        "retry-after",
    ]

    /// Parses a `--header` argument, `Name: value`.
    ///
    /// The name must be a token (RFC 9110 §5.1) the server does not write itself; the value, trimmed of
    /// spaces, may hold visible characters, spaces and tabs only (RFC 9110 §5.5: no CR, LF or NUL).
    /// - Throws: ``OptionError`` naming the form or the field.
    public static func parseHeaderOption(_ argument: String) throws(OptionError) -> (name: String, value: String) {
        guard let colon = argument.firstIndex(of: ":") else {
            throw OptionError("--header must be 'Name: value', got '\(argument)'")
        }
        let name = String(argument[..<colon])
        let value = String(argument[argument.index(after: colon)...]).trimmingCharacters(in: [" ", "\t"])
        guard HTTPHeaders.isValidName(name) else {
            throw OptionError("--header must be 'Name: value' with a token name, got '\(argument)'")
        }
        guard HTTPHeaders.isValidValue(value) else {
            throw OptionError("--header '\(name)': the value may not hold control characters")
        }
        guard !ownedFields.contains(name.lowercased()) else {
            throw OptionError("--header '\(name)': the server writes this field itself")
        }
        return (name, value)
    }

    /// Checks a `--cors` origin: `*`, `null`, or `scheme://host[:port]` (RFC 6454 §6.1 serialisation).
    /// - Throws: ``OptionError`` naming the valid forms.
    public static func validateCORSOrigin(_ origin: String) throws(OptionError) {
        if origin == "*" || origin == "null" { return }
        let error = OptionError("--cors must be * or an origin such as https://example.com:8443, got '\(origin)'")
        let parts = origin.split(separator: "://", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw error }
        let scheme = parts[0]
        let host = parts[1]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
            !host.isEmpty,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.:[]_".contains($0)) })
        else { throw error }
    }

    /// Checks a `--default-type`: `type/subtype`, both tokens, optionally followed by `; name=value` parameters.
    /// - Throws: ``OptionError`` naming the form.
    public static func validateMediaType(_ type: String, option: String = "--default-type") throws(OptionError) {
        let error = OptionError(
            "\(option) must be a media type such as text/plain or text/plain; charset=utf-8, got '\(type)'"
        )
        let parts = type.split(separator: ";", omittingEmptySubsequences: false)
        let essence = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        guard essence.count == 2, essence.allSatisfy({ HTTPHeaders.isValidName(String($0)) }) else { throw error }
        for parameter in parts.dropFirst() {
            let pair = parameter.trimmingCharacters(in: [" ", "\t"]).split(
                separator: "=",
                omittingEmptySubsequences: false
            )
            guard pair.count == 2, pair.allSatisfy({ HTTPHeaders.isValidName(String($0)) }) else { throw error }
        }
    }

    /// Checks an `--index` name: one path segment, not `.` or `..`.
    /// - Throws: ``OptionError`` naming the form.
    public static func validateIndexName(_ name: String) throws(OptionError) {
        guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.utf8.contains(0) else {
            throw OptionError("--index must be a file name without '/', such as index.htm, got '\(name)'")
        }
    }
}

extension StringProtocol {
    /// The string without the given characters at either end.
    func trimmingCharacters(in set: Set<Character>) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text.removeFirst() }
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}
