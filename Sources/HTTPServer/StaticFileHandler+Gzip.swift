import HTTPCore
import System

/// Content coding: the br, zstd or gzip variant of a file's 200 plan (RFC 9110 §8.4, §12.5.3).
extension StaticFileHandler {
    /// A content coding the server can send, with the extension of its precompressed sibling.
    struct Coding {
        /// The `Content-Encoding` token (RFC 9110 §8.4.1; br is RFC 7932, zstd RFC 8878).
        var token: String
        /// The sibling's extension, dot included.
        var suffix: String
        /// Inside the entity tag's quotes, before the sibling's own tag.
        var tagSuffix: String
    }

    /// br, zstd, gzip: the order of preference at equal weight (smallest first). Only gzip is also made on
    /// the fly; br and zstd are sent only from files made ahead of time.
    static let codings = [
        Coding(token: "br", suffix: ".br", tagSuffix: "-br-"),
        Coding(token: "zstd", suffix: ".zst", tagSuffix: "-zst-"),
        Coding(token: "gzip", suffix: ".gz", tagSuffix: "-gz-"),
    ]

    /// The tokens of ``codings``, made once: the lookup runs on every request for a compressible file.
    static let codingTokens = codings.map(\.token)

    /// Turns `plan`, a file's identity 200 plan, into the plan to send: identity, br, zstd or gzip.
    ///
    /// For a compressible type it always adds `Vary: Accept-Encoding`, to every variant, so caches
    /// key on the field (RFC 9110 §12.5.5). Without a `Range` (ranges are answered from the identity
    /// bytes, whose offsets the client can know) it tries the codings the client accepts, highest weight
    /// first and br, zstd, gzip at equal weight: a precompressed `name.br`, `name.zst` or `name.gz` no older
    /// than the file, or for gzip the compressed body in the cache or one that fits in it. A coded variant
    /// gets `Content-Encoding`, its own length, its own strong entity tag (different bytes, RFC 9110
    /// §8.8.3), and the file's `Last-Modified`.
    /// HEAD takes the same path as GET, so its head is the same.
    /// - Parameters:
    ///   - plan: the identity 200 plan, whose body is `file`.
    ///   - type: its media type.
    ///   - file: the open file, closed here if a coded body replaces it; `nil` when the plan's body is the file's
    ///     kept bytes.
    ///   - status: the file's status when opened.
    ///   - path: the file's path, for finding `name.gz` beside it (made only when one is looked for).
    ///   - name: the file's name, which gave its media type.
    ///   - request: the request, for `Accept-Encoding` and `Range`.
    ///   - mayHaveRange: `false` when the request is known to have no `Range` (``mayNarrow(_:)``).
    /// - Returns: `false` when the variant to send must be made from the open file and `file` is `nil` (a gzip body
    ///   not in the cache): `plan` is then half made, and the caller starts again with the file open.
    func applyContentCoding(
        to plan: inout ResponsePlan,
        type: String,
        file: OpenFile?,
        status: FileStatus,
        path: () -> FilePath,
        name: ArraySlice<UInt8>,
        request: HTTPRequest,
        mayHaveRange: Bool
    ) -> Bool {
        guard let gzip, gzip.options.enabled, plan.status == .ok, MIMETypes.isCompressible(type),
            !Self.isAlreadyEncoded(name)
        else { return true }
        // In place: the identity plan's fields are extended, with no second array.
        plan.addVaryAcceptEncoding()
        // RFC 9110 §14.2: Range is defined for GET only, so only a GET's Range pins the identity bytes;
        // a HEAD with Range shows the head of the plain GET, gzip included.
        if mayHaveRange && request.method == .get && request.headers.contains(.range) { return true }
        let accepted = AcceptEncoding.acceptableCodings(request.headers, among: Self.codingTokens)
        for coding in accepted.compactMap({ token in Self.codings.first { $0.token == token } }) {
            if let precompressed = makePrecompressedPlan(from: plan, status: status, path: path(), coding: coding) {
                file?.close()
                plan = precompressed
                return true
            }
            guard coding.token == "gzip" else { continue }
            if defersSlowWork {
                switch gzip.lookup(status) {
                case .identity:
                    continue
                case .compressed(let body):
                    file?.close()
                    plan.body = .bytes(body)
                    setCodingFields(&plan, coding: "gzip", length: Int64(body.count), tagSuffix: "-gz")
                case .miss:
                    guard let file else { return false }
                    // Compressed as it is sent, off the loop; its length is known only at the end, so the close
                    // ends the body (RFC 1945 §7.2.2), as nginx does for every gzip response. The tag is the
                    // variant's already: it depends on the file version only.
                    plan.body = .gzip(file, status)
                    setCodingFields(&plan, coding: "gzip", length: nil, tagSuffix: "-gz")
                }
                return true
            }
            guard let file else { return false }
            guard let body = gzip.body(of: file, status: status) else { continue }
            file.close()
            plan.body = .bytes(body)
            setCodingFields(&plan, coding: "gzip", length: Int64(body.count), tagSuffix: "-gz")
            return true
        }
        return true
    }

