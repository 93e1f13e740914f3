import HTTPCore
import System

/// Decides the response to a request for a static file: the "what" of the server.
///
/// Given a parsed request (or a parse error) and the file system under the root, it returns a
/// ``ResponsePlan``. It never touches a socket, so every rule is testable without a network.
///
/// The steps for a file: resolve the target (``TargetPath``, dotfiles, symbolic links), open it,
/// build the 200 plan (``makeFilePlan(_:status:name:request:now:)``, the one place that decides a
/// file's representation), then let the conditional fields turn it into a 304 and `Range` into a 206
/// or 416 (RFC 9110 §13.2.2 fixes that order).
public struct StaticFileHandler: Sendable {
    /// The root folder as given.
    public let root: FilePath
    /// The root's canonical path: symbolic links that resolve outside it are refused.
    public let realRoot: FilePath
    /// The `Server` header's value.
    public let serverName: String
    /// What is served beyond plain files, and the fields added to every answer (StaticFileHandler+Options.swift).
    public let options: Options

    /// The root opened once: targets are opened below it with one `openat2` (``RootDirectory``).
    var rootDirectory: RootDirectory
    /// gzip compression and its cache, shared by every copy of the handler; `nil` sends identity only.
    public var gzip: GzipCompressor? = GzipCompressor(options: GzipOptions())
    /// Whether work that may take long is left to the engine rather than done in ``respond(to:now:)``: a listing
    /// comes back as a ``ResponsePlan/Body/later(_:)`` plan, a gzip cache miss as a ``ResponsePlan/Body/gzip(_:_:)``
    /// body made as it is sent. The server's handler defers (its loops must never wait on such work); `false`,
    /// the default, makes every plan whole at once, which is what a caller without a background thread wants.
    public var defersSlowWork = false

    /// Why the handler could not be created.
    public struct RootError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates a handler for `root`.
    ///
    /// - Throws: ``RootError`` when the root is missing or not a folder.
    public init(
        root: String,
        serverName: String = "http-serve/\(http10Version)",
        options: Options = Options()
    ) throws(RootError) {
        let path = FilePath(root)
        do {
            let status = try FileSystem.status(of: path)
            guard status.kind == .directory else { throw RootError(description: "root '\(root)' is not a folder") }
            self.realRoot = try FileSystem.realPath(path)
            self.rootDirectory = try RootDirectory(path)
        } catch let error as SystemError {
            throw RootError(description: "root '\(root)': \(error.reason)")
        } catch let error as RootError {
            throw error
        } catch {
            throw RootError(description: "root '\(root)': \(error)")
        }
        self.root = path
        self.serverName = serverName
        self.options = options
    }

    /// Creates the handler a server with `configuration` uses.
    ///
    /// - Throws: ``RootError`` when the root is missing or not a folder.
    public init(configuration: ServerConfiguration) throws(RootError) {
        try self.init(
            root: configuration.root,
            serverName: configuration.serverName,
            options: configuration.options
        )
        gzip = configuration.gzip.enabled ? GzipCompressor(options: configuration.gzip) : nil
    }

    /// The response to `request`. `now` is the current time in seconds, for the `Date` header.
    public func respond(to request: HTTPRequest, now: Int64) -> ResponsePlan {
        var none = SmallFileCache(maxBytes: 0, maxEntries: 0)  // Keeps nothing, confirms nothing: no fast path.
        return respond(to: request, now: now, kept: &none, clock: 0)
    }

    /// ``respond(to:now:)`` with an event loop's kept small files: a file whose path a full resolution confirmed
    /// less than a second ago is answered after one `fstatat` instead of `openat2` + `fstat` + `close`
    /// (StaticFileHandler+Kept.swift), and a full resolution that opens a kept version confirms its path.
    /// - Parameter clock: the monotonic clock in milliseconds (``MonotonicClock``), read for this request.
    func respond(to request: HTTPRequest, now: Int64, kept: inout SmallFileCache, clock: Int64) -> ResponsePlan {
        var plan = makePlan(for: request, now: now, kept: &kept, clock: clock)
        if case .later(let later) = plan.body {
            return .later {
                var plan = later.make()
                self.finish(&plan, for: request, now: now)
                return plan
            }
        }
        finish(&plan, for: request, now: now)
        return plan
    }

