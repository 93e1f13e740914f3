import HTTPCore

/// HTTP Basic authentication (RFC 7617): who may read, and the decision for one request.
///
/// Pure: the hash check is a function handed in (``PasswordHash/crypt(_:setting:)`` in the server), so
/// every rule is testable without libc. A request is either allowed, with the user's name for the access
/// log, or denied; a denial never says whether the user exists, and a missing user costs the same hash
/// computation as a wrong password (it is checked against a dummy secret of the same kind).
public struct BasicAuth: Sendable {
    /// How one user's password is kept.
    public enum Secret: Sendable, Equatable {
        /// The password itself (`--auth USER:PASSWORD`), compared in constant time.
        case plain([UInt8])
        /// A crypt(3) hash from an htpasswd file: bcrypt `$2y$`/`$2b$` or sha512-crypt `$6$`.
        case hashed(String)
    }

    /// The outcome for one request.
    public enum Decision: Sendable, Equatable {
        case allowed(user: String)
        case denied
    }

    /// Why an htpasswd file or a `USER:PASSWORD` argument was refused.
    public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
        public let description: String
        /// An error with this message.
        public init(description: String) { self.description = description }
    }

    /// The realm named in `WWW-Authenticate`.
    public let realm: String
    private let users: [String: Secret]
    private let dummy: Secret
    private let crypt: @Sendable (_ password: String, _ setting: String) -> String?

    /// Creates the table. `crypt` hashes a password with the method and salt of a stored hash.
    public init(
        realm: String,
        users: [String: Secret],
        crypt: @escaping @Sendable (_ password: String, _ setting: String) -> String?
    ) {
        self.realm = realm
        self.users = users
        self.crypt = crypt
        // A real entry is the dummy: a missing user then costs what an existing one with that method costs.
        // The sorted pick makes it the same entry on every start.
        self.dummy = users.sorted { $0.key < $1.key }.first?.value ?? .plain([])
    }

    /// The decision for a request whose `Authorization` field is `authorization` (`nil` when absent).
    public func decide(authorization: String?) -> Decision {
        guard let authorization, let (user, password) = Self.credentials(from: authorization) else { return .denied }
        guard let secret = users[user] else {
            _ = matches(password, dummy)  // The same work as a wrong password, so timing tells nothing.
            return .denied
        }
        return matches(password, secret) ? .allowed(user: user) : .denied
    }

    /// The `WWW-Authenticate` value: `Basic realm="..."` with `"` and `\` escaped (RFC 9110 §5.6.4).
    public var challenge: String {
        var quoted = ""
        for character in realm {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return "Basic realm=\"\(quoted)\", charset=\"UTF-8\""
    }

    private func matches(_ password: String, _ secret: Secret) -> Bool {
        switch secret {
        case .plain(let expected):
            return Self.constantTimeEqual(Array(password.utf8), expected)
        case .hashed(let hash):
            guard let computed = crypt(password, hash) else { return false }
            return Self.constantTimeEqual(Array(computed.utf8), Array(hash.utf8))
        }
    }

    /// Compares without an early exit, so the time does not tell how many leading bytes matched.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        difference |= a.count == b.count ? 0 : 1
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// The user and password of `Basic base64(user:password)` (RFC 7617 §2); `nil` for anything else.
    static func credentials(from field: String) -> (user: String, password: String)? {
        let bytes = Array(field.utf8)
        // The scheme is case-insensitive (RFC 9110 §11.1), followed by one or more spaces.
        guard bytes.count > 6, String(decoding: bytes[0..<5], as: UTF8.self).lowercased() == "basic",
            bytes[5] == UInt8(ascii: " ")
        else { return nil }
        let token = bytes[6...].drop { $0 == UInt8(ascii: " ") }
        guard let decoded = base64Decode(Array(token)), let colon = decoded.firstIndex(of: UInt8(ascii: ":")) else {
            return nil
        }
        // RFC 7617 §2: the user-id cannot contain a colon; the password may.
        guard let user = String(validating: decoded[..<colon], as: UTF8.self),
            let password = String(validating: decoded[(colon + 1)...], as: UTF8.self)
        else { return nil }
        return (user, password)
    }

    /// Strict base64 (RFC 4648 §4): padded to a multiple of four, no other bytes; `nil` otherwise.
    static func base64Decode(_ text: [UInt8]) -> [UInt8]? {
        guard !text.isEmpty, text.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var index = 0
        while index < text.count {
            var group: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = text[index + offset]
                let value: UInt32
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a")) + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0")) + 52
                case UInt8(ascii: "+"): value = 62
                case UInt8(ascii: "/"): value = 63
                case UInt8(ascii: "=") where index + 4 == text.count && offset >= 2:
                    value = 0
                    padding += 1
                default: return nil
                }
                // "=" may only end the text: "ab=c" is malformed.
                if byte != UInt8(ascii: "="), padding > 0 { return nil }
                group = group << 6 | value
            }
            let bytes = [UInt8(group >> 16 & 0xFF), UInt8(group >> 8 & 0xFF), UInt8(group & 0xFF)]
            output.append(contentsOf: bytes[0..<(3 - padding)])
            index += 4
        }
        return output
    }

    /// The `USER:PASSWORD` of `--auth`: the first colon splits, the user may not be empty.
    public static func plainUser(_ argument: String) throws(ConfigurationError) -> (String, Secret) {
        guard let colon = argument.firstIndex(of: ":"), colon != argument.startIndex else {
            throw ConfigurationError(description: "--auth wants USER:PASSWORD")
        }
        return (String(argument[..<colon]), .plain(Array(argument[argument.index(after: colon)...].utf8)))
    }

    /// The users of an htpasswd file: `user:hash` lines, blank lines and `#` comments skipped.
    ///
    /// Only hashes crypt(3) verifies are taken: bcrypt (`$2y$`, `$2b$`, `$2a$`, as `htpasswd -B` writes) and
    /// sha512-crypt (`$6$`, `openssl passwd -6`). Anything else (`$apr1$` MD5, `{SHA}`, plain text) is
    /// an error naming the line, never a user who silently cannot log in.
    public static func parseHtpasswd(_ text: String, file: String) throws(ConfigurationError) -> [String: Secret] {
        var users: [String: Secret] = [:]
        // "\r\n" is one Character in Swift, so it is a separator of its own: CRLF files (edited on Windows) work.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (number, line) in lines.enumerated() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw ConfigurationError(description: "\(file):\(number + 1): not USER:HASH")
            }
            let user = String(line[..<colon])
            let hash = String(line[line.index(after: colon)...])
            guard ["$2y$", "$2b$", "$2a$", "$6$"].contains(where: { hash.hasPrefix($0) }) else {
                throw ConfigurationError(
                    description:
                        "\(file):\(number + 1): unsupported hash for user '\(user)' (use htpasswd -B or openssl passwd -6)"
                )
            }
            users[user] = .hashed(hash)
        }
        return users
    }
}
