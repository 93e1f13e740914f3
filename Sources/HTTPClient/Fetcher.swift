import Gzip
import HTTPCore
import System

/// One curl-style transfer: the request the options describe, its redirects, resume and retries,
/// written to its destination. `http-fetch` is this type plus flag parsing.
public struct Fetcher {
    public var options: FetchOptions
    public var feedback: Feedback
    /// Reads the environment (`http_proxy`, `no_proxy`); replaceable in tests.
    public var environment: (String) -> String? = { Environment.value($0) }

    /// Creates a fetcher.
    public init(options: FetchOptions, feedback: Feedback = Feedback()) {
        self.options = options
        self.feedback = feedback
    }

    /// Fetches `url` into `output` and reports what happened; the error, if any, carries curl's exit code.
    ///
    /// A file target is written as `FILE.part` and renamed on success only; on failure no `FILE` appears.
    public func run(url text: String, output: OutputTarget) -> (info: TransferInfo, error: FetchError?) {
        var transfer = Transfer(fetcher: self)
        do {
            try transfer.run(text, output: output)
        } catch {
            transfer.info.exitCode = error.exitCode
            transfer.info.errorMessage = error.message
            transfer.info.total = ContinuousClock.now - transfer.start
            return (transfer.info, error)
        }
        transfer.info.total = ContinuousClock.now - transfer.start
        return (transfer.info, nil)
    }
}

/// The state of one run of ``Fetcher``.
struct Transfer {
    let fetcher: Fetcher
    var options: FetchOptions { fetcher.options }
    let start = ContinuousClock.now
    var info = TransferInfo()
    var progress: ProgressMeter?
    let errors = OutputFile.standardError
    /// Servers (`host:port`, or the proxy's) that cut a response short after a half-close: for the rest of
    /// the run, requests to them keep the write side open.
    var abortsAfterHalfClose: Set<String> = []

    init(fetcher: Fetcher) {
        self.fetcher = fetcher
        if fetcher.feedback.progress { progress = ProgressMeter() }
    }

    /// What one attempt ended with, when it did not throw.
    enum Outcome {
        case done
        case retry(String)
    }

    mutating func run(_ text: String, output: OutputTarget) throws(FetchError) {
        let url = try HTTPURL(parsing: text)
        info.effectiveURL = url.description
        let destination = try Destination(target: output, url: url)
        let offset = options.resume ? try destination.prepareResume() : 0
        var attempt = 0
        while true {
            let outcome: Outcome
            do {
                outcome = try runAttempt(url, destination: destination, offset: offset, canRetry: retryAllowed(attempt))
            } catch {
                progress?.interrupt()
                guard retryAllowed(attempt), RequestPolicy.isTransient(error), destination.rewind() else {
                    destination.abandon()
                    throw error
                }
                wait(beforeRetry: attempt, reason: error.message)
                attempt += 1
                continue
            }
            switch outcome {
            case .done:
                do {
                    try destination.commit()
                } catch {
                    destination.abandon()
                    throw error
                }
                return
            case .retry(let reason):
                // Only asked for when a retry is allowed, and nothing of this response was written.
                wait(beforeRetry: attempt, reason: reason)
                attempt += 1
            }
        }
    }

    /// Whether retry number `attempt` (0-based) may happen: `--retry` not used up, and the wait would
    /// not end after `--retry-max-time`.
    func retryAllowed(_ attempt: Int) -> Bool {
        guard attempt < options.retries else { return false }
        guard let limit = options.retryMaxTime else { return true }
        return ContinuousClock.now - start + RequestPolicy.retryDelay(attempt: attempt, fixed: options.retryDelay)
            <= limit
    }

    /// Sleeps before a retry, warning on stderr as curl does.
    func wait(beforeRetry attempt: Int, reason: String) {
        let delay = RequestPolicy.retryDelay(attempt: attempt, fixed: options.retryDelay)
        if fetcher.feedback.warnings {
            let seconds = WriteOut.format(delay).split(separator: ".")[0]
            let left = options.retries - attempt
            errors.write(
                "Warning: Problem: \(reason). Will retry in \(seconds) second\(seconds == "1" ? "" : "s"). "
                    + "\(left) retr\(left == 1 ? "y" : "ies") left.\n"
            )
        }
        Threads.sleep(delay)
    }

