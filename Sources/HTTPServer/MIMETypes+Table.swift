import HTTPCore
import System

extension MIMETypes {
    /// The built-in table with a site's additions (`--mime-types`) and default (`--default-type`).
    public struct Table: Sendable, Equatable {
        /// Extension (lower case, without the dot) to media type; consulted before the built-in table.
        public var overrides: [String: String] = [:]
        /// The type of a name whose extension is in neither table.
        public var fallback: String = MIMETypes.fallback

        /// The built-in table alone, unknown extensions as `application/octet-stream`.
        public init(overrides: [String: String] = [:], fallback: String = MIMETypes.fallback) {
            self.overrides = overrides
            self.fallback = fallback
        }

        /// The media type for a file name's bytes; the extension is matched case-insensitively.
        /// A multi-dot extension of the site's table (`spdx.json`, as `/etc/mime.types` has) wins over the last one.
        public func type(forFileName name: [UInt8]) -> String { type(forFileName: name[...]) }

        /// ``type(forFileName:)-([UInt8])`` of a name that is part of a path.
        public func type(forFileName name: ArraySlice<UInt8>) -> String {
            guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > name.startIndex else { return fallback }
            if !overrides.isEmpty {
                let lower = name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
                for (index, byte) in lower.enumerated() where byte == UInt8(ascii: ".") && index > 0 {
                    if let type = overrides[String(decoding: lower[(index + 1)...], as: UTF8.self)] { return type }
                }
            }
            // Nearly every extension is found by its bytes; a long one (`webmanifest`) or none by its string.
            if let key = PackedTable.key(name[(dot + 1)...]) {
                return MIMETypes.packedTable.type(forKey: key) ?? fallback
            }
            return MIMETypes.lowercasedExtension(of: name).flatMap { MIMETypes.table[$0] } ?? fallback
        }
    }

    /// The extension of `name` in lower case, without its dot; `nil` for none (or a dotfile's only dot).
    static func lowercasedExtension(of name: ArraySlice<UInt8>) -> String? {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > name.startIndex else { return nil }
        let ext = name[(dot + 1)...]
        // Written in place: an extension of up to 15 bytes is a small string, with no allocation at all.
        return String(unsafeUninitializedCapacity: ext.count) { buffer in
            for (offset, byte) in ext.enumerated() {
                buffer[offset] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            }
            return ext.count
        }
    }

    /// Parses a file in the format of `/etc/mime.types`: one `type/subtype ext1 ext2 ...` per line, `#` starts
    /// a comment, a type with no extension is allowed and adds nothing; an extension may hold dots (`spdx.json`).
    ///
    /// The format has no parameters, so `text/*` types get `; charset=utf-8` as in the built-in table
    /// (RFC 9110 §8.3.2). A later line wins over an earlier one for the same extension.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - file: the name used in messages.
    /// - Throws: ``StaticFileHandler/OptionError`` as `FILE:LINE: reason` for a malformed line.
    public static func parseMimeTypes(
        _ text: String,
        file: String
    ) throws(StaticFileHandler.OptionError)
        -> [String: String]
    {
        var result: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let type = words.first else { continue }
            let parts = type.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ isToken($0) }) else {
                throw .init("\(file):\(number + 1): '\(type)' is not a media type (type/subtype)")
            }
            let value = type.lowercased().hasPrefix("text/") ? type + "; charset=utf-8" : String(type)
            for ext in words.dropFirst() {
                let name = ext.hasPrefix(".") ? ext.dropFirst() : ext
                guard isToken(name) else {
                    throw .init("\(file):\(number + 1): '\(ext)' is not an extension")
                }
                result[name.lowercased()] = value
            }
        }
        return result
    }

    /// Reads and parses a `--mime-types` file.
    /// - Throws: ``StaticFileHandler/OptionError``: `--mime-types 'FILE': reason` when it cannot be read,
    ///   `FILE:LINE: reason` for a malformed line.
    public static func loadMimeTypes(file: String) throws(StaticFileHandler.OptionError) -> [String: String] {
        let text: String
        do {
            let opened = try OpenFile.open(FilePath(file))
            defer { opened.close() }
            text = String(decoding: try opened.readAll(), as: UTF8.self)
        } catch {
            throw .init("--mime-types '\(file)': \(error)")
        }
        return try parseMimeTypes(text, file: file)
    }

    private static func isToken(_ text: Substring) -> Bool { HTTPHeaders.isValidName(String(text)) }
}
