import HTTPCore

/// JSON listings and the listing order chosen in the query (`?format=json`, `?sort=size&order=desc`).
extension StaticFileHandler {
    /// What a listing's query asks for.
    struct ListingQuery: Equatable {
        /// The sort key of `?sort=`.
        enum Key: String { case name, size, mtime }
        /// `?format=json`.
        var wantsJSON = false
        var key: Key? = nil
        var descending: Bool? = nil

        /// Reads `format`, `sort` and `order` from a query string; unknown names and values are ignored.
        init(query: String?) {
            for pair in (query ?? "").split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = parts.count == 2 ? String(parts[1]) : ""
                switch parts[0] {
                case "format": wantsJSON = value == "json"
                // `time` is caddy's spelling of the same key.
                case "sort": key = Key(rawValue: value == "time" ? "mtime" : value) ?? key
                case "order" where value == "asc" || value == "desc": descending = value == "desc"
                default: break
                }
            }
        }

        /// The order asked for: folders first, then by the key (ties by name), reversed for `desc`; `nil` when
        /// neither `sort` nor `order` was given, which keeps the default order by name bytes.
        var order: ListingOrder? {
            guard key != nil || descending != nil else { return nil }
            return ListingOrder(key: key ?? .name, descending: descending ?? false)
        }

        /// Whether `Accept` asks for JSON: `application/json` with a non-zero weight no lower than
        /// `text/html`'s (browsers list `text/html` and `*/*`, never `application/json`).
        static func acceptsJSON(_ headers: HTTPHeaders) -> Bool {
            var json = 0
            var html = 0
            for value in headers.values(for: .accept) {
                for member in value.split(separator: ",") {
                    let parts = member.split(separator: ";")
                    guard let type = parts.first?.trimmingCharacters(in: [" ", "\t"]).lowercased() else { continue }
                    var quality = 1000
                    for parameter in parts.dropFirst() {
                        let pair = parameter.trimmingCharacters(in: [" ", "\t"])
                        if pair.lowercased().hasPrefix("q="),
                            let parsed = AcceptEncoding.parseQuality(Array(pair.utf8.dropFirst(2)))
                        {
                            quality = parsed
                        }
                    }
                    if type == "application/json" { json = max(json, quality) }
                    if type == "text/html" { html = max(html, quality) }
                }
            }
            return json > 0 && json >= html
        }
    }

    /// An explicit listing order.
    struct ListingOrder: Equatable {
        var key: ListingQuery.Key
        var descending: Bool

        /// Folders before files whatever the direction; within each, the key, then the name bytes.
        func areInIncreasingOrder(_ a: ListingRow, _ b: ListingRow) -> Bool {
            if a.isFolder != b.isFolder { return a.isFolder }
            let ordered: Bool
            switch key {
            case .size where !a.isFolder && a.size != b.size: ordered = a.size < b.size
            case .mtime where a.modificationSeconds != b.modificationSeconds:
                ordered = a.modificationSeconds < b.modificationSeconds
            default:
                if a.name == b.name { return false }
                ordered = a.name.lexicographicallyPrecedes(b.name)
            }
            return descending ? !ordered : ordered
        }
    }

    /// The JSON listing: an array with one object per entry, in the order given, one per line:
    /// `{"name":"a.txt","type":"file","size":3,"mtime":"2024-01-01T00:00:00Z","link":"a.txt"}`.
    ///
    /// `type` is `file` or `folder`; a folder's `size` is `null` and its link ends in `/`. A name that is
    /// not UTF-8 shows `\uFFFD` for each bad sequence; its link is the raw bytes percent-encoded, so it still
    /// leads to the file.
    static func listingJSON(rows: [ListingRow]) -> [UInt8] {
        var text = "["
        for (index, row) in rows.enumerated() {
            text += index == 0 ? "\n" : ",\n"
            let link = TargetPath.percentEncode(row.name, keepingSlash: false) + (row.isFolder ? "/" : "")
            text += "{\"name\":" + jsonString(String(decoding: row.name, as: UTF8.self))
            text += ",\"type\":" + (row.isFolder ? "\"folder\"" : "\"file\"")
            text += ",\"size\":" + (row.isFolder ? "null" : String(row.size))
            text += ",\"mtime\":\"" + HTTPDate.formatISO8601(row.modificationSeconds) + "\""
            text += ",\"link\":" + jsonString(link) + "}"
        }
        text += rows.isEmpty ? "]\n" : "\n]\n"
        return Array(text.utf8)
    }

    /// A JSON string literal (RFC 8259 §7): `"` and `\` escaped, control characters as `\n`, `\t`... or `\u00XX`,
    /// U+FFFD (what bytes that are not UTF-8 became) as `\uFFFD`.
    static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            // What a byte that is not UTF-8 decodes to: escaped, so it shows in ASCII-only output too.
            case "\u{FFFD}": result += "\\uFFFD"
            case "\u{0C}": result += "\\f"
            case "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16, uppercase: false)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