    /// One attempt: the first request and every redirect after it.
    mutating func runAttempt(
        _ initial: HTTPURL,
        destination: Destination,
        offset: Int64,
        canRetry: Bool
    ) throws(FetchError) -> Outcome {
        let deadline = options.maxTime.map { ContinuousClock.now + $0 }
        let (extraHeaders, omitted) = RequestPolicy.parseHeaderLines(options.headerLines)
        var url = initial
        var method = options.method ?? (options.headOnly ? .head : options.body != nil ? .post : .get)
        var body = options.body
        var credentials = options.user ?? initial.userInfo
        var customHeaders = extraHeaders
        info.redirects = 0
        while true {
            info.effectiveURL = url.description
            var clientOptions = ClientOptions()
            clientOptions.family = options.family
            if let timeout = options.connectTimeout { clientOptions.connectTimeout = timeout }
            clientOptions.allowHTTP09 = options.allowHTTP09
            if let agent = options.userAgent { clientOptions.userAgent = agent }
            clientOptions.proxy = try RequestPolicy.proxy(
                for: url,
                explicit: options.proxy,
                noProxy: options.noProxy,
                environment: fetcher.environment
            )
            let server = clientOptions.proxy ?? url
            let serverKey = "\(server.host):\(server.port)"
            clientOptions.halfClose = options.halfClose && !abortsAfterHalfClose.contains(serverKey)

            var headers = HTTPHeaders()
            if let credentials {
                headers.add(name: "Authorization", value: RequestPolicy.basicAuthorization(credentials))
            }
            if let proxyUser = clientOptions.proxy?.userInfo {
                headers.add(name: "Proxy-Authorization", value: RequestPolicy.basicAuthorization(proxyUser))
            }
            if offset > 0 { headers.add(name: "Range", value: "bytes=\(offset)-") }
            if options.compressed { headers.add(name: "Accept-Encoding", value: "gzip") }
            if body != nil && !customHeaders.contains("Content-Type") {
                headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            }
            for (name, value) in customHeaders { headers.replaceOrAdd(name: name, value: value) }
            let request = FetchRequest(method: method, url: url, headers: headers, omittedHeaders: omitted, body: body)

            var step = Step(offset: offset)
            var result: FetchResult
            do {
                result = try exchange(
                    Client(options: clientOptions),
                    request,
                    deadline: deadline,
                    destination: destination,
                    step: &step,
                    canRetry: canRetry
                )
                try finishBody(step, result)
            } catch {
                guard clientOptions.halfClose, step.head != nil, HalfCloseRecovery.isCutShort(error) else {
                    throw error
                }
                abortsAfterHalfClose.insert(serverKey)
                let recovered = try recover(
                    from: error,
                    request: request,
                    options: clientOptions,
                    deadline: deadline,
                    destination: destination,
                    step: &step
                )
                // nil: the whole body again, on a connection that the loop no longer half-closes.
                guard let recovered else { continue }
                result = recovered
                try finishBody(step, result)
            }
            info.bodyBytes = step.wireBytes
            if let location = step.redirect {
                info.redirects += 1
                guard info.redirects <= options.maxRedirects else { throw .tooManyRedirects(options.maxRedirects) }
                let next = try url.resolving(location)
                // Credentials are for the origin they were given for (curl, CVE-2022-27776): a redirect to
                // another host or port drops them, with any Authorization or Cookie given by -H.
                if !next.hasSameOrigin(as: url) {
                    credentials = nil
                    customHeaders.remove(name: "Authorization")
                    customHeaders.remove(name: "Cookie")
                } else if next.userInfo != nil, options.user == nil {
                    credentials = next.userInfo
                }
                (method, body) = RequestPolicy.redirectedMethod(method, body: body, status: result.head.status.code)
                if options.method != nil, result.head.status.code != 303 { method = options.method! }
                url = next
                continue
            }
            if let reason = step.retry { return .retry(reason) }
            if let code = step.failure { throw .httpError(code) }
            if let refusal = step.refusal { throw .rangeError(refusal) }
            progress?.finish(received: step.received, total: step.total)
            if options.fail == .failWithBody, result.head.status.code >= 400 {
                try destination.commit()
                throw .httpError(result.head.status.code)
            }
            return .done
        }
    }

    /// What the head of one response decided.
    struct Step {
        let offset: Int64
        var redirect: String?
        var retry: String?
        var failure: Int?
        var refusal: String?
        var total: Int64?
        /// Bytes of the file so far, as the progress bar counts them: the resumed part plus the body on the wire.
        var received: Int64 = 0
        /// Bytes written in this response, after decoding.
        var written: Int64 = 0
        /// Set when `--compressed` meets `Content-Encoding: gzip`.
        var decoder: GzipDecoder?
        /// The head whose body is being read (`nil` until the body is accepted).
        var head: HTTPResponseHead?
        /// How that body is delimited.
        var framing: BodyFraming = .none
        /// Body bytes received on the wire, over the response and its continuation after a cut.
        var wireBytes: Int64 = 0
        /// When continuing a cut body: why the answer to the `Range` request could not be appended.
        var continuationRefused: String?
        init(offset: Int64) { self.offset = offset }
    }

