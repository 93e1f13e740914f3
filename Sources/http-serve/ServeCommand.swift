import ArgumentParser
import HTTPCore
import HTTPServer

@main
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-serve",
        abstract: "Serve a folder over HTTP/1.0.",
        discussion: """
            Prints "listening on http://HOST:PORT/" first, then the access log. SIGINT and SIGTERM stop
            it after the responses in flight. Started by systemd socket activation (LISTEN_FDS and
            LISTEN_PID set, see sd_listen_fds(3)), it serves the passed socket and ignores --host/--port.

            Examples:
              http-serve                       # ./www on http://127.0.0.1:8080/
              http-serve --root site --port 0  # ./site on a free port, printed first
              http-serve --host :: --port 80 --root /srv/www --quiet
              systemd-socket-activate -l 127.0.0.1:8080 http-serve --root /srv/www
              http-serve --spa --cors --root dist   # an app for pages on other origins
              http-serve --max-age 3600 --header 'X-Frame-Options: DENY'
              curl -H 'Accept: application/json' http://127.0.0.1:8080/files/
            """,
        version: http10Version
    )

    @Option(help: "Folder to serve.") var root = "www"
    @Option(help: "Address to listen on (IPv4 or IPv6).") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port: Int = 8080
    @Option(help: "Seconds a client may take to send its request head (1-3600).") var timeout: Int = 10
    @Option(help: "Seconds the kernel holds a connection until its client sends (TCP_DEFER_ACCEPT; 0 is off; 0-3600).")
    var deferAccept: Int = 1
    @Option(help: "Event loops, one thread each (default: the number of cores).") var workers: Int?
    @Option(help: "Most connections open at once (1-1000000).") var maxConnections: Int = 4096
    @Option(help: "Append the access log to this file (default: standard output).") var accessLog: String?
    @Flag(help: "Write no access log (default: off).") var quiet = false
    @Flag(help: "Serve and list dotfiles such as .git and .env (default: off; /.well-known/ is always served).")
    var dotfiles = false
    @Flag(help: "Answer 404 for a folder without an index file instead of listing it (default: off).") var noListing =
        false
    @Option(help: "Longest request line in bytes, longer gets 414 (256-1048576).") var maxRequestLine: Int = 8192
    @Option(help: "Largest header section in bytes, larger gets 431 (1024-16777216).") var maxHeaderBytes: Int = 65536
    @Option(help: "Most header fields, more gets 431 (1-10000).") var maxHeaders: Int = 100
    @Flag(help: "Never gzip responses (default: off; compressible files are gzipped for clients that accept it).")
    var noGzip = false
    @Option(help: "gzip compression level (1-9).") var gzipLevel: Int = 6
    @Option(help: "Memory for cached gzip bodies, in MiB (0-65536).") var gzipCacheMb: Int = 64
    @Option(help: "Require this user and password (Basic authentication), as USER:PASSWORD.") var auth: String?
    @Option(help: "Require a user of this htpasswd file (bcrypt from htpasswd -B, or sha512-crypt $6$).")
    var authFile: String?
    @Option(help: "The realm named in the 401 challenge (default: the host name).") var authRealm: String?
    @Option(help: "Run as this user (name or uid) once the port is bound and the log is open; needs root.")
    var user: String?
    @Option(help: "Run as this group with --user (default: the user's primary group).") var group: String?
    @Flag(help: "chroot to --root before dropping to --user (default: off; needs --user).") var chroot = false
    @Option(help: "Serve https with this PEM certificate (chain allowed); needs --tls-key.") var tlsCert: String?
    @Option(help: "The PEM private key of --tls-cert.") var tlsKey: String?
    @Option(help: "Lowest TLS version, 1.2 or 1.3.") var tlsMin = "1.2"
    @Option(
        help: ArgumentHelp(
            "Add this field, as 'Name: value', to every response (repeatable; default: none).",
            valueName: "field"
        )
    )
    var header: [String] = []
    @Option(
        help: ArgumentHelp(
            "Send CORS fields allowing this origin; --cors alone allows any (*) (default: off).",
            valueName: "origin"
        )
    )
    var cors: String?
    @Option(
        help: ArgumentHelp(
            "Send 'Cache-Control: public, max-age=SECONDS' with files, no-cache with pages (0-31536000; default: off).",
            valueName: "seconds"
        )
    )
    var maxAge: Int?
    @Flag(help: "Make caches revalidate every response before reuse (default: off).") var noCache = false
    @Flag(help: "Answer 404s with the server's own page even if the root has a 404.html (default: off).")
    var noErrorPage = false
    @Flag(
        help:
            "Serve the root's index for a missing path without an extension, as single page apps need (default: off)."
    )
    var spa = false
    @Option(
        help: ArgumentHelp(
            "A folder's index file name, tried in order (repeatable; default: index.html).",
            valueName: "name"
        )
    )
    var index: [String] = []
    @Option(
        help: ArgumentHelp(
            "Media types in /etc/mime.types format, added to and overriding the built-in table (default: none).",
            valueName: "file"
        )
    )
    var mimeTypes: String?
    @Option(help: ArgumentHelp("Media type for unknown extensions.", valueName: "type")) var defaultType =
        "application/octet-stream"

    /// `--cors` alone means `--cors '*'`: argument-parser has no option with an optional value, so a bare
    /// `--cors` (last, or followed by another flag) gets its value here before parsing.
    static func main() {
        main(expandingBareCORS(Array(CommandLine.arguments.dropFirst())))
    }

    static func expandingBareCORS(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            result.append(argument)
            if argument == "--" {
                result += arguments[(index + 1)...]
                break
            }
            let next = index + 1 < arguments.count ? arguments[index + 1] : nil
            if argument == "--cors" && (next.map { $0.hasPrefix("-") } ?? true) { result.append("*") }
        }
        return result
    }

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535, got \(port)") }
        guard (1...3600).contains(timeout) else {
            throw ValidationError("--timeout must be 1-3600 seconds, got \(timeout)")
        }
        guard (0...3600).contains(deferAccept) else {
            throw ValidationError("--defer-accept must be 0-3600 seconds, got \(deferAccept)")
        }
        if let workers, !(1...1024).contains(workers) {
            throw ValidationError("--workers must be 1-1024, got \(workers)")
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be 1-1000000, got \(maxConnections)")
        }
        guard (256...1_048_576).contains(maxRequestLine) else {
            throw ValidationError("--max-request-line must be 256-1048576 bytes, got \(maxRequestLine)")
        }
        guard (1024...16_777_216).contains(maxHeaderBytes) else {
            throw ValidationError("--max-header-bytes must be 1024-16777216 bytes, got \(maxHeaderBytes)")
        }
        guard (1...10000).contains(maxHeaders) else {
            throw ValidationError("--max-headers must be 1-10000, got \(maxHeaders)")
        }
        guard (1...9).contains(gzipLevel) else { throw ValidationError("--gzip-level must be 1-9, got \(gzipLevel)") }
        guard (0...65536).contains(gzipCacheMb) else {
            throw ValidationError("--gzip-cache-mb must be 0-65536, got \(gzipCacheMb)")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard tlsVersion != nil else { throw ValidationError("--tls-min must be 1.2 or 1.3, got \(tlsMin)") }
        try validateSiteOptions()
    }

    /// The checks of the options that shape answers (issue 16); every message names the valid form.
    func validateSiteOptions() throws {
        do throws(StaticFileHandler.OptionError) {
            for field in header {
                let (name, _) = try StaticFileHandler.parseHeaderOption(field)
                if name.lowercased() == "cache-control" && (maxAge != nil || noCache) {
                    throw StaticFileHandler.OptionError(
                        "--header 'Cache-Control' cannot be combined with --max-age or --no-cache"
                    )
                }
                if name.lowercased().hasPrefix("access-control-") && cors != nil {
                    throw StaticFileHandler.OptionError("--header '\(name)' cannot be combined with --cors")
                }
            }
            if let cors { try StaticFileHandler.validateCORSOrigin(cors) }
            for name in index { try StaticFileHandler.validateIndexName(name) }
            try StaticFileHandler.validateMediaType(defaultType)
        } catch {
            throw ValidationError(error.description)
        }
        if let maxAge, !(0...31_536_000).contains(maxAge) {
            throw ValidationError("--max-age must be 0-31536000 seconds, got \(maxAge)")
        }
        if maxAge != nil && noCache { throw ValidationError("--max-age and --no-cache exclude each other") }
    }

    /// `--tls-min` as a version; `nil` when it is neither 1.2 nor 1.3.
    var tlsVersion: ServerTLS.Version? { ["1.2": .v1_2, "1.3": .v1_3][tlsMin] }

    /// Passwords sent over plain HTTP to a non-loopback address travel in clear.
    func authWarning() -> String? {
        guard auth != nil || authFile != nil, tlsCert == nil else { return nil }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        guard !loopback else { return nil }
        return "http-serve: warning: --auth on plain HTTP on \(host): passwords travel in clear\n"
    }

    func makeConfiguration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.root = root
        configuration.host = host
        configuration.port = UInt16(port)
        configuration.timeout = .seconds(timeout)
        configuration.deferAccept = Int32(deferAccept)
        if let workers { configuration.workers = workers }
        configuration.maxConnections = maxConnections
        configuration.gzip = GzipOptions(enabled: !noGzip, level: gzipLevel, cacheBytes: gzipCacheMb * 1024 * 1024)
        configuration.accessLog = quiet ? .none : accessLog.map { .file($0) } ?? .standardOutput
        configuration.dotfiles = dotfiles
        configuration.listing = !noListing
        configuration.limits.maxRequestLineLength = maxRequestLine
        configuration.limits.maxHeaderBytes = maxHeaderBytes
        configuration.limits.maxHeaderCount = maxHeaders
        configuration.user = user
        configuration.group = group
        configuration.chroot = chroot
        if let tlsCert, let tlsKey, let tlsVersion {
            configuration.tls = ServerTLS(certificateChain: tlsCert, key: tlsKey, minimumVersion: tlsVersion)
        }
        for field in header {
            if let (name, value) = try? StaticFileHandler.parseHeaderOption(field) {
                configuration.options.extraFields.add(name: name, value: value)
            }
        }
        configuration.options.corsOrigin = cors
        configuration.options.caching = noCache ? .noCache : maxAge.map { .maxAge($0) } ?? .unspecified
        configuration.options.errorPage = !noErrorPage
        configuration.options.singlePageApp = spa
        if !index.isEmpty { configuration.options.indexNames = index.map { Array($0.utf8) } }
        configuration.options.mimeTypes.fallback = defaultType
        return configuration
    }

    func run() throws {
        Server.installSignalHandlers()
        let server: Server
        do {
            var configuration = makeConfiguration()
            configuration.auth = try BasicAuth.make(plainUser: auth, htpasswdFile: authFile, realm: authRealm)
            if let mimeTypes {
                configuration.options.mimeTypes.overrides = try MIMETypes.loadMimeTypes(file: mimeTypes)
            }
            server = try Server(configuration: configuration, listener: try Server.takeActivatedListener())
        } catch {
            OutputFile.standardError.write("http-serve: error: \(error)\n")
            throw ExitCode(1)
        }
        // The first line on stdout; scripts read the port from it. write(2) is unbuffered: it is out at once.
        OutputFile.standardOutput.write("listening on \(server.url)\n")
        if let warning = authWarning() { OutputFile.standardError.write(warning) }
        try server.run(stopOnSignals: true)
    }

}
