import HTTPClient
import HTTPCore

/// How one exchange ended, when it did not throw.
enum Ending {
    /// A redirect to follow (`-L`): the `Location` value and the status. The body was not read.
    case redirect(String, status: Int)
    /// A transient status worth another attempt (`--retry`); the reason for the warning.
    case retry(String)
    /// `-f` and a status of 400 or more: exit 22, nothing written.
    case httpFailure(Int)
    /// `-C -` and an answer that cannot be appended: exit 33 with this reason.
    case resumeRefused(String)
    /// `-C -` and a 416 saying the file already has every byte; the status.
    case alreadyComplete(status: Int)
    /// The body was read to its end and written; the status.
    case body(status: Int)
    /// The body stopped early (fewer bytes than its length, no last chunk, a reset, a gzip body without its
    /// trailer at the close): what to report if nothing recovers it.
    case cut(FetchError)
    /// The answer to a continuation's `Range` request does not continue the cut body; why, for `-v`.
    case continuationRefused(String)

    /// The status of a response whose body was dealt with.
    var status: Int? {
        switch self {
        case .alreadyComplete(let status), .body(let status): return status
        default: return nil
        }
    }
}

/// One exchange read top to bottom, and the loop that recovers a body a server cut short after the half-close.
extension Transfer {
    /// Fetches `request` into `destination`, recovering a body cut short on a half-closed connection (issue 9).
    ///
    /// The first pass sends `request`. If its body is cut after the half-close, the server is remembered and,
    /// with a GET, a length and a strong validator (``HalfCloseRecovery/Cut``), the next pass asks for the rest
    /// with `Range` and `If-Range` on a connection that is not half-closed and appends it if the answer is a
    /// matching 206. Otherwise the destination goes back to where the response began and the next pass fetches
    /// the whole again without half-close; that is impossible once bytes went to standard output or a special
    /// file, and then the cut stands (exit 18). A request that is not idempotent is never sent twice.
    /// - Returns: how the last pass ended, and the writer that holds its counts.
    mutating func receive(
        _ request: FetchRequest,
        options clientOptions: ClientOptions,
        deadline: ContinuousClock.Instant?,
        destination: Destination,
        offset: Int64,
        canRetry: Bool
    ) throws(FetchError) -> (Ending, BodyWriter) {
        let server = clientOptions.proxy ?? request.url
        var passOptions = clientOptions
        var continuing: HalfCloseRecovery.Cut?
        /// The first cut: what stands if nothing recovers it.
        var cutError: FetchError?
        var writer = BodyWriter(destination: destination, offset: offset, options: options, progress: progress)
        while true {
            var passRequest = request
            for (name, value) in continuing?.requestFields ?? [] {
                passRequest.headers.replaceOrAdd(name: name, value: value)
            }
            let status = info.statusCode
            let ending: Ending
            do {
                ending = try exchange(
                    passRequest,
                    client: Client(options: passOptions),
                    deadline: deadline,
                    writer: writer,
                    canRetry: canRetry && continuing == nil,
                    continuing: continuing
                )
            } catch {
                // -w's size_download counts what arrived, a cut or refused body included (curl does).
                info.bodyBytes = writer.wireBytes
                throw error
            }
            info.bodyBytes = writer.wireBytes
            // -w reports the response whose body this is, not the continuation's 206.
            if continuing != nil { info.statusCode = status }
            switch ending {
            case .cut(let error) where passOptions.halfClose:
                let name = server.hostHeader
                note("\(error.message) on a half-closed connection: \(name) may abort responses after a FIN")
                note("no more half-close to \(name) in this run")
                abortsAfterHalfClose.insert("\(server.host):\(server.port)")
                cutError = error
                guard HalfCloseRecovery.mayRepeat(request.method) else {
                    note("a \(request.method) is not sent twice without being asked to: giving up")
                    throw error
                }
                passOptions.halfClose = false
                if let head = writer.head,
                    let cut = HalfCloseRecovery.Cut(head: head, method: request.method, received: writer.wireBytes)
                {
                    note("asking for bytes \(cut.resumeAt)-\(cut.completeLength - 1) with If-Range on a new connection")
                    continuing = cut
                    continue
                }
                note("no safe way to ask for the rest (that takes a GET, a length and a strong ETag or Last-Modified)")
            case .continuationRefused(let why):
                note("cannot append: \(why)")
            default:
                if continuing != nil, case .body = ending {
                    note("appended the matching 206: \(writer.wireBytes) body bytes in all")
                }
                return (ending, writer)
            }
            guard destination.rewind() else {
                note("the bytes already written to \(destination.displayName) cannot be taken back: giving up")
                throw cutError!  // Set by the cut that every pass after the first follows.
            }
            note("fetching the whole body again on a new connection, without half-close")
            continuing = nil
            writer = BodyWriter(destination: destination, offset: offset, options: options, progress: progress)
        }
    }

