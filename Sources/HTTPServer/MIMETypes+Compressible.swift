/// Which media types gzip makes smaller.
extension MIMETypes {
    /// `application/` subtypes that are text or otherwise compress well.
    static let compressibleApplicationTypes: Set<String> = [
        "javascript", "x-javascript", "ecmascript", "json", "xml", "wasm", "xml-dtd", "yaml", "toml", "sql",
        "x-sh", "x-tex", "rtf", "postscript", "x-pem-file", "vnd.apple.mpegurl", "vnd.ms-fontobject",
        "x-font-ttf", "x-font-otf", "vnd.google-earth.kml+xml",
    ]

    /// Types outside `text/` and `application/` that are uncompressed formats.
    static let compressibleOtherTypes: Set<String> = [
        "image/svg+xml", "image/bmp", "image/x-ms-bmp", "image/vnd.microsoft.icon", "image/x-icon",
        "font/ttf", "font/otf", "font/collection",
    ]

    /// Whether gzip is worth applying to a body of this media type.
    ///
    /// Yes for `text/*`, JavaScript, JSON, XML and their `+json`/`+xml` structured-syntax suffixes
    /// (RFC 6839), SVG, WebAssembly, uncompressed fonts and bitmaps. No for JPEG, PNG, WebP, WOFF2,
    /// audio, video, archives and anything already compressed, where gzip would only cost time.
    /// - Parameter contentType: a `Content-Type` value; parameters such as `charset` are ignored.
    public static func isCompressible(_ contentType: String) -> Bool {
        // Nearly every answer is `text/…`: said from the string's bytes, without building the lowered essence.
        if isText(contentType) { return true }
        let essence =
            contentType.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingSpaces.lowercased()
            } ?? ""
        if essence.hasPrefix("text/") { return true }
        if compressibleOtherTypes.contains(essence) { return true }
        guard essence.hasPrefix("application/") else { return false }
        let subtype = essence.dropFirst("application/".count)
        return compressibleApplicationTypes.contains(String(subtype)) || subtype.hasSuffix("+json")
            || subtype.hasSuffix("+xml")
    }
}

extension MIMETypes {
    private static let textPrefix = Array("text/".utf8)

    /// Whether the type is `text/…` (any case, spaces before it allowed).
    static func isText(_ contentType: String) -> Bool {
        let text = textPrefix
        let check = { (bytes: UnsafeBufferPointer<UInt8>) -> Bool in
            var start = 0
            while start < bytes.count && (bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t")) {
                start += 1
            }
            guard bytes.count - start >= 5 else { return false }
            for offset in 0..<5 {
                let byte = bytes[start + offset]
                if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != text[offset] { return false }
            }
            return true
        }
        if let result = contentType.utf8.withContiguousStorageIfAvailable(check) { return result }
        return Array(contentType.utf8).withUnsafeBufferPointer(check)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }
}