    /// The steps every plan for a parsed request takes last: error page, configured fields, HTTP/0.9, HEAD.
    /// In place: a plan carries several references, and each copy would retain and release them all.
    private func finish(_ plan: inout ResponsePlan, for request: HTTPRequest, now: Int64) {
        applyErrorPage(to: &plan, now: now)
        addConfiguredFields(to: &plan)
        if request.isSimpleRequest { plan.sendsHead = false }
        // RFC 9110 §9.3.2: HEAD gets the same header fields as GET, and no body.
        if request.method == .head {
            plan.closeFile()
            plan.body = .none
        }
    }

    /// The response to a request that could not be parsed.
    public func respond(to error: HTTPParseError, now: Int64) -> ResponsePlan {
        var plan = makeErrorPlan(error.status, now: now)
        addConfiguredFields(to: &plan)
        return plan
    }

    /// Whether `request` is a CORS preflight that this handler answers (`OPTIONS` with `--cors`). A browser never
    /// sends credentials on one (Fetch standard, "CORS-preflight request"), so the engine answers it before any
    /// password check: its `204` says nothing about the files, and the actual request is still checked.
    public func isCORSPreflight(_ request: HTTPRequest) -> Bool {
        request.method == .options && options.corsOrigin != nil
    }

    /// The 401 for a request without valid credentials (RFC 9110 §15.5.2: with a `WWW-Authenticate`
    /// challenge). The same page whatever was wrong, so it tells nothing about which users exist.
    public func unauthorized(_ request: HTTPRequest, challenge: String, now: Int64) -> ResponsePlan {
        var plan = makeErrorPlan(.unauthorized, now: now)
        plan.fields.add(name: "WWW-Authenticate", value: challenge)
        addConfiguredFields(to: &plan)
        if request.isSimpleRequest { plan.sendsHead = false }
        if request.method == .head { plan.body = .none }
        return plan
    }