    /// One request and its response, top to bottom: connect, send, read the head, decide what it asks for,
    /// and read the body into `writer`.
    ///
    /// - Parameters:
    ///   - canRetry: a transient status (503...) ends the exchange with ``Ending/retry(_:)``.
    ///   - cut: this is the `Range` request that continues a cut body: only a matching 206 is appended to
    ///     `writer`, which still holds the cut response's state.
    /// - Throws: ``FetchError`` for a failure that no retry or recovery can mend here: the client's errors
    ///   (refused, timed out, malformed reply...), writing (23), `--max-filesize` (63), gzip (61).
    mutating func exchange(
        _ request: FetchRequest,
        client: Client,
        deadline: ContinuousClock.Instant?,
        writer: BodyWriter,
        canRetry: Bool,
        continuing cut: HalfCloseRecovery.Cut?
    ) throws(FetchError) -> Ending {
        info.uploadBytes = Int64(request.body?.count ?? 0)
        let start = start
        let verbose = fetcher.feedback.verbose
        let exchange: Exchange
        do {
            exchange = try client.open(request, deadline: deadline) { event in
                switch event {
                case .connected(let address):
                    info.connect = ContinuousClock.now - start
                    info.remoteHost = address.host
                    info.remotePort = Int(address.port)
                    info.scheme = request.url.scheme.rawValue.uppercased()
                case .tlsEstablished(let summary): info.sslVerifyResult = summary.verifyResult
                default: break
                }
                if verbose { Verbose.report(event) }
            }
        } catch {
            throw FetchError(error)
        }
        defer { exchange.close() }
        let head: HTTPResponseHead
        do {
            head = try exchange.readHead(allowHTTP09: options.allowHTTP09)
        } catch {
            // curl writes each head line as it arrives: with -i, the lines before the fault are out already.
            if options.includeHead || options.headOnly, !exchange.partialHead.isEmpty {
                try writer.destination.write(exchange.partialHead)
            }
            if verbose { for interim in exchange.interimHeads { Verbose.report(rawHead: interim, interim: true) } }
            throw FetchError(error)
        }
        // Every head as received, the interim (1xx) ones first: what -i writes and -w's size_header counts.
        let rawHeads = exchange.interimHeads.flatMap { $0 } + exchange.rawHead
        if exchange.isHTTP09 {
            if verbose { Verbose.note("Received HTTP/0.9 when not allowed... allowed by --http0.9") }
            info.httpVersion = "0.9"
            info.statusCode = 200
        } else {
            if verbose {
                for interim in exchange.interimHeads { Verbose.report(rawHead: interim, interim: true) }
                Verbose.report(rawHead: exchange.rawHead)
            }
            info.startTransfer = ContinuousClock.now - start
            info.statusCode = head.status.code
            info.httpVersion = "\(head.version.major).\(head.version.minor)"
            info.contentType = head.headers["Content-Type"] ?? ""
            info.headerBytes += Int64(rawHeads.count)
        }

        let code = head.status.code
        if let cut {
            // The answer to the Range request after a cut: only a matching 206 goes on in the same writer.
            if case .refuse(let why) = HalfCloseRecovery.verdict(for: head, continuing: cut) {
                return .continuationRefused(why)
            }
        } else {
            if options.followRedirects, RequestPolicy.isRedirect(code), let location = head.headers["Location"] {
                if options.includeHead { try writer.destination.write(rawHeads) }
                return .redirect(location, status: code)
            }
            if canRetry, RequestPolicy.isTransient(status: code) { return .retry("HTTP error \(code)") }
            var append = false
            if writer.offset > 0 && request.method != .head {
                switch RequestPolicy.resumeVerdict(for: head, offset: writer.offset) {
                case .append: append = true
                case .complete: return .alreadyComplete(status: code)
                case .refuse(let why):
                    return options.fail != .never && code >= 400 ? .httpFailure(code) : .resumeRefused(why)
                }
            }
            if options.fail == .fail && code >= 400 { return .httpFailure(code) }
            try writer.begin(head, rawHeads: rawHeads, framing: exchange.framing, append: append)
        }

        while true {
            let count: Int
            do {
                count = try exchange.readBody(into: buffer)
            } catch  where error.isCutShort {
                return .cut(FetchError(error))
            } catch {
                throw FetchError(error)
            }
            if count == 0 { break }
            try writer.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        // RFC 9112 §6.3 (8): a close-delimited body has no other end than the close, so a gzip stream without
        // its trailer there means the connection closed early: a cut, not bad data.
        guard try writer.finish() else { return .cut(.gzipCutShort) }
        // curl writes a chunked body's trailer fields after it with -i, each line ending in CRLF.
        if options.includeHead, !exchange.trailerLines.isEmpty {
            try writer.destination.write(exchange.trailerLines.flatMap { $0 + [0x0D, 0x0A] })
        }
        return .body(status: code)
    }

    /// A `* ` note for `-v`.
    func note(_ text: String) {
        if fetcher.feedback.verbose { Verbose.note(text) }
    }
}
