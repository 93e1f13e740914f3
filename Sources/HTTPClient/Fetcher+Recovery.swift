import HTTPCore

/// What a transfer does when a server aborts a response after the half-close (issue 9): see ``HalfCloseRecovery``.
extension Transfer {
    /// Ends a body that was read to its end: a gzip body must end with its trailer (CRC-32 and length).
    ///
    /// - Throws: ``FetchError/gzipCutShort`` (18) for a close-delimited body without the trailer: RFC 9112
    ///   §6.3 (8) leaves no other way to tell an early close from the end, so it is a cut, not bad data;
    ///   exit 61 for a body with a length or chunks, which did arrive whole.
    func finishBody(_ step: Step, _ result: FetchResult) throws(FetchError) {
        guard let decoder = step.decoder, result.bodyWasRead, decoder.bytesIn > 0 else { return }
        do {
            try decoder.finish()
        } catch {
            throw step.framing == .untilClose ? .gzipCutShort : .badContentEncoding("\(error)")
        }
    }

    /// Recovers a body that `error` cut short on a half-closed connection.
    ///
    /// With a GET, a length and a strong validator, asks for the rest with `Range` and `If-Range` on a new
    /// connection that is not half-closed and appends it if the answer is a matching 206. Otherwise the
    /// destination goes back to where the response began, for the caller to fetch it again whole (without
    /// half-close, now that the server is known); that is impossible once bytes went to standard output or
    /// a special file, and then the original error stands (exit 18).
    /// - Returns: the result of the continuation, or `nil` when the caller must fetch the whole body again.
    /// - Throws: `error`, or whatever the continuation throws.
    mutating func recover(
        from error: FetchError,
        request: FetchRequest,
        options clientOptions: ClientOptions,
        deadline: ContinuousClock.Instant?,
        destination: Destination,
        step: inout Step
    ) throws(FetchError) -> FetchResult? {
        let verbose = fetcher.feedback.verbose
        func note(_ text: String) { if verbose { Verbose.note(text) } }
        let server = (clientOptions.proxy ?? request.url).hostHeader
        note("\(error.message) on a half-closed connection: \(server) may abort responses after a FIN")
        note("no more half-close to \(server) in this run")
        guard HalfCloseRecovery.mayRepeat(request.method) else {
            note("a \(request.method) is not sent twice without being asked to: giving up")
            throw error
        }
        var continued = clientOptions
        continued.halfClose = false
        if let head = step.head,
            let cut = HalfCloseRecovery.Cut(head: head, method: request.method, received: step.wireBytes)
        {
            var resumed = request
            for (name, value) in cut.requestFields { resumed.headers.replaceOrAdd(name: name, value: value) }
            note("asking for bytes \(cut.resumeAt)-\(cut.completeLength - 1) with If-Range on a new connection")
            let status = info.statusCode
            let result = try exchange(
                Client(options: continued),
                resumed,
                deadline: deadline,
                destination: destination,
                step: &step,
                canRetry: false,
                continuing: cut
            )
            info.statusCode = status
            guard let why = step.continuationRefused else {
                note("appended the matching 206: \(step.wireBytes) body bytes in all")
                return result
            }
            note("cannot append: \(why)")
        } else {
            note("no safe way to ask for the rest (that takes a GET, a length and a strong ETag or Last-Modified)")
        }
        guard destination.rewind() else {
            note("the bytes already written to \(destination.displayName) cannot be taken back: giving up")
            throw error
        }
        note("fetching the whole body again on a new connection, without half-close")
        return nil
    }
}
