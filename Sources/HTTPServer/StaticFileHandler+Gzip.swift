import HTTPCore
import System

/// Content coding: the gzip variant of a file's 200 plan (RFC 9110 §8.4, §12.5.3).
extension StaticFileHandler {
    /// The plan to send for a file whose identity 200 plan is `plan`: identity or gzip.
    ///
    /// For a compressible type it always adds `Vary: Accept-Encoding`, to both variants, so caches
    /// key on the field (RFC 9110 §12.5.5). It picks gzip when the client prefers it, no `Range`
    /// applies (ranges are answered from the identity bytes, whose offsets the client can know), and
    /// either a precompressed `name.gz` no older than the file exists or the compressed body is in
    /// the cache or fits in it. The gzip variant gets `Content-Encoding: gzip`, its own length, its own
    /// strong entity tag (different bytes, RFC 9110 §8.8.3), and the file's `Last-Modified`.
    /// HEAD takes the same path as GET, so its head is the same.
    /// - Parameters:
    ///   - plan: the identity 200 plan, whose body is `file`.
    ///   - file: the open file; closed here if the gzip body replaces it.
    ///   - status: the file's status when opened.
    ///   - path: the file's path, for finding `name.gz` beside it.
    ///   - name: the file's name, which gave its media type.
    ///   - request: the request, for `Accept-Encoding` and `Range`.
    func applyContentCoding(
        to plan: ResponsePlan,
        file: OpenFile,
        status: FileStatus,
        path: FilePath,
        name: [UInt8],
        request: HTTPRequest
    ) -> ResponsePlan {
        guard let gzip, gzip.options.enabled, plan.status == .ok,
            let type = plan.fields["Content-Type"], MIMETypes.isCompressible(type),
            !Self.isAlreadyEncoded(name)
        else { return plan }
        var plan = plan
        plan.fields.add(name: "Vary", value: "Accept-Encoding")
        // RFC 9110 §14.2: Range is defined for GET only, so only a GET's Range pins the identity bytes;
        // a HEAD with Range shows the head of the plain GET, gzip included.
        if request.method == .get && request.headers.contains("Range") { return plan }
        guard AcceptEncoding.prefersGzip(request.headers) else { return plan }
        if let precompressed = makePrecompressedPlan(from: plan, status: status, path: path) {
            file.close()
            return precompressed
        }
        guard let body = gzip.body(of: file, status: status) else { return plan }
        file.close()
        plan.body = .bytes(body)
        setGzipFields(&plan, length: Int64(body.count), tagSuffix: "-gz")
        return plan
    }

    /// The plan for `name.gz` beside the file, if it exists, is a regular file inside the root, and is
    /// no older than the file (an older one may hold a previous version).
    private func makePrecompressedPlan(from plan: ResponsePlan, status: FileStatus, path: FilePath) -> ResponsePlan? {
        let sibling = FilePath(bytes: path.bytes + Array(".gz".utf8))
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
        // The .gz has its own version: regenerating it (another level) must change the tag too.
        setGzipFields(&plan, length: opened.size, tagSuffix: "-gz-" + EntityTag.strong(FileVersion(opened)).opaque)
        return plan
    }

    /// Turns an identity head into the gzip variant's: coding, length, and a tag of its own.
    private func setGzipFields(_ plan: inout ResponsePlan, length: Int64, tagSuffix: String) {
        // RFC 9110 §8.4: the coding is a property of the representation; Content-Type stays the file's.
        plan.fields.add(name: "Content-Encoding", value: "gzip")
        plan.fields.replaceInPlace(name: "Content-Length", value: String(length))
        plan.entityTag = plan.entityTag?.appending(tagSuffix)
    }

    /// Names of files that are already gzip data: serving them with a gzip coding would double it.
    static func isAlreadyEncoded(_ name: [UInt8]) -> Bool {
        let lower = name.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return lower.hasSuffix(Array(".gz".utf8)) || lower.hasSuffix(Array(".svgz".utf8))
            || lower.hasSuffix(Array(".tgz".utf8))
    }
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

extension Array where Element == UInt8 {
    fileprivate func hasSuffix(_ suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}
