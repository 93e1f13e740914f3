import HTTPCore
import System

/// HTML listings of folders that have no `index.html`.
extension StaticFileHandler {
    /// One row of a listing.
    struct ListingRow: Equatable {
        /// The raw name bytes, as the kernel gave them.
        var name: [UInt8]
        var isFolder: Bool
        var size: Int64
        var modificationSeconds: Int64
    }

    /// A 200 listing of the folder at `path` (HTML, or JSON when asked for), or 403 if it may not be read.
    func makeListingPlan(of path: FilePath, target: TargetPath, request: HTTPRequest, now: Int64) -> ResponsePlan {
        let entries: [DirectoryEntry]
        do {
            entries = try FileSystem.contentsOfDirectory(path)
        } catch {
            return makeOpenErrorPlan(error, now: now)
        }
        var rows: [ListingRow] = []
        for entry in entries {
            // Hidden names, dangling links, and links whose real path leaves the root are not shown:
            // the listing offers exactly what a GET would serve.
            guard let status = entry.status, status.kind == .regular || status.kind == .directory else { continue }
            if isHidden(target, appending: entry.name) { continue }
            // The folder itself is inside the root, so only a link can lead out of it.
            if entry.mayBeSymbolicLink {
                guard let real = try? FileSystem.realPath(path.appending(entry.name)), real.isWithin(realRoot),
                    !isHidden(realPath: real)
                else { continue }
            }
            rows.append(
                ListingRow(
                    name: entry.name,
                    isFolder: status.kind == .directory,
                    size: status.size,
                    modificationSeconds: status.modificationSeconds
                )
            )
        }
        let query = ListingQuery(query: target.query)
        let order = query.order
        let sorted = order.map { rows.sorted(by: $0.areInIncreasingOrder) } ?? rows.sorted(by: Self.byNameBytes)
        var plan: ResponsePlan
        if query.wantsJSON || ListingQuery.acceptsJSON(request.headers) {
            plan = makeJSONPlan(Self.listingJSON(rows: sorted), now: now)
        } else {
            plan = makeHTMLPlan(
                .ok,
                Self.listingPage(path: target.bytes, rows: sorted, atRoot: target.isRoot),
                now: now
            )
        }
        // The same URL is HTML or JSON by the request's Accept (RFC 9110 §12.5.5).
        plan.fields.add(name: "Vary", value: "Accept")
        return plan
    }

    /// The default order: by name bytes, folders among files.
    static func byNameBytes(_ a: ListingRow, _ b: ListingRow) -> Bool { a.name.lexicographicallyPrecedes(b.name) }

    func makeJSONPlan(_ body: [UInt8], now: Int64) -> ResponsePlan {
        var headers = baseHeaders(now: now)
        // RFC 8259 §11: application/json has no charset parameter; it is UTF-8.
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        return ResponsePlan(status: .ok, fields: headers, body: .bytes(body))
    }

    /// The listing page: rows in the order given, folders marked with `/`, `..` first except at the root.
    ///
    /// Names are shown HTML-escaped (bytes that are not UTF-8 as U+FFFD) and linked by their raw bytes
    /// percent-encoded, so a name that is not UTF-8 still links to itself. Sizes are human-readable
    /// (the exact byte count in a tooltip), dates ISO 8601 in UTC; a small inline stylesheet and no script.
    static func listingPage(path: [UInt8], rows: [ListingRow], atRoot: Bool) -> [UInt8] {
        let title = "Index of " + ErrorPage.escapeHTML(String(decoding: path, as: UTF8.self))
        var page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(title)</title>\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<style>\(listingStyle)</style></head>\n"
        page += "<body><h1>\(title)</h1>\n<table>\n"
        page += "<tr><th>Name</th><th class=\"size\">Size</th><th>Last modified (UTC)</th></tr>\n"
        if !atRoot { page += "<tr><td><a href=\"../\">../</a></td><td class=\"size\">-</td><td></td></tr>\n" }
        for row in rows {
            let slash = row.isFolder ? "/" : ""
            // A relative href that is only encoded name bytes: `:` and `/` are escaped, so a name can
            // never turn into a scheme or another path.
            let href = TargetPath.percentEncode(row.name, keepingSlash: false) + slash
            let shown = ErrorPage.escapeHTML(String(decoding: row.name, as: UTF8.self)) + slash
            let size =
                row.isFolder
                ? "<td class=\"size\">-</td>"
                : "<td class=\"size\" title=\"\(row.size) byte\(row.size == 1 ? "" : "s")\">\(Self.humanReadableSize(row.size))</td>"
            page += "<tr><td><a href=\"\(href)\">\(shown)</a></td>\(size)"
            page += "<td>\(HTTPDate.formatISO8601(row.modificationSeconds))</td></tr>\n"
        }
        page += "</table>\n<hr><address>http-serve</address></body></html>\n"
        return Array(page.utf8)
    }

    /// A minimal stylesheet: readable widths, zebra rows, right-aligned sizes, a dark variant.
    static let listingStyle =
        "body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222;background:#fff}"
        + "h1{font-size:1.4em;font-weight:600;overflow-wrap:anywhere}"
        + "table{border-collapse:collapse;width:100%}th,td{padding:.35em .8em;text-align:left}"
        + "th{border-bottom:2px solid #ccc}tr:nth-child(even) td{background:#f4f4f4}"
        + ".size{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
        + "td:last-child{font-variant-numeric:tabular-nums;white-space:nowrap;color:#555}"
        + "a{color:#0550ae;text-decoration:none}a:hover{text-decoration:underline}address{color:#777}"
        + "@media (prefers-color-scheme:dark){body{color:#ddd;background:#111}"
        + "tr:nth-child(even) td{background:#1c1c1c}td:last-child{color:#aaa}a{color:#7ab7ff}}"

    /// `512 B`, `1.5 KiB`, `64 KiB`, `3.2 GiB`: binary units, one decimal below 10.
    static func humanReadableSize(_ bytes: Int64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if value < 10 {
            let tenths = Int((value * 10).rounded())
            // 9.96 rounds to 10.0: show it as 10, the way the next branch would.
            return tenths >= 100 ? "10 \(units[unit])" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
        }
        return "\(Int(value.rounded())) \(units[unit])"
    }
}
