/// The content codings a client accepts, from its `Accept-Encoding` fields (RFC 9110 §12.5.3).
///
/// ```
/// Accept-Encoding  = #( codings [ weight ] )
/// codings          = content-coding / "identity" / "*"
/// weight           = OWS ";" OWS "q=" qvalue
/// ```
///
/// Qualities are kept in thousandths (`q=0.5` is 500) so that comparisons are exact.
public struct AcceptEncoding: Sendable, Equatable {
    /// One listed coding and its weight.
    public struct Element: Sendable, Equatable {
        /// The coding, lower-cased: `gzip`, `x-gzip`, `identity`, `*`, ...
        public var coding: String
        /// The weight in thousandths: 0 ("not acceptable") to 1000 (the default).
        public var quality: Int

        /// Creates an element.
        public init(coding: String, quality: Int = 1000) {
            self.coding = coding
            self.quality = quality
        }
    }

    /// The well-formed elements in the order listed; malformed ones are dropped.
    public var elements: [Element]

    /// Creates a value from elements.
    public init(elements: [Element]) {
        self.elements = elements
    }

    /// Parses the values of every `Accept-Encoding` field of a request, in order.
    ///
    /// Several fields combine as one comma-separated list (RFC 9110 §5.3). An element whose weight
    /// is not a valid `qvalue` (`q=2`, `q=0.1234`, `q=abc`) is dropped rather than guessed at: a broken
    /// weight can then only fail to select a coding, never select one by accident.
    /// - Parameter values: the field values, such as `["gzip, deflate;q=0.5"]`.
    public init(parsing values: [String]) {
        var elements: [Element] = []
        for value in values {
            for member in value.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
                if let element = Self.parseElement(member) { elements.append(element) }
            }
        }
        self.elements = elements
    }

    /// The weight given to `coding` by name, or `nil` if it is not listed by name (`*` is not consulted).
    public func explicitQuality(of coding: String) -> Int? {
        // The highest weight wins if a client lists a coding twice.
        elements.filter { $0.coding == coding }.map(\.quality).max()
    }

    /// The weight of gzip: `gzip` or its alias `x-gzip` (RFC 9110 §8.4.1.3), else `*`, else 0.
    public var gzipQuality: Int {
        let named = [explicitQuality(of: "gzip"), explicitQuality(of: "x-gzip")].compactMap { $0 }
        if let best = named.max() { return best }
        // RFC 9110 §12.5.3: "*" matches any available content coding not explicitly listed.
        return explicitQuality(of: "*") ?? 0
    }

    /// Whether a gzip-coded response should be sent rather than the identity one.
    ///
    /// Gzip must have a non-zero weight (`gzip;q=0` means "not acceptable", RFC 9110 §12.5.3), and no
    /// lower than an explicit weight for `identity`; a tie goes to gzip, the smaller response. An
    /// identity weight inherited from `*` does not count against gzip: `*` already gives gzip the same.
    public var prefersGzip: Bool {
        let gzip = gzipQuality
        guard gzip > 0 else { return false }
        return gzip >= (explicitQuality(of: "identity") ?? 0)
    }

    /// The weight of `coding`: its own (for `gzip`, the higher of `gzip` and `x-gzip`), else `*`'s, else 0.
    public func quality(of coding: String) -> Int {
        if coding == "gzip" { return gzipQuality }
        return explicitQuality(of: coding) ?? explicitQuality(of: "*") ?? 0
    }

    /// The codings of `candidates` the client accepts, best first.
    ///
    /// A coding is acceptable with a non-zero weight no lower than an explicit `identity` weight (as for
    /// ``prefersGzip``); higher weights come first, and equal weights keep the order of `candidates`, the
    /// server's preference.
    /// - Parameter candidates: the codings the server could send, in its order of preference.
    public func acceptableCodings(_ candidates: [String]) -> [String] {
        let identity = explicitQuality(of: "identity") ?? 0
        let weighted = candidates.enumerated().map {
            (index: $0.offset, coding: $0.element, quality: quality(of: $0.element))
        }
        return weighted.filter { $0.quality > 0 && $0.quality >= identity }
            .sorted { $0.quality != $1.quality ? $0.quality > $1.quality : $0.index < $1.index }
            .map(\.coding)
    }

    /// The codings of `candidates` acceptable in reply to a request with these header fields, best first;
    /// none without an `Accept-Encoding` field or with an empty one (see ``prefersGzip(_:)``).
    /// - Parameters:
    ///   - headers: the request's header fields.
    ///   - candidates: the codings the server could send, in its order of preference.
    public static func acceptableCodings(_ headers: HTTPHeaders, among candidates: [String]) -> [String] {
        let values = headers.values(for: .acceptEncoding)
        guard !values.isEmpty else { return [] }
        return AcceptEncoding(parsing: values).acceptableCodings(candidates)
    }

    /// Whether gzip should be sent in reply to a request with these header fields.
    ///
    /// No `Accept-Encoding` field means identity: RFC 9110 §12.5.3 would allow any coding, but HTTP/1.0
    /// clients predate content codings and tools like curl (without `--compressed`) send none and expect
    /// the file's bytes. An empty field also means identity: the client wants no coding at all.
    /// - Parameter headers: the request's header fields.
    public static func prefersGzip(_ headers: HTTPHeaders) -> Bool {
        let values = headers.values(for: .acceptEncoding)
        guard !values.isEmpty else { return false }
        return AcceptEncoding(parsing: values).prefersGzip
    }

    private static func parseElement(_ member: Substring.UTF8View) -> Element? {
        let parts = member.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        let coding = trimmed(parts[0])
        guard !coding.isEmpty, coding.allSatisfy(ASCII.isTokenCharacter) else { return nil }
        var quality = 1000
        for parameter in parts.dropFirst() {
            let text = trimmed(parameter)
            guard let equals = text.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let name = trimmed(text[..<equals])
            // Only the weight is defined for Accept-Encoding; other parameters are ignored.
            guard name.count == 1, ASCII.lowercased(name[0]) == UInt8(ascii: "q") else { continue }
            guard let parsed = parseQuality(trimmed(text[(equals + 1)...])) else { return nil }
            quality = parsed
        }
        return Element(coding: String(decoding: coding.map(ASCII.lowercased), as: UTF8.self), quality: quality)
    }

    /// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )` (RFC 9110 §12.4.2), in thousandths.
    /// - Parameter bytes: the value after `q=`.
    /// - Returns: the weight in thousandths, or `nil` if it is not a `qvalue`.
    public static func parseQuality(_ bytes: [UInt8]) -> Int? {
        guard let first = bytes.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var value = Int(first - UInt8(ascii: "0")) * 1000
        guard bytes.count > 1 else { return value }
        guard bytes[1] == UInt8(ascii: "."), bytes.count <= 5 else { return nil }
        var scale = 100
        for byte in bytes[2...] {
            guard ASCII.isDigit(byte) else { return nil }
            value += Int(byte - UInt8(ascii: "0")) * scale
            scale /= 10
        }
        return value <= 1000 ? value : nil
    }

    private static func trimmed(_ bytes: some Collection<UInt8>) -> [UInt8] {
        let isSpace = { (byte: UInt8) in byte == ASCII.space || byte == ASCII.tab }
        var result = Array(bytes.drop(while: isSpace))
        while let last = result.last, isSpace(last) { result.removeLast() }
        return result
    }
}
