/// The media type for a file name, from its extension.
public enum MIMETypes {
    /// Extension (lower case, without the dot) to media type. Text types carry `charset=utf-8`.
    static let table: [String: String] = [
        "html": "text/html; charset=utf-8", "htm": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8", "json": "application/json",
        "txt": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8",
        "xml": "application/xml", "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg",
        "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp", "ico": "image/vnd.microsoft.icon",
        "wasm": "application/wasm", "pdf": "application/pdf", "zip": "application/zip",
        "gz": "application/gzip", "tar": "application/x-tar", "mp4": "video/mp4", "mp3": "audio/mpeg",
        "woff": "font/woff", "woff2": "font/woff2",
    ]

    /// The default for unknown extensions (RFC 9110 §8.3: the recipient may treat it as plain data).
    public static let fallback = "application/octet-stream"

    /// The media type for a file name's bytes; the extension is matched case-insensitively.
    public static func type(forFileName name: [UInt8]) -> String {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > name.startIndex else { return fallback }
        let ext = String(decoding: name[(dot + 1)...].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        return table[ext] ?? fallback
    }
}
