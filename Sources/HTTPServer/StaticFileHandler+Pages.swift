import HTTPCore
import System

/// Which file answers a folder, a missing page, or a client-side route: index names, the site's `404.html`,
/// and the single-page-app fallback.
extension StaticFileHandler {
    /// The outcome of looking for a folder's index file.
    enum IndexLookup {
        /// The index at this path, with this name (which gives its media type), and its real path.
        case found(FilePath, name: [UInt8], real: FilePath)
        /// An index exists but may not be served: 403 (unreadable) or 404 (a link out of the root).
        case refused(HTTPStatus)
        /// None of the names is a regular file in the folder.
        case missing
    }

    /// Looks for each of ``Options/indexNames`` in turn in `folder`, a folder the caller found not hidden.
    ///
    /// A hidden name is skipped (unless `--dotfiles`); a link must resolve inside the root and not to a
    /// hidden name, the rules of any file.
    func findIndex(in folder: FilePath) -> IndexLookup {
        // The folder's own segments were checked by the caller: only the name can make the index hidden.
        for name in options.indexNames where options.dotfiles || name.first != UInt8(ascii: ".") {
            let index = folder.appending(name)
            do {
                guard try FileSystem.status(of: index).kind == .regular else { continue }
            } catch {
                if error.isPermissionDenied { return .refused(.forbidden) }
                continue
            }
            guard let real = try? FileSystem.realPath(index), real.isWithin(realRoot), !isHidden(realPath: real)
            else { return .refused(.notFound) }
            return .found(index, name: name, real: real)
        }
        return .missing
    }

    /// With `--spa`, the root's index for a GET or HEAD of a missing path whose last segment has no extension
    /// (`/users/42`, not `/app.js`): client-side routers then survive a reload. `nil` otherwise.
    func makeSinglePageAppPlan(for target: TargetPath, _ request: HTTPRequest, now: Int64) -> ResponsePlan? {
        guard options.singlePageApp, request.method == .get || request.method == .head,
            !target.isRoot, !target.name.contains(UInt8(ascii: "."))
        else { return nil }
        guard case .found(let index, let name, _) = findIndex(in: root) else { return nil }
        return makeFilePlan(at: index, name: name[...], request, now: now)
    }

    /// The name of the site's error page (GitHub Pages' and npm http-server's convention).
    static let errorPageName = Array("404.html".utf8)

    /// The outcome of looking for the root's `404.html`.
    enum ErrorPageLookup {
        case page(OpenFile, FileStatus)
        case missing
        /// It exists but may not be used, for this reason.
        case refused(String)
    }

    /// Opens the root's `404.html` under the rules of any file: a regular file, inside the root by its real
    /// path, not hidden, readable.
    func lookUpErrorPage() -> ErrorPageLookup {
        let path = root.appending(Self.errorPageName)
        let status: FileStatus
        do {
            status = try FileSystem.status(of: path)
        } catch {
            return error.isPermissionDenied ? .refused("cannot be read: \(error.reason)") : .missing
        }
        guard status.kind == .regular else { return .refused("is not a regular file") }
        guard let real = try? FileSystem.realPath(path), real.isWithin(realRoot) else {
            return .refused("is a link out of the root")
        }
        guard !isHidden(realPath: real) else { return .refused("is a link to a dotfile") }
        do {
            let file = try OpenFile.open(path)
            guard let opened = try? file.status(), opened.kind == .regular else {
                file.close()
                return .refused("is not a regular file")
            }
            return .page(file, opened)
        } catch {
            return .refused("cannot be read: \(error.reason)")
        }
    }

    /// Why the root's `404.html` will not be used although it exists, for one warning at start-up; `nil` when
    /// it is used, absent, or `--no-error-page` is given.
    public var errorPageWarning: String? {
        guard options.errorPage else { return nil }
        switch lookUpErrorPage() {
        case .page(let file, _):
            file.close()
            return nil
        case .missing: return nil
        case .refused(let reason): return "404.html \(reason); 404s get the built-in page"
        }
    }

    /// Turns a 404 `plan` into one whose body is the site's `404.html` with its own type, if there is a usable
    /// one. Read at each 404, so an edited page shows at once.
    func applyErrorPage(to plan: inout ResponsePlan, now: Int64) {
        guard plan.status == .notFound, options.errorPage, case .page(let file, let status) = lookUpErrorPage() else {
            return
        }
        var headers = baseHeaders(now: now)
        headers.add(name: "Content-Type", value: options.mimeTypes.type(forFileName: Self.errorPageName))
        headers.add(name: "Content-Length", value: String(status.size))
        plan = ResponsePlan(status: .notFound, fields: headers, body: .file(file, offset: 0, length: status.size))
    }
}