    private func makePlan(
        for request: HTTPRequest,
        now: Int64,
        kept: inout SmallFileCache,
        clock: Int64
    ) -> ResponsePlan {
        if isCORSPreflight(request) { return makePreflightPlan(for: request, now: now) }
        guard request.method == .get || request.method == .head else {
            var plan = makeErrorPlan(.notImplemented, now: now)
            // RFC 9110 §15.6.2: a 501 may list what the server does implement.
            plan.fields.add(name: "Allow", value: options.corsOrigin == nil ? "GET, HEAD" : "GET, HEAD, OPTIONS")
            return plan
        }
        let target: TargetPath
        do {
            target = try TargetPath(target: request.target)
        } catch {
            return makeErrorPlan(error.status, now: now)
        }
        if isHidden(target) { return makeErrorPlan(.notFound, now: now) }
        // Only "resolve, open, fstat" differ on the fast path; the rules above and the plan's steps do not.
        if let plan = makeKeptFilePlan(target, request, now: now, kept: &kept, clock: clock) { return plan }
        if let plan = makePlanBeneath(target, request, now: now, kept: &kept, clock: clock) { return plan }
        let path = Self.path(of: target, below: root)
        // The full check: a symbolic link is involved (or openat2 is missing), so resolve it by path.
        let status: FileStatus
        do {
            status = try FileSystem.status(of: path)
        } catch {
            // EACCES: a folder on the way may not be searched. Anything else (ENOENT, ENOTDIR, ELOOP): absent.
            if error.isPermissionDenied { return makeErrorPlan(.forbidden, now: now) }
            return makeSinglePageAppPlan(for: target, request, now: now) ?? makeErrorPlan(.notFound, now: now)
        }
        // A symbolic link inside the root may point anywhere; only its real target counts, and a link
        // must not be a way round the dotfile rule either.
        guard let real = try? FileSystem.realPath(path), real.isWithin(realRoot), !isHidden(realPath: real)
        else {
            return makeErrorPlan(.notFound, now: now)
        }
        switch status.kind {
        case .directory:
            guard target.hasTrailingSlash || target.isRoot else {
                return makeRedirectPlan(to: target, now: now)
            }
            switch findIndex(in: path) {
            case .found(let index, let name, let real):
                // As for a file: only an index whose real path shows no link on the way confirms the folder.
                let direct = real == Self.path(of: target, below: realRoot).appending(name)
                return makeFilePlan(at: index, name: name[...], request, now: now) { status in
                    if direct { kept.confirm(index: name, of: target.relative, for: status, clock: clock) }
                }
            case .refused(let status): return makeErrorPlan(status, now: now)
            case .missing: break
            }
            guard options.listing else { return makeErrorPlan(.notFound, now: now) }
            // Reading a folder of 20,000 entries takes many milliseconds: never on an event loop.
            if defersSlowWork {
                let folder = path
                return .later { self.makeListingPlan(of: folder, target: target, request: request, now: now) }
            }
            return makeListingPlan(of: path, target: target, request: request, now: now)
        case .regular:
            // A trailing slash names a folder: `/hello.txt/` is not the file (open(2) of "hello.txt/" fails
            // with ENOTDIR; nginx, Apache and Python's http.server answer 404), nor is a link to a file.
            if target.hasTrailingSlash { return makeErrorPlan(.notFound, now: now) }
            // The path confirms a kept file only as openat2 would have resolved it, with no link on the way: its real
            // path is the real root's plus the target's. A link, even inside the root, is resolved in full each time.
            let direct = real == realRoot.appending(target.relative)
            return makeFilePlan(at: path, name: target.name, request, now: now) { status in
                if direct { kept.confirm(target.relative, for: status, clock: clock) }
            }
        default:
            // FIFOs, sockets, devices: not files a static server should ever open.
            return makeErrorPlan(.notFound, now: now)
        }
    }

