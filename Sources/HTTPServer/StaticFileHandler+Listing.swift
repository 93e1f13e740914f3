import HTTPCore
import Sockets

#if canImport(Glibc)
import Glibc
#endif

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

    /// A 200 listing of the folder at `path`, or 403 if it may not be read.
    func makeListingPlan(of path: FilePath, target: TargetPath, now: Int64) -> ResponsePlan {
        let entries: [DirectoryEntry]
        do {
            entries = try FileSystem.contentsOfDirectory(path)
        } catch {
            return makeErrorPlan(error.errno == EACCES ? .forbidden : .notFound, now: now)
        }
        var rows: [ListingRow] = []
        for entry in entries {
            // Hidden names, dangling links, and links whose real path leaves the root are not shown:
            // the listing offers exactly what a GET would serve.
            guard let status = entry.status, status.kind == .regular || status.kind == .directory else { continue }
            if isHidden(target.segments + [entry.name]) { continue }
            guard let real = try? FileSystem.realPath(path.appending(entry.name)), real.isWithin(realRoot) else {
                continue
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
        let page = Self.listingPage(path: target.bytes, rows: rows, atRoot: target.segments.isEmpty)
        return makeHTMLPlan(.ok, page, now: now)
    }

    /// The listing page: rows sorted by name bytes, folders marked with `/`, `..` first except at the root.
    ///
    /// Names are shown HTML-escaped (bytes that are not UTF-8 as U+FFFD) and linked by their raw bytes
    /// percent-encoded, so a name that is not UTF-8 still links to itself.
    static func listingPage(path: [UInt8], rows: [ListingRow], atRoot: Bool) -> [UInt8] {
        let title = "Index of " + ErrorPage.escapeHTML(String(decoding: path, as: UTF8.self))
        var page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(title)</title></head>\n"
        page += "<body><h1>\(title)</h1>\n<table>\n"
        page += "<tr><th>Name</th><th>Size</th><th>Last modified</th></tr>\n"
        if !atRoot { page += "<tr><td><a href=\"../\">../</a></td><td>-</td><td></td></tr>\n" }
        for row in rows.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) }) {
            let slash = row.isFolder ? "/" : ""
            // A relative href that is only encoded name bytes: `:` and `/` are escaped, so a name can
            // never turn into a scheme or another path.
            let href = TargetPath.percentEncode(row.name, keepingSlash: false) + slash
            let shown = ErrorPage.escapeHTML(String(decoding: row.name, as: UTF8.self)) + slash
            let size = row.isFolder ? "-" : String(row.size)
            page += "<tr><td><a href=\"\(href)\">\(shown)</a></td><td>\(size)</td>"
            page += "<td>\(HTTPDate.format(row.modificationSeconds))</td></tr>\n"
        }
        page += "</table>\n<hr><address>http-serve</address></body></html>\n"
        return Array(page.utf8)
    }
}
