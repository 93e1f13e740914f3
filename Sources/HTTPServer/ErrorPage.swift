import HTTPCore

/// The small HTML pages sent with error statuses.
enum ErrorPage {
    /// The page for `status`; `detail` is HTML-escaped, so request bytes can never inject markup.
    static func html(for status: HTTPStatus, detail: String? = nil) -> [UInt8] {
        let title = "\(status.code) \(escapeHTML(status.reasonPhrase))"
        var page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>\(title)</title></head>\n"
        page += "<body><h1>\(title)</h1>\n"
        if let detail { page += "<p>\(escapeHTML(detail))</p>\n" }
        page += "<hr><address>http-serve</address></body></html>\n"
        return Array(page.utf8)
    }

    /// Escapes the five characters that are special in HTML text and attribute values.
    static func escapeHTML(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