    /// The common case without `stat` or `realpath`: the target opened with one `openat2` below the root
    /// descriptor (no symbolic link may be on the way, no component may leave the root), then one `fstat`.
    /// `nil` when a link is involved or `openat2` is unavailable: the caller then takes the full check, which
    /// lets links inside the root work and keeps links out of it (or to dotfiles) 404. Every answer is the one
    /// the full check would give.
    private func makePlanBeneath(
        _ target: TargetPath,
        _ request: HTTPRequest,
        now: Int64,
        kept: inout SmallFileCache,
        clock: Int64
    ) -> ResponsePlan? {
        let file: OpenFile
        switch rootDirectory.openBeneath(target.relative) {
        case .needsFullCheck:
            return nil
        case .failed(let error):
            // EACCES: a folder on the way may not be searched, or the file not read. EMFILE, ENOMEM: 503.
            if error.isPermissionDenied || error.isOutOfDescriptors || error.isOutOfMemory {
                return makeOpenErrorPlan(error, now: now)
            }
            // ENOENT, ENOTDIR, ENAMETOOLONG: absent.
            return makeSinglePageAppPlan(for: target, request, now: now) ?? makeErrorPlan(.notFound, now: now)
        case .opened(let opened):
            file = opened
        }
        let status: FileStatus
        do {
            status = try file.status()
        } catch {
            file.close()
            return makeOpenErrorPlan(error, now: now)
        }
        switch status.kind {
        case .regular:
            // A trailing slash names a folder, never a file (as in the full check below).
            guard !target.hasTrailingSlash else {
                file.close()
                return makeErrorPlan(.notFound, now: now)
            }
            // Resolved beneath the root with no link on the way: if the loop keeps this version, the path may take
            // the fast path for a second. The engine still finds the bytes by this fstat's version (Connection).
            kept.confirm(target.relative, for: status, clock: clock)
            // The path is built only if a precompressed sibling is looked for.
            return makeFilePlan(
                file,
                status: status,
                // Captures the root alone: a closure over `self` would copy the whole handler (a retain per field).
                at: { [root] in Self.path(of: target, below: root) },
                name: target.name,
                request,
                now: now
            )
        case .directory:
            file.close()
            guard target.hasTrailingSlash || target.isRoot else {
                return makeRedirectPlan(to: target, now: now)
            }
            // The index names the same way, in order; a link on the way, or no index (a listing): the full check.
            for name in options.indexNames where !isHidden(target, appending: name) {
                switch rootDirectory.openBeneath(target.relative, appending: name) {
                case .needsFullCheck:
                    return nil
                case .failed(let error):
                    if error.isPermissionDenied { return makeErrorPlan(.forbidden, now: now) }
                    continue
                case .opened(let index):
                    guard let indexStatus = try? index.status(), indexStatus.kind == .regular else {
                        index.close()
                        continue
                    }
                    // Every name before this one was looked for, beneath the root with no link on the way: if the loop
                    // keeps this version, the folder may take the fast path for a second (StaticFileHandler+Kept.swift).
                    kept.confirm(index: name, of: target.relative, for: indexStatus, clock: clock)
                    return makeFilePlan(
                        index,
                        status: indexStatus,
                        at: { [root] in Self.path(of: target, below: root).appending(name) },
                        name: name[...],
                        request,
                        now: now
                    )
                }
            }
            return nil
        default:
            // FIFOs, sockets, devices: not files a static server should ever serve.
            file.close()
            return makeErrorPlan(.notFound, now: now)
        }
    }

    /// Whether `target` is hidden: any segment starting with `.`, unless `--dotfiles`, except a first segment
    /// `.well-known` (RFC 8615 puts site metadata there).
    func isHidden(_ target: TargetPath) -> Bool {
        guard !options.dotfiles else { return false }
        return target.relative.withUnsafeBufferPointer { Self.hasHiddenSegment($0) }
    }

    /// Whether the entry `name` of the folder `target` is hidden (``isHidden(_:)`` of the path with it).
    func isHidden(_ target: TargetPath, appending name: [UInt8]) -> Bool {
        guard !options.dotfiles else { return false }
        if isHidden(target) { return true }
        return name.first == UInt8(ascii: ".") && !(target.isRoot && name == Self.wellKnown)
    }

    static let wellKnown = Array(".well-known".utf8)

    /// Whether a `/`-separated path (empty segments skipped) has a segment starting with `.` other than a first
    /// `.well-known`: read off its bytes, no array of segments made.
    static func hasHiddenSegment(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        var first = true
        var start = 0
        while start < path.count {
            var end = start
            while end < path.count && path[end] != UInt8(ascii: "/") { end += 1 }
            if end > start {
                if path[start] == UInt8(ascii: "."), !(first && path[start..<end].elementsEqual(wellKnown)) {
                    return true
                }
                first = false
            }
            start = end + 1
        }
        return false
    }

    /// Whether `real`, a real path within the real root, is hidden below it (``isHidden(_:)`` of its segments
    /// there), read off its bytes.
    func isHidden(realPath real: FilePath) -> Bool {
        guard !options.dotfiles else { return false }
        let base = realRoot.bytes.last == UInt8(ascii: "/") ? realRoot.bytes.count - 1 : realRoot.bytes.count
        return real.bytes.withUnsafeBufferPointer { bytes in
            Self.hasHiddenSegment(UnsafeBufferPointer(rebasing: bytes[min(base, bytes.count)...]))
        }
    }