    /// The plan for the coding's sibling (`name.br`, `name.zst`, `name.gz`), if it exists, is a regular file
    /// inside the root, and is no older than the file (an older one may hold a previous version).
    private func makePrecompressedPlan(
        from plan: ResponsePlan,
        status: FileStatus,
        path: FilePath,
        coding: Coding
    ) -> ResponsePlan? {
        let sibling = FilePath(bytes: path.bytes + Array(coding.suffix.utf8))
        guard let siblingStatus = try? FileSystem.status(of: sibling), siblingStatus.kind == .regular,
            FileVersion(siblingStatus).isModified(notBefore: FileVersion(status)),
            let real = try? FileSystem.realPath(sibling), real.isWithin(realRoot),
            let file = try? OpenFile.open(sibling)
        else { return nil }
        guard let opened = try? file.status(), opened.kind == .regular else {
            file.close()
            return nil
        }
        var plan = plan
        plan.body = .file(file, offset: 0, length: opened.size)
        // The sibling has its own version: regenerating it (another level) must change the tag too.
        let tagSuffix = coding.tagSuffix + EntityTag.strong(FileVersion(opened)).opaque
        setCodingFields(&plan, coding: coding.token, length: opened.size, tagSuffix: tagSuffix)
        return plan
    }

    /// Turns an identity head into a coded variant's: coding, length (none when the close ends the body), and a
    /// tag of its own.
    private func setCodingFields(_ plan: inout ResponsePlan, coding: String, length: Int64?, tagSuffix: String) {
        // RFC 9110 §8.4: the coding is a property of the representation; Content-Type stays the file's.
        plan.fields.add(name: "Content-Encoding", value: coding)
        if let length {
            plan.fields.replaceInPlace(name: "Content-Length", value: String(length))
        } else {
            plan.fields.remove(name: "Content-Length")
        }
        plan.entityTag = plan.entityTag?.appending(tagSuffix)
    }

    /// Names of files that are already compressed data: serving them with a coding would double it.
    static func isAlreadyEncoded(_ name: ArraySlice<UInt8>) -> Bool {
        encodedSuffixes.contains { suffix in
            name.count >= suffix.count
                && zip(name[(name.endIndex - suffix.count)...], suffix).allSatisfy { byte, lower in
                    (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) == lower
                }
        }
    }

    /// The name endings of compressed data, in lower case; made once (the check runs on every request).
    static let encodedSuffixes = [".gz", ".svgz", ".tgz", ".br", ".zst"].map { Array($0.utf8) }
}

extension HTTPHeaders {
    /// Sets the value of the first field named `name` where it stands (field order is kept for readers).
    fileprivate mutating func replaceInPlace(name: String, value: String) {
        var result = HTTPHeaders()
        var replaced = false
        for field in self {
            let matches = !replaced && field.name.lowercased() == name.lowercased()
            result.add(name: field.name, value: matches ? value : field.value)
            replaced = replaced || matches
        }
        if !replaced { result.add(name: name, value: value) }
        self = result
    }
}
