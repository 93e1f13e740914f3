import HTTPClient
import HTTPCore
import System

/// One curl-style transfer: the request the options describe, its redirects, resume and retries,
/// written to its destination. `http-fetch` is this type plus flag parsing.
public struct Fetcher {
    public var options: FetchOptions
    public var feedback: Feedback
    /// Reads the environment (`http_proxy`, `no_proxy`); replaceable in tests.
    public var environment: (String) -> String? = { Environment.value($0) }
    /// The size of the buffer one read of the body fills.
    public var bufferSize = 256 * 1024

    /// Creates a fetcher.
    public init(options: FetchOptions, feedback: Feedback = Feedback()) {
        self.options = options
        self.feedback = feedback
    }

    /// Fetches `url` into `output` and reports what happened; the error, if any, carries curl's exit code.
    ///
    /// A file target is written as `FILE.part` and renamed on success only; on failure no `FILE` appears.
    public func run(url text: String, output: OutputTarget) -> (info: TransferInfo, error: FetchError?) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(4096, bufferSize), alignment: 16)
        defer { buffer.deallocate() }
        var transfer = Transfer(fetcher: self, buffer: buffer)
        var failure: FetchError?
        do {
            try transfer.run(text, output: output)
        } catch {
            transfer.info.exitCode = error.exitCode
            transfer.info.errorMessage = error.message
            // A rejected certificate ends the transfer in the handshake: its X509 code is still curl's
            // %{ssl_verify_result} (curl prints 18 for a self-signed certificate with exit 60).
            if case .certificateRejected(_, let code)? = error.cause { transfer.info.sslVerifyResult = code }
            failure = error
        }
        transfer.info.total = ContinuousClock.now - transfer.start
        return (transfer.info, failure)
    }
}

/// The state of one run of ``Fetcher``: attempts (retries) of a chain of requests (redirects), each read by
/// ``exchange(_:client:deadline:writer:canRetry:continuing:)``.
struct Transfer {
    let fetcher: Fetcher
    var options: FetchOptions { fetcher.options }
    let start = ContinuousClock.now
    var info = TransferInfo()
    let progress: ProgressMeter?
    /// What one read of the body fills.
    let buffer: UnsafeMutableRawBufferPointer
    let errors = OutputFile.standardError
    /// Servers (`host:port`, or the proxy's) that cut a response short after a half-close: for the rest of
    /// the run, requests to them keep the write side open.
    var abortsAfterHalfClose: Set<String> = []

    init(fetcher: Fetcher, buffer: UnsafeMutableRawBufferPointer) {
        self.fetcher = fetcher
        self.buffer = buffer
        progress = fetcher.feedback.progress ? ProgressMeter() : nil
    }

    /// What one attempt ended with, when it did not throw.
    enum Outcome {
        case done
        case retry(String)
    }

    mutating func run(_ text: String, output: OutputTarget) throws(FetchError) {
        let url: HTTPURL
        do { url = try HTTPURL(parsing: text) } catch { throw FetchError(error) }
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
                guard retryAllowed(attempt), error.cause?.isTransient == true, destination.rewind() else {
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
            let halfClose = options.halfClose ?? (url.scheme == .http)
            clientOptions.halfClose = halfClose && !abortsAfterHalfClose.contains(serverKey)
            clientOptions.tls = options.tls

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

            let (ending, writer) = try receive(
                request,
                options: clientOptions,
                deadline: deadline,
                destination: destination,
                offset: offset,
                canRetry: canRetry
            )
            info.bodyBytes = writer.wireBytes
            switch ending {
            case .redirect(let location, let status):
                info.redirects += 1
                guard info.redirects <= options.maxRedirects else { throw .tooManyRedirects(options.maxRedirects) }
                let next = try RequestPolicy.redirectTarget(location, from: url)
                // Credentials are for the origin they were given for (curl, CVE-2022-27776): a redirect to
                // another scheme, host or port drops them, with any Authorization or Cookie given by -H,
                // unless --location-trusted says every host may have them.
                if !next.hasSameOrigin(as: url) && !options.trustRedirects {
                    credentials = nil
                    customHeaders.remove(name: "Authorization")
                    customHeaders.remove(name: "Cookie")
                } else if next.userInfo != nil, options.user == nil {
                    credentials = next.userInfo
                }
                (method, body) = RequestPolicy.redirectedMethod(method, body: body, status: status)
                if let forced = options.method, status != 303 { method = forced }
                url = next
                continue
            case .retry(let reason): return .retry(reason)
            case .httpFailure(let code): throw .httpError(code)
            case .resumeRefused(let why): throw .rangeError(why)
            case .alreadyComplete, .body: break
            case .cut(let error): throw error
            case .continuationRefused: preconditionFailure("receive handles continuations")
            }
            progress?.finish(received: writer.received, total: writer.total)
            if options.fail == .failWithBody, let status = ending.status, status >= 400 {
                try destination.commit()
                throw .httpError(status)
            }
            return .done
        }
    }
}
