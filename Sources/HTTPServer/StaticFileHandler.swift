import HTTPCore
import Sockets

#if canImport(Glibc)
import Glibc
#endif

/// Decides the response to a request for a static file: the "what" of the server.
///
/// Given a parsed request (or a parse error) and the file system under the root, it returns a
/// ``ResponsePlan``. It never touches a socket, so every rule is testable without a network.
public struct StaticFileHandler: Sendable {
    /// The root folder as given.
    public let root: FilePath
    /// The root's canonical path: symbolic links that resolve outside it are refused.
    public let realRoot: FilePath
    /// The `Server` header's value.
    public let serverName: String

    /// Why the handler could not be created.
    public struct RootError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates a handler for `root`.
    ///
    /// - Throws: ``RootError`` when the root is missing or not a folder.
    public init(root: String, serverName: String = "http-serve/\(http10Version)") throws(RootError) {
        let path = FilePath(root)
        do {
            let status = try FileSystem.status(of: path)
            guard status.kind == .directory else { throw RootError(description: "root '\(root)' is not a folder") }
            self.realRoot = try FileSystem.realPath(path)
        } catch let error as SystemError {
            throw RootError(description: "root '\(root)': \(String(cString: strerror(error.errno)))")
        } catch let error as RootError {
            throw error
        } catch {
            throw RootError(description: "root '\(root)': \(error)")
        }
        self.root = path
        self.serverName = serverName
    }

    /// The response to `request`. `now` is the current time in seconds, for the `Date` header.
    public func respond(to request: HTTPRequest, now: Int64) -> ResponsePlan {
        var plan = makePlan(for: request, now: now)
        if request.isSimpleRequest { plan.sendsHead = false }
        // RFC 9110 §9.3.2: HEAD gets the same header fields as GET, and no body.
        if request.method == .head, case .file(let file, _, _) = plan.body {
            file.close()
            plan.body = .none
        } else if request.method == .head {
            plan.body = .none
        }
        return plan
    }

    /// The response to a request that could not be parsed.
    public func respond(to error: HTTPParseError, now: Int64) -> ResponsePlan {
        makeErrorPlan(error.status, now: now)
    }

    private func makePlan(for request: HTTPRequest, now: Int64) -> ResponsePlan {
        guard request.method == .get || request.method == .head else {
            var plan = makeErrorPlan(.notImplemented, now: now)
            // RFC 9110 §15.6.2: a 501 may list what the server does implement.
            plan.head.headers.add(name: "Allow", value: "GET, HEAD")
            return plan
        }
        let target: TargetPath
        do {
            target = try TargetPath(target: request.target)
        } catch {
            return makeErrorPlan(error.status, now: now)
        }
        // Dotfiles (.git, .env) are not served.
        if target.segments.contains(where: { $0.first == UInt8(ascii: ".") }) {
            return makeErrorPlan(.notFound, now: now)
        }
        var path = root
        for segment in target.segments { path = path.appending(segment) }
        let status: FileStatus
        do {
            status = try FileSystem.status(of: path)
        } catch {
            return makeErrorPlan(error.errno == EACCES ? .forbidden : .notFound, now: now)
        }
        // A symbolic link inside the root may point anywhere; only its real target counts.
        guard let real = try? FileSystem.realPath(path), real.isWithin(realRoot) else {
            return makeErrorPlan(.notFound, now: now)
        }
        switch status.kind {
        case .directory:
            guard target.hasTrailingSlash || target.segments.isEmpty else {
                return makeRedirectPlan(to: target, now: now)
            }
            let index = path.appending(Array("index.html".utf8))
            guard let indexStatus = try? FileSystem.status(of: index), indexStatus.kind == .regular else {
                return makeErrorPlan(.notFound, now: now)
            }
            return makeFilePlan(index, name: Array("index.html".utf8), now: now)
        case .regular:
            return makeFilePlan(path, name: target.segments.last ?? [], now: now)
        default:
            return makeErrorPlan(.notFound, now: now)
        }
    }

    private func makeFilePlan(_ path: FilePath, name: [UInt8], now: Int64) -> ResponsePlan {
        let file: OpenFile
        let status: FileStatus
        do {
            file = try OpenFile.open(path)
            status = try file.status()
        } catch {
            return makeErrorPlan(error.errno == EACCES ? .forbidden : .notFound, now: now)
        }
        guard status.kind == .regular else {
            file.close()
            return makeErrorPlan(.notFound, now: now)
        }
        var headers = baseHeaders(now: now)
        headers.add(name: "Content-Type", value: MIMETypes.type(forFileName: name))
        headers.add(name: "Content-Length", value: String(status.size))
        headers.add(name: "Last-Modified", value: HTTPDate.format(status.modificationSeconds))
        return ResponsePlan(
            head: HTTPResponseHead(status: .ok, headers: headers),
            body: .file(file, offset: 0, length: status.size)
        )
    }

    private func makeRedirectPlan(to target: TargetPath, now: Int64) -> ResponsePlan {
        var location = TargetPath.percentEncode(target.bytes) + "/"
        if let query = target.query { location += "?" + query }
        var plan = makeErrorPlan(.movedPermanently, now: now, detail: "This folder is at \(location)")
        plan.head.headers.add(name: "Location", value: location)
        return plan
    }

    func makeErrorPlan(_ status: HTTPStatus, now: Int64, detail: String? = nil) -> ResponsePlan {
        let page = ErrorPage.html(for: status, detail: detail)
        var headers = baseHeaders(now: now)
        headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
        headers.add(name: "Content-Length", value: String(page.count))
        return ResponsePlan(head: HTTPResponseHead(status: status, headers: headers), body: .bytes(page))
    }

    private func baseHeaders(now: Int64) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Date", value: HTTPDate.format(now))
        headers.add(name: "Server", value: serverName)
        // HTTP/1.0 closes after every response anyway; saying so tells HTTP/1.1 clients too (RFC 9112 §9.6).
        headers.add(name: "Connection", value: "close")
        return headers
    }
}