    mutating func exchange(
        _ client: Client,
        _ request: FetchRequest,
        deadline: ContinuousClock.Instant?,
        destination: Destination,
        step: inout Step,
        canRetry: Bool,
        continuing cut: HalfCloseRecovery.Cut? = nil
    ) throws(FetchError) -> FetchResult {
        let feedback = fetcher.feedback
        let options = options
        let start = start
        var info = info
        let progress = progress
        defer { self.info = info }
        info.uploadBytes = Int64(request.body?.count ?? 0)
        return try client.fetch(
            request,
            deadline: deadline,
            onEvent: { event in
                switch event {
                case .connected(let address):
                    info.connect = ContinuousClock.now - start
                    info.remoteHost = address.host
                    info.remotePort = Int(address.port)
                case .responseHead(let head):
                    info.startTransfer = ContinuousClock.now - start
                    info.statusCode = head.status.code
                    info.httpVersion = "\(head.version.major).\(head.version.minor)"
                    info.contentType = head.headers["Content-Type"] ?? ""
                    info.headerBytes += Int64(head.serialized().count)
                case .http09:
                    info.httpVersion = "0.9"
                    info.statusCode = 200
                default: break
                }
                if feedback.verbose { Verbose.report(event) }
            },
            onHead: { head throws(FetchError) -> BodyAction in
                if let cut {
                    // The answer to the Range request after a cut: only a matching 206 goes on in the same sink.
                    switch HalfCloseRecovery.verdict(for: head, continuing: cut) {
                    case .append: return .read
                    case .refuse(let why):
                        step.continuationRefused = why
                        return .skip
                    }
                }
                let code = head.status.code
                if options.followRedirects, RequestPolicy.isRedirect(code), let location = head.headers["Location"] {
                    if options.includeHead { try destination.write(head.serialized()) }
                    step.redirect = location
                    return .skip
                }
                if canRetry, RequestPolicy.isTransient(status: code) {
                    step.retry = "HTTP error \(code)"
                    return .skip
                }
                var append = false
                if step.offset > 0 && request.method != .head {
                    switch RequestPolicy.resumeVerdict(for: head, offset: step.offset) {
                    case .append: append = true
                    case .complete: return .skip
                    case .refuse(let why):
                        if options.fail != .never && code >= 400 { step.failure = code } else { step.refusal = why }
                        return .skip
                    }
                }
                if options.fail == .fail && code >= 400 {
                    step.failure = code
                    return .skip
                }
                if let limit = options.maxFileSize, let length = head.headers["Content-Length"].flatMap({ Int64($0) }),
                    length > limit
                {
                    throw .fileTooLarge(limit)
                }
                if options.compressed, let coding = head.headers["Content-Encoding"]?.trimmingWhitespace().lowercased(),
                    coding != "identity"
                {
                    // We asked for gzip only (Accept-Encoding: gzip); curl refuses codings it cannot decode.
                    guard coding == "gzip" || coding == "x-gzip" else {
                        throw .badContentEncoding("unsupported Content-Encoding '\(coding)'")
                    }
                    do { step.decoder = try GzipDecoder() } catch { throw .badContentEncoding("\(error)") }
                }
                try destination.open(append: append)
                if options.includeHead || options.headOnly { try destination.write(head.serialized()) }
                if let length = head.headers["Content-Length"].flatMap({ Int64($0) }) {
                    step.total = length + (append ? step.offset : 0)
                }
                step.received = append ? step.offset : 0
                step.head = head
                step.framing = try ResponseReader.framing(of: head, isHead: request.method == .head)
                return .read
            },
            onBody: { bytes throws(FetchError) in
                func write(_ output: UnsafeRawBufferPointer) throws(FetchError) {
                    if let limit = options.maxFileSize, step.written + Int64(output.count) > limit {
                        throw .fileTooLarge(limit)
                    }
                    try destination.write(output)
                    step.written += Int64(output.count)
                }
                if let decoder = step.decoder {
                    do {
                        try decoder.decode(bytes) { output in try write(output) }
                    } catch let error as FetchError {
                        throw error
                    } catch {
                        throw .badContentEncoding("\(error)")
                    }
                } else {
                    try write(bytes)
                }
                step.received += Int64(bytes.count)
                step.wireBytes += Int64(bytes.count)
                progress?.update(received: step.received, total: step.total)
            }
        )
    }
}