    /// The file-system path of `target` below `root`: `root` itself for the root.
    static func path(of target: TargetPath, below root: FilePath) -> FilePath {
        target.isRoot ? root : root.appending(target.relative)
    }

    /// Opens the file, builds its 200 plan, then applies the conditional fields and `Range`. `opened` sees the
    /// `fstat` status of the regular file opened.
    func makeFilePlan(
        at path: FilePath,
        name: ArraySlice<UInt8>,
        _ request: HTTPRequest,
        now: Int64,
        opened: (FileStatus) -> Void = { _ in }
    ) -> ResponsePlan {
        let file: OpenFile
        let status: FileStatus
        do {
            file = try OpenFile.open(path)
            status = try file.status()
        } catch {
            return makeOpenErrorPlan(error, now: now)
        }
        guard status.kind == .regular else {
            file.close()
            return makeErrorPlan(.notFound, now: now)
        }
        opened(status)
        return makeFilePlan(file, status: status, at: { path }, name: name, request, now: now)
    }

    /// Where a regular file's 200 body comes from.
    enum FileContent {
        /// The file, opened and `fstat`ed: the body reads it.
        case opened(OpenFile)
        /// Its whole content as the event loop keeps it (``SmallFileCache``): no descriptor at all.
        case kept([UInt8])

        var file: OpenFile? {
            if case .opened(let file) = self { return file }
            return nil
        }

        /// The identity 200's body for a file of `size` bytes.
        func body(size: Int64) -> ResponsePlan.Body {
            switch self {
            case .opened(let file): return .file(file, offset: 0, length: size)
            case .kept(let bytes): return .bytes(bytes)
            }
        }
    }

    /// The plan for a regular file already open, with its `fstat` status: the 200, its content coding, then
    /// the conditional fields and `Range`.
    private func makeFilePlan(
        _ file: OpenFile,
        status: FileStatus,
        at path: () -> FilePath,
        name: ArraySlice<UInt8>,
        _ request: HTTPRequest,
        now: Int64
    ) -> ResponsePlan {
        guard let plan = makeFilePlan(.opened(file), status: status, at: path, name: name, request, now: now) else {
            preconditionFailure("only a kept file's content coding can need an open file")
        }
        return plan
    }

    /// The plan for a regular file with status `status`, whose content is open or kept: the 200, its content
    /// coding, then the conditional fields and `Range`. `nil` only for kept content whose coding needs the open
    /// file (a gzip body made as it is sent): the caller then opens it.
    func makeFilePlan(
        _ content: FileContent,
        status: FileStatus,
        at path: () -> FilePath,
        name: ArraySlice<UInt8>,
        _ request: HTTPRequest,
        now: Int64
    ) -> ResponsePlan? {
        let type = options.mimeTypes.type(forFileName: name)
        var plan = makeFilePlan(content.body(size: status.size), status: status, type: type, now: now)
        let mayNarrow = Self.mayNarrow(request.headers)
        // Content coding (StaticFileHandler+Gzip.swift): identity or the gzip variant, chosen before the
        // conditionals so that If-None-Match is compared with the tag of the variant that would be sent.
        let coded = applyContentCoding(
            to: &plan,
            type: type,
            file: content.file,
            status: status,
            path: path,
            name: name,
            request: request,
            mayHaveRange: mayNarrow
        )
        guard coded else { return nil }
        // `consume`: the plan moves out; a plain `return plan` was copied (its references retained) then destroyed.
        guard mayNarrow else { return consume plan }
        if let refusal = makePreconditionFailedPlan(for: plan, request: request, now: now) {
            plan.closeFile()
            return refusal
        }
        if makeNotModified(&plan, request: request, now: now) { return consume plan }
        applyRange(to: &plan, request: request, now: now)
        return consume plan
    }

