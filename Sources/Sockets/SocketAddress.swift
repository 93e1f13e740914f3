#if canImport(Glibc)
import Glibc
#endif

/// The address family to resolve or create sockets for.
public enum AddressFamily: Sendable, Equatable {
    case unspecified
    case ipv4
    case ipv6

    var rawValue: Int32 {
        switch self {
        case .unspecified: return AF_UNSPEC
        case .ipv4: return AF_INET
        case .ipv6: return AF_INET6
        }
    }
}

/// An IPv4 or IPv6 socket address: a `sockaddr_storage` and its length.
public struct SocketAddress: @unchecked Sendable, CustomStringConvertible {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    /// An empty address (family ``AddressFamily/unspecified``), for an accept to fill in.
    public init() {}

    /// The family of this address.
    public var family: AddressFamily {
        switch Int32(storage.ss_family) {
        case AF_INET: return .ipv4
        case AF_INET6: return .ipv6
        default: return .unspecified
        }
    }

    /// The port, in host byte order.
    public var port: UInt16 {
        withSockAddr { pointer, _ in
            switch Int32(pointer.pointee.sa_family) {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin_port)
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin6_port)
                }
            default:
                return 0
            }
        }
    }

    /// The numeric host, such as `127.0.0.1` or `::1` (no brackets).
    public var host: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maximumHostLength) { buffer in
            String(decoding: buffer[..<writeHost(into: buffer)], as: UTF8.self)
        }
    }

    /// The room ``writeHost(into:)`` needs: `INET6_ADDRSTRLEN`, the longest IPv6 text with its NUL.
    public static let maximumHostLength = Int(INET6_ADDRSTRLEN)

    /// Writes ``host``'s text (`?` for a family other than IPv4 and IPv6) at the start of `buffer`, which has
    /// room for ``maximumHostLength`` bytes, and returns its length: no `String` for an access-log line per
    /// request. The corresponding C function is `inet_ntop(3)`; an IPv4 address is spelled here as inet_ntop
    /// spells it (four decimal octets, no leading zeros): glibc's goes through `sprintf`, which cost about
    /// 1,700 instructions (callgrind, 2026-12-07).
    public func writeHost(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(buffer.count >= Self.maximumHostLength, "SocketAddress.writeHost: too little room")
        let start = buffer.baseAddress!
        let length: Int? = withSockAddr { pointer, _ in
            switch Int32(pointer.pointee.sa_family) {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    // s_addr is in network byte order: its bytes in memory are the octets, first to last.
                    withUnsafeBytes(of: address.pointee.sin_addr.s_addr) { Self.writeDottedQuad($0, to: start) }
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    start.withMemoryRebound(to: CChar.self, capacity: Self.maximumHostLength) { text in
                        withUnsafePointer(to: address.pointee.sin6_addr) {
                            inet_ntop(AF_INET6, $0, text, socklen_t(Self.maximumHostLength)) != nil ? strlen(text) : nil
                        }
                    }
                }
            default:
                return nil
            }
        }
        guard let length else {
            start[0] = UInt8(ascii: "?")
            return 1
        }
        return length
    }

    /// Writes `a.b.c.d` for the four `octets` at `start` (room for 15 bytes); returns its length.
    private static func writeDottedQuad(_ octets: UnsafeRawBufferPointer, to start: UnsafeMutablePointer<UInt8>) -> Int
    {
        var at = 0
        for index in 0..<4 {
            if index > 0 {
                start[at] = UInt8(ascii: ".")
                at += 1
            }
            let octet = octets[index]
            if octet >= 100 {
                start[at] = UInt8(ascii: "0") + octet / 100
                at += 1
            }
            if octet >= 10 {
                start[at] = UInt8(ascii: "0") + octet / 10 % 10
                at += 1
            }
            start[at] = UInt8(ascii: "0") + octet % 10
            at += 1
        }
        return at
    }

    /// `host:port`, with IPv6 hosts in brackets: `127.0.0.1:8080`, `[::1]:8080`.
    public var description: String {
        family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Resolves `host` and `port` with `getaddrinfo(3)`, in the order the resolver prefers.
    ///
    /// - Parameters:
    ///   - host: a name or numeric address; `nil` with `passive` means every local address.
    ///   - port: the port in host byte order.
    ///   - family: restrict the answers to IPv4 or IPv6.
    ///   - passive: resolve for `bind(2)` rather than `connect(2)` (`AI_PASSIVE`).
    /// - Throws: `SocketError.invalidAddress` with the resolver's own message.
    public static func resolve(
        host: String?,
        port: UInt16,
        family: AddressFamily = .unspecified,
        passive: Bool = false
    ) throws(SocketError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = family.rawValue
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        // AI_NUMERICSERV: the port is always a number, so never consult /etc/services.
        hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        var code: Int32
        repeat {
            code = getaddrinfo(host, String(port), &hints, &list)
        } while code == EAI_SYSTEM && errno == EINTR
        guard code == 0, let first = list else {
            let reason = code == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(code))
            throw .invalidAddress("could not resolve host '\(host ?? "*")': \(reason)")
        }
        defer { freeaddrinfo(list) }
        var result: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let address = entry.pointee.ai_addr,
                entry.pointee.ai_family == AF_INET || entry.pointee.ai_family == AF_INET6
            {
                var item = SocketAddress()
                withUnsafeMutableBytes(of: &item.storage) { raw in
                    raw.copyMemory(from: UnsafeRawBufferPointer(start: address, count: Int(entry.pointee.ai_addrlen)))
                }
                item.length = entry.pointee.ai_addrlen
                result.append(item)
            }
            cursor = entry.pointee.ai_next
        }
        if result.isEmpty { throw .invalidAddress("could not resolve host '\(host ?? "*")': no IPv4 or IPv6 address") }
        return result
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) rethrows -> R {
        try withUnsafePointer(to: storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    /// Calls `body` to fill the address in, as `accept(2)` and `getsockname(2)` do.
    mutating func withMutableSockAddr<R>(
        _ body: (UnsafeMutablePointer<sockaddr>, inout socklen_t) throws -> R
    ) rethrows -> R {
        length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return try withUnsafeMutablePointer(to: &storage) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, &length) }
        }
    }
}
