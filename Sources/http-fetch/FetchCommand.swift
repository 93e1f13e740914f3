import ArgumentParser
import Fetch
import HTTPCore

@main
struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-fetch",
        abstract: "Fetch a URL over HTTP/1.0, with curl's flags and exit codes.",
        discussion: """
            Sends the request, half-closes with shutdown(SHUT_WR), and reads the response until EOF. A body \
            shorter than its Content-Length is an error (exit 18), never a silent truncation; -o FILE writes \
            FILE.part and renames it only once the download is complete. Exit codes are curl's.

            Examples:
              http-fetch http://127.0.0.1:8080/            print the body
              http-fetch -i http://127.0.0.1:8080/          status line and headers too
              http-fetch -fsSL -o page.html http://h/docs   follow redirects; 4xx/5xx fail
              http-fetch -C - -O http://h/big.iso           resume a download into big.iso
              http-fetch -d 'a=1&b=2' http://h/form         POST form data
              http-fetch -s -o /dev/null -w '%{http_code}\\n' http://h/
            """,
        version: http10Version
    )

    @Argument(help: "The http:// or https:// URL to fetch (a URL without a scheme is taken as http://).")
    var url: String
    @Option(name: .shortAndLong, help: .value("Write the body to FILE (via FILE.part).", "file")) var output: String?
    @Flag(name: .letter("O", "remote-name"), help: "Write to a file named like the URL's last segment.")
    var remoteName = false
    @Flag(name: .shortAndLong, help: "Write the status line and headers before the body.") var include = false
    @Flag(name: .letter("I", "head"), help: "Send HEAD and write the response head only.") var head = false
    @Option(name: .letter("X", "request"), help: .value("The request method to use.", "method")) var request: String?
    @Option(name: .letter("H", "header"), help: .value("Extra header 'Name: value' ('Name:' removes one).", "header"))
    var headers: [String] = []
    @Option(name: .shortAndLong, help: .value("POST DATA (@FILE reads a file without newlines).", "data"))
    var data: [String] = []
    @Option(name: .long, help: .value("POST DATA exactly (@FILE reads a file as is).", "data")) var dataBinary:
        [String] =
            []
    @Option(name: .letter("A", "user-agent"), help: .value("The User-Agent to send.", "agent")) var userAgent: String?
    @Option(name: .shortAndLong, help: .value("USER:PASSWORD for basic authentication.", "user:password"))
    var user: String?
    @Flag(name: .letter("L", "location"), help: "Follow redirects.") var location = false
    @Flag(help: "Like -L, and send credentials, Authorization and Cookie to other hosts too.")
    var locationTrusted = false
    @Option(name: .long, help: .value("Redirects -L follows before giving up (exit 47).", "n")) var maxRedirs = 20
    @Flag(name: .shortAndLong, help: "On HTTP status >= 400 write nothing and exit 22.") var fail = false
    @Flag(name: .long, help: "On HTTP status >= 400 write the body, then exit 22.") var failWithBody = false
    @Option(name: .letter("C", "continue-at"), help: .value("'-' resumes from the output file's size.", "offset"))
    var continueAt: String?
    @Option(name: .letter("x", "proxy"), help: .value("Use this HTTP proxy ([http://]HOST[:PORT]).", "proxy"))
    var proxy: String?
    @Option(name: .long, help: .value("Comma-separated hosts to reach without the proxy.", "hosts")) var noproxy:
        String?
    @Option(name: .long, help: .value("Retry a transient failure this many times.", "n")) var retry = 0
    @Option(name: .long, help: .seconds("Seconds between retries (default: 1, doubling).")) var retryDelay: Double?
    @Option(name: .long, help: .seconds("Start no retry after this many seconds.")) var retryMaxTime: Double?
    @Option(name: .long, help: .value("Refuse a body larger than BYTES (exit 63).", "bytes")) var maxFilesize: Int64?
    @Option(name: .long, help: .seconds("Seconds one connection attempt may take.")) var connectTimeout: Double?
    @Option(name: .shortAndLong, help: .seconds("Seconds the whole transfer may take (exit 28).")) var maxTime: Double?
    @Flag(name: .letter("4", "ipv4"), help: "Resolve names to IPv4 addresses only.") var ipv4 = false
    @Flag(name: .letter("6", "ipv6"), help: "Resolve names to IPv6 addresses only.") var ipv6 = false
    @Flag(name: .shortAndLong, help: "No progress bar and no error messages.") var silent = false
    @Flag(name: .letter("S", "show-error"), help: "With -s, still print error messages.") var showError = false
    @Flag(name: .shortAndLong, help: "Print the request and response heads on stderr.") var verbose = false
    @Option(name: .shortAndLong, help: .value("Print FORMAT after the transfer (%{http_code}).", "format"))
    var writeOut: String?
    @Flag(help: "Ask for a gzip-compressed response and decode it.") var compressed = false
    @Flag(name: .customLong("http0.9"), help: "Accept a reply without a status line (HTTP/0.9).") var http09 = false
    @Flag(help: "Keep the write side open after the request (no shutdown(SHUT_WR)); the default for https.")
    var noHalfClose = false
    @Flag(help: "Half-close after the request also over https (close_notify, then shutdown(SHUT_WR)).")
    var halfClose = false
    @Flag(name: [.customShort("k"), .long], help: "https: do not verify the server's certificate or name.")
    var insecure = false
    @Option(help: .value("https: trust only the CAs in this PEM file.", "file")) var cacert: String?
    @Option(help: .value("https: trust only the CAs in this hashed folder (c_rehash).", "dir")) var capath: String?
    @Flag(name: .customLong("tlsv1.2"), help: "https: TLS 1.2 or later (the default).") var tls12 = false
    @Flag(name: .customLong("tlsv1.3"), help: "https: TLS 1.3 or later.") var tls13 = false
    @Option(
        name: [.customShort("E"), .long],
        help: .value("https: client certificate (PEM; may hold the key).", "file")
    )
    var cert: String?
    @Option(help: .value("https: private key for --cert (PEM).", "file")) var key: String?

    func validate() throws {
        if let continueAt, continueAt != "-" { throw ValidationError("-C takes '-' only (resume from the file size)") }
        if continueAt != nil && (output == nil || output == "-") && !remoteName {
            throw ValidationError("-C - needs -o FILE or -O")
        }
        if output != nil && remoteName { throw ValidationError("-o and -O cannot be used together") }
        if head && !(data.isEmpty && dataBinary.isEmpty) { throw ValidationError("-I and -d cannot be used together") }
        if ipv4 && ipv6 { throw ValidationError("-4 and -6 cannot be used together") }
        if maxRedirs < 0 { throw ValidationError("--max-redirs must be 0 or more") }
        if retry < 0 { throw ValidationError("--retry must be 0 or more") }
        for (name, value) in [("--connect-timeout", connectTimeout), ("-m", maxTime), ("--retry-delay", retryDelay)] {
            if let value, !(value >= 0 && value < 1e9) { throw ValidationError("\(name) takes seconds, 0 or more") }
        }
    }

    func run() throws {
        Signals.ignoreBrokenPipe()
        // curl's `-o -` means standard output.
        let target: OutputTarget =
            output.map { $0 == "-" ? .standardOutput : .file($0) } ?? (remoteName ? .remoteName : .standardOutput)
        var feedback = Feedback()
        feedback.verbose = verbose
        feedback.warnings = !silent
        feedback.progress = !silent && !verbose && target != .standardOutput && OutputFile.standardError.isTerminal
        // One `let` bound on each path: a tuple assigned into two uninitialized `var`s inside do/catch made
        // Swift 6.3.1's debug build copy a garbage FetchError? (a crash on a cut https body).
        let (info, error): (TransferInfo, FetchError?)
        do {
            (info, error) = Fetcher(options: try makeOptions(), feedback: feedback).run(url: url, output: target)
        } catch let failure {
            var empty = TransferInfo()
            empty.exitCode = failure.exitCode
            (info, error) = (empty, failure)
        }
        if let writeOut {
            let (text, unknown) = WriteOut.expand(writeOut, info)
            for name in unknown {
                OutputFile.standardError.write("http-fetch: unknown --write-out variable: '\(name)'\n")
            }
            OutputFile.standardOutput.write(text)
        }
        if let error {
            if !silent || showError {
                OutputFile.standardError.write("http-fetch: (\(error.exitCode)) \(error.message)\n")
            }
            throw ExitCode(error.exitCode)
        }
    }

    private func makeOptions() throws(FetchError) -> FetchOptions {
        var options = FetchOptions()
        options.method = request.map { HTTPMethod($0) }
        options.headOnly = head
        options.includeHead = include
        options.headerLines = headers
        options.body = try makeBody()
        options.user = user
        options.userAgent = userAgent
        options.followRedirects = location || locationTrusted
        options.trustRedirects = locationTrusted
        options.maxRedirects = maxRedirs
        options.fail = failWithBody ? .failWithBody : fail ? .fail : .never
        options.resume = continueAt != nil
        options.proxy = proxy
        options.compressed = compressed
        options.noProxy = noproxy
        options.retries = retry
        (options.retryDelay, options.retryMaxTime) = (duration(retryDelay), duration(retryMaxTime))
        (options.connectTimeout, options.maxTime) = (duration(connectTimeout), duration(maxTime))
        options.maxFileSize = maxFilesize
        options.family = ipv4 ? .ipv4 : ipv6 ? .ipv6 : .unspecified
        // Neither flag: the scheme decides (half-close for http, not for https; see the README's table).
        options.halfClose = noHalfClose ? false : halfClose ? true : nil
        options.tls.verifyPeer = !insecure
        (options.tls.caFile, options.tls.caFolder) = (cacert, capath)
        options.tls.minimumVersion = tls13 ? .v1_3 : .v1_2
        (options.tls.certificate, options.tls.key) = (cert, key)
        options.allowHTTP09 = http09
        return options
    }

    /// A number of seconds from the command line as a duration, to the millisecond.
    private func duration(_ seconds: Double?) -> Duration? { seconds.map { .milliseconds(Int64($0 * 1000)) } }

    /// `-d` values joined with `&` (an `@FILE` read without CR and LF, as curl does), then `--data-binary` as is.
    private func makeBody() throws(FetchError) -> [UInt8]? {
        if data.isEmpty && dataBinary.isEmpty { return nil }
        var parts: [[UInt8]] = []
        for value in data {
            parts.append(try read(value).filter { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") })
        }
        for value in dataBinary { parts.append(try read(value)) }
        return Array(parts.joined(separator: [UInt8(ascii: "&")]))
    }

    private func read(_ value: String) throws(FetchError) -> [UInt8] {
        guard value.hasPrefix("@") else { return Array(value.utf8) }
        let path = String(value.dropFirst())
        do {
            if path == "-" { return try OpenFile.readStandardInput() }
            let file = try OpenFile.open(FilePath(path))
            defer { file.close() }
            return try file.readAll()
        } catch {
            throw FetchError(exitCode: 26, message: "cannot read \(path): \(error)")
        }
    }
}

extension NameSpecification {
    /// `-LETTER` and `--long`, for curl's flags whose letter is not the first of their name (`-O`, `-X`, `-4`).
    static func letter(_ letter: Character, _ long: String) -> NameSpecification {
        [.customShort(letter), .customLong(long)]
    }
}

extension ArgumentHelp {
    /// Help for an option whose value is shown as `<name>`.
    static func value(_ text: String, _ name: String) -> ArgumentHelp { ArgumentHelp(text, valueName: name) }
    /// Help for an option that takes seconds (`<seconds>`).
    static func seconds(_ text: String) -> ArgumentHelp { value(text, "seconds") }
}
