/// The media type for a file name, from its extension.
///
/// Built in, so answers do not depend on the host's `/etc/mime.types`. Text types carry
/// `charset=utf-8` (RFC 9110 §8.3.2: say the charset rather than let clients guess).
public enum MIMETypes {
    private static let utf8 = "; charset=utf-8"

    /// Extension (lower case, without the dot) to media type.
    static let table: [String: String] = [
        // Text and web documents.
        "html": "text/html" + utf8, "htm": "text/html" + utf8, "shtml": "text/html" + utf8,
        "xhtml": "application/xhtml+xml", "css": "text/css" + utf8, "js": "text/javascript" + utf8,
        "mjs": "text/javascript" + utf8, "cjs": "text/javascript" + utf8, "json": "application/json",
        "map": "application/json", "jsonld": "application/ld+json", "webmanifest": "application/manifest+json",
        "txt": "text/plain" + utf8, "text": "text/plain" + utf8, "log": "text/plain" + utf8,
        "conf": "text/plain" + utf8, "ini": "text/plain" + utf8, "md": "text/markdown" + utf8,
        "markdown": "text/markdown" + utf8, "csv": "text/csv" + utf8, "tsv": "text/tab-separated-values" + utf8,
        "xml": "application/xml", "xsl": "application/xml", "xsd": "application/xml", "dtd": "application/xml-dtd",
        "rss": "application/rss+xml", "atom": "application/atom+xml", "yaml": "application/yaml",
        "yml": "application/yaml", "toml": "application/toml", "ics": "text/calendar" + utf8,
        "vcf": "text/vcard" + utf8, "rtf": "application/rtf", "tex": "application/x-tex",
        "swift": "text/plain" + utf8, "c": "text/plain" + utf8, "h": "text/plain" + utf8,
        "sh": "application/x-sh", "py": "text/x-python" + utf8, "rs": "text/plain" + utf8,
        "go": "text/plain" + utf8, "diff": "text/plain" + utf8, "patch": "text/plain" + utf8,
        "vtt": "text/vtt" + utf8, "srt": "text/plain" + utf8, "appcache": "text/cache-manifest" + utf8,
        // Images.
        "png": "image/png", "apng": "image/apng", "jpg": "image/jpeg", "jpeg": "image/jpeg", "jpe": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp", "avif": "image/avif", "svg": "image/svg+xml",
        "svgz": "image/svg+xml", "ico": "image/vnd.microsoft.icon", "bmp": "image/bmp", "tif": "image/tiff",
        "tiff": "image/tiff", "heic": "image/heic", "heif": "image/heif", "jxl": "image/jxl",
        "psd": "image/vnd.adobe.photoshop",
        // Fonts.
        "woff": "font/woff", "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf",
        "eot": "application/vnd.ms-fontobject",
        // Audio.
        "mp3": "audio/mpeg", "ogg": "audio/ogg", "oga": "audio/ogg", "opus": "audio/ogg", "wav": "audio/wav",
        "flac": "audio/flac", "aac": "audio/aac", "m4a": "audio/mp4", "weba": "audio/webm", "mid": "audio/midi",
        "midi": "audio/midi",
        // Video.
        "mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg", "mov": "video/quicktime",
        "avi": "video/x-msvideo", "mkv": "video/x-matroska", "mpeg": "video/mpeg", "mpg": "video/mpeg",
        "ts": "video/mp2t", "3gp": "video/3gpp", "flv": "video/x-flv", "m3u8": "application/vnd.apple.mpegurl",
        "mpd": "application/dash+xml",
        // Archives and compressed data.
        "zip": "application/zip", "gz": "application/gzip", "tgz": "application/gzip", "tar": "application/x-tar",
        "bz2": "application/x-bzip2", "xz": "application/x-xz", "zst": "application/zstd",
        "7z": "application/x-7z-compressed",
        "rar": "application/vnd.rar", "jar": "application/java-archive", "deb": "application/vnd.debian.binary-package",
        "rpm": "application/x-rpm", "iso": "application/x-iso9660-image", "dmg": "application/x-apple-diskimage",
        // Documents.
        "pdf": "application/pdf", "epub": "application/epub+zip", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation", "ps": "application/postscript",
        // Programs and binary data.
        "wasm": "application/wasm", "bin": "application/octet-stream",
        "exe": "application/vnd.microsoft.portable-executable",
        "dll": "application/vnd.microsoft.portable-executable", "apk": "application/vnd.android.package-archive",
        "swf": "application/x-shockwave-flash", "torrent": "application/x-bittorrent", "pem": "application/x-pem-file",
        "crt": "application/x-x509-ca-cert", "der": "application/x-x509-ca-cert", "sig": "application/pgp-signature",
        "asc": "application/pgp-signature", "gpx": "application/gpx+xml", "kml": "application/vnd.google-earth.kml+xml",
        "wat": "text/plain" + utf8, "sql": "application/sql", "graphql": "application/graphql+json",
    ]

    /// The default for unknown extensions (RFC 9110 §8.3: the recipient may treat it as plain data).
    public static let fallback = "application/octet-stream"

    /// The media type for a file name's bytes; the extension is matched case-insensitively.
    public static func type(forFileName name: [UInt8]) -> String {
        Table().type(forFileName: name)
    }
}
