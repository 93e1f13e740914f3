import HTTPCore

/// An `http://` or `https://` URL split into what a request needs.
public struct HTTPURL: Sendable, Equatable, CustomStringConvertible {
    /// The schemes http-fetch speaks.
    public enum Scheme: String, Sendable, Equatable {
        case http, https

        /// The port a URL of this scheme means when it names none (RFC 9110 §4.2.1, §4.2.2).
        public var defaultPort: UInt16 { self == .http ? 80 : 443 }
    }

    /// `http`, or `https`: TLS on the same exchange.
    public var scheme: Scheme = .http
    /// The host: a name, an IPv4 address, or an IPv6 address without brackets.
    public var host: String
    /// The port; the scheme's default (80, 443) when the URL has none.
    public var port: UInt16
    /// The origin-form target: path and query, percent-encoded, at least `/`.
    public var target: String
    /// `user:password` from the URL, percent-decoded, if present.
    public var userInfo: String?

    /// Parses `text`, percent-encoding spaces and non-ASCII bytes in the path and query.
    ///
    /// - Throws: ``ClientError/unsupportedScheme(_:)`` for another scheme, ``ClientError/malformedURL(_:)``.
    public init(parsing text: String) throws(ClientError) {
        var rest = Substring(text)
        if let colon = rest.firstIndex(of: ":"), rest[colon...].hasPrefix("://"),
            !rest[..<colon].contains(where: { $0 == "/" || $0 == "?" || $0 == "#" })
        {
            let scheme = rest[..<colon].lowercased()
            guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else {
                throw .malformedURL("bad scheme in '\(text)'")
            }
            guard let known = Scheme(rawValue: scheme) else { throw .unsupportedScheme(scheme) }
            self.scheme = known
            rest = rest[colon...].dropFirst(3)
        }
        // A URL without a scheme is taken as http://, as curl does.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var pathAndQuery = rest[authorityEnd...]
        if let hash = pathAndQuery.firstIndex(of: "#") { pathAndQuery = pathAndQuery[..<hash] }
        if let at = authority.lastIndex(of: "@") {
            let info = String(authority[..<at])
            guard let decoded = try? TargetPath.percentDecode(Array(info.utf8)) else {
                throw .malformedURL("bad percent escape in user info")
            }
            userInfo = String(decoding: decoded, as: UTF8.self)
            authority = authority[authority.index(after: at)...]
        }
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .malformedURL("unclosed '[' in host") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .malformedURL("junk after ']' in host") }
                portText = after.dropFirst()
            }
            guard host.contains(":") else { throw .malformedURL("'[\(host)]' is not an IPv6 address") }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { throw .malformedURL("no host in '\(text)'") }
        guard !host.contains(where: { $0 == " " || $0 == "/" || $0 == "\\" || $0.asciiValue.map { $0 < 0x20 } == true })
        else { throw .malformedURL("bad character in host '\(host)'") }
        if let portText, !portText.isEmpty {
            guard portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber), let value = UInt16(portText),
                value > 0
            else { throw .malformedURL("bad port '\(portText)'") }
            port = value
        } else {
            port = scheme.defaultPort
        }
        target = pathAndQuery.isEmpty ? "/" : Self.encode(pathAndQuery)
        if target.hasPrefix("?") { target = "/" + target }
    }

    /// Percent-encodes spaces, controls and non-ASCII bytes; keeps everything else as the user wrote it.
    static func encode(_ text: Substring) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if byte <= 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "<")
                || byte == UInt8(ascii: ">")
            {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The `Host` header: the host, bracketed if IPv6, with the port when it is not the scheme's default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == scheme.defaultPort ? name : "\(name):\(port)"
    }

    /// `host:port` always with the port, bracketed if IPv6: what a proxy's `CONNECT` names (RFC 9110 §9.3.6).
    public var authority: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    /// The URL written back out, normalised.
    public var description: String { "\(scheme.rawValue)://\(hostHeader)\(target)" }
}
