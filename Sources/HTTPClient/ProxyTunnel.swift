import HTTPCore

/// A `CONNECT` tunnel through an HTTP proxy (RFC 9110 §9.3.6): the way https reaches a server through `-x`,
/// as curl does. After a 2xx the stream carries raw bytes to the server, and TLS runs inside it end to end.
enum ProxyTunnel {
    /// Asks the proxy at the other end of `stream` for a tunnel to `authority` (`host:port`).
    ///
    /// - Throws: ``ClientError/badResponse(_:)`` when the proxy answers anything but 2xx (a 407 included;
    ///   curl: "CONNECT tunnel failed, response 407", exit 56), what the stream throws.
    static func open(
        through stream: any ByteStream,
        to authority: String,
        proxyAuthorization: String?,
        userAgent: String,
        deadline: ContinuousClock.Instant?
    ) throws(ClientError) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: authority)
        headers.add(name: "User-Agent", value: userAgent)
        if let proxyAuthorization { headers.add(name: "Proxy-Authorization", value: proxyAuthorization) }
        // CONNECT is HTTP/1.1 (it does not exist in RFC 1945); curl sends it as 1.1 for an HTTP/1.0 transfer too.
        let request = HTTPRequest(
            method: HTTPMethod("CONNECT"),
            target: authority,
            version: HTTPVersion(major: 1, minor: 1),
            headers: headers
        )
        try stream.write(request.serialized(), deadline: deadline)
        // Read the answer's head a byte at a time: nothing after it may be consumed, because what follows
        // belongs to the tunnel (the server's TLS records).
        let parser = HTTPResponseParser()
        var received: [UInt8] = []
        let byte = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
        defer { byte.deallocate() }
        while true {
            let count = try stream.read(into: byte, deadline: deadline)
            if count == 0 { throw .badResponse("the proxy closed the connection before answering CONNECT") }
            received.append(byte[0])
            // A head can only be complete at the end of a line (CRLF, or a bare LF, which the parser accepts).
            guard received.last == 10 else { continue }
            let parsed: (head: HTTPResponseHead, headLength: Int)?
            do { parsed = try parser.parse(received) } catch { throw .badResponse("proxy: \(error)") }
            guard let (head, _) = parsed else { continue }
            let code = head.status.code
            guard (200...299).contains(code) else { throw .badResponse("CONNECT tunnel failed, response \(code)") }
            return
        }
    }
}