    /// The 200 plan for a regular file of media type `type` whose identity body is `body` (the open file, or its
    /// kept bytes): the representation every GET of it starts from.
    ///
    /// Content negotiation starts from it: ``applyContentCoding(to:type:file:status:path:name:request:mayHaveRange:)``
    /// picks a variant (another body, `Content-Encoding`, `Vary`, its own entity tag), and conditionals and
    /// ranges then apply to that variant. The validators are the file's ``FileVersion`` and mtime, typed.
    func makeFilePlan(_ body: ResponsePlan.Body, status: FileStatus, type: String, now: Int64) -> ResponsePlan {
        // The fields of baseHeaders(now:), then the representation's.
        ResponsePlan(
            fileFields: ResponsePlan.FileFields(
                date: DateCache.shared.format(now),
                server: serverName,
                type: type,
                length: status.size
            ),
            entityTag: .strong(FileVersion(status)),
            lastModified: Self.lastModified(status, now: now),
            body: body
        )
    }

    /// The file's modification time as `Last-Modified` states it: never later than `now`.
    ///
    /// RFC 9110 §8.8.2.1: a modification time in the future (a clock skew, a `touch -d`) MUST be
    /// replaced by the message's own date.
    static func lastModified(_ status: FileStatus, now: Int64) -> HTTPDate {
        HTTPDate(secondsSinceEpoch: min(status.modificationSeconds, now))
    }

    private func makeRedirectPlan(to target: TargetPath, now: Int64) -> ResponsePlan {
        // Percent-encoded from the decoded bytes and always one leading `/`: never `//host`, which a
        // browser would read as another site (an open redirect).
        var location = TargetPath.percentEncode(target.bytes) + "/"
        if let query = target.query { location += "?" + query }
        var plan = makeErrorPlan(.movedPermanently, now: now, detail: "This folder is at \(location)")
        plan.fields.add(name: "Location", value: location)
        return plan
    }

    /// The answer when a file or folder that exists cannot be opened: 403 when we may not read it; 503 with
    /// `Retry-After` when the process or the system is out of descriptors (EMFILE, ENFILE: open(2)) or
    /// memory, which says "later" instead of the lie that the file is missing; 404 otherwise (it went away).
    func makeOpenErrorPlan(_ error: SystemError, now: Int64) -> ResponsePlan {
        if error.isPermissionDenied || error.isNotPermitted { return makeErrorPlan(.forbidden, now: now) }
        if error.isOutOfDescriptors || error.isOutOfMemory {
            var plan = makeErrorPlan(.serviceUnavailable, now: now)
            plan.fields.add(name: "Retry-After", value: "1")  // RFC 9110 §10.2.3
            return plan
        }
        return makeErrorPlan(.notFound, now: now)
    }

    /// A small HTML page for `status`; `detail` is escaped.
    func makeErrorPlan(_ status: HTTPStatus, now: Int64, detail: String? = nil) -> ResponsePlan {
        makeHTMLPlan(status, ErrorPage.html(for: status, detail: detail), now: now)
    }

    func makeHTMLPlan(_ status: HTTPStatus, _ page: [UInt8], now: Int64) -> ResponsePlan {
        var headers = baseHeaders(now: now)
        headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
        headers.add(name: "Content-Length", value: String(page.count))
        return ResponsePlan(status: status, fields: headers, body: .bytes(page))
    }

    func baseHeaders(now: Int64) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(12)  // A file's 200 has nine fields, before the configured ones.
        headers.add(name: "Date", value: DateCache.shared.format(now))
        headers.add(name: "Server", value: serverName)
        // HTTP/1.0 closes after every response anyway; saying so tells HTTP/1.1 clients too (RFC 9112 §9.6).
        headers.add(name: "Connection", value: "close")
        return headers
    }
}

extension ResponsePlan {
    /// Closes the plan's file, if its body is one; for plans that will not be sent.
    func closeFile() {
        file?.close()
    }
}
