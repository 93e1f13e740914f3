import HTTPClient
import HTTPCore
import Sockets

/// Everything the command line can say about one fetch, in curl's terms.
///
/// `http-fetch` fills this in from its flags and hands it to ``Fetcher``; every decision
/// (redirects, resume, retries, proxy, failure codes) is taken from these values, so it can be tested
/// without a process.
public struct FetchOptions: Sendable {
    /// What `-f` / `--fail-with-body` ask for when the status is 400 or more.
    public enum FailMode: Sendable {
        /// Write the body, exit 0 (curl's default).
        case never
        /// `-f`: write nothing, exit 22.
        case fail
        /// `--fail-with-body`: write the body, then exit 22.
        case failWithBody
    }

    /// `-X`: the method, whatever else the options imply.
    public var method: HTTPMethod?
    /// `-I`: HEAD, and the head is the output.
    public var headOnly = false
    /// `-i`: write the response head before the body.
    public var includeHead = false
    /// `-H`: header lines as typed (`Name: value`; `Name:` removes a default field; `Name;` sends it empty).
    public var headerLines: [String] = []
    /// `-d` / `--data-binary`: the request body; its presence makes the method POST.
    public var body: [UInt8]?
    /// `-u user:password`.
    public var user: String?
    /// `-A`: the `User-Agent` value.
    public var userAgent: String?
    /// `-L`: follow redirects.
    public var followRedirects = false
    /// `--location-trusted`: credentials, `Authorization` and `Cookie` go on to every host a redirect names (by
    /// default they are dropped when the scheme, host or port changes, as curl does since 7.83).
    public var trustRedirects = false
    /// `--max-redirs`: how many redirects `-L` follows before exit 47.
    public var maxRedirects = 20
    /// `-f` / `--fail-with-body`.
    public var fail: FailMode = .never
    /// `-C -`: continue from the size of the existing output file.
    public var resume = false
    /// `--compressed`: ask for gzip and decode it.
    public var compressed = false
    /// `-x`: the proxy; an empty string means none, even if `http_proxy` is set.
    public var proxy: String?
    /// `--noproxy`: hosts reached directly; overrides `no_proxy`.
    public var noProxy: String?
    /// `--retry`: how many times to retry a transient failure.
    public var retries = 0
    /// `--retry-delay`: a fixed wait between retries instead of the doubling backoff (1 s, 2 s, 4 s, ... 10 min).
    public var retryDelay: Duration?
    /// `--retry-max-time`: no retry starts once this much time has passed since the first attempt.
    public var retryMaxTime: Duration?
    /// `--max-filesize`: exit 63 for a larger body.
    public var maxFileSize: Int64?
    /// `--connect-timeout`.
    public var connectTimeout: Duration?
    /// `-m` / `--max-time`: the whole transfer, each attempt.
    public var maxTime: Duration?
    /// `-4` / `-6`.
    public var family: AddressFamily = .unspecified
    /// `--half-close` (`true`) / `--no-half-close` (`false`); `nil` lets the scheme decide: half-close for
    /// http, none for https, where many servers end the whole TLS session on it.
    public var halfClose: Bool?
    /// `-k`, `--cacert`, `--capath`, `--tlsv1.2`, `--tlsv1.3`, `--cert`, `--key`.
    public var tls = TLSOptions()
    /// `--http0.9`.
    public var allowHTTP09 = false

    /// Options for a plain GET.
    public init() {}
}

/// Where the body goes.
public enum OutputTarget: Sendable, Equatable {
    /// Standard output.
    case standardOutput
    /// `-o FILE`.
    case file(String)
    /// `-O`: the last segment of the URL's path, in the current directory.
    case remoteName
}

/// How much to say on standard error.
public struct Feedback: Sendable {
    /// `-v`: connection notes, request and response heads.
    public var verbose = false
    /// Show a progress bar (the caller decides: stderr is a terminal, output is a file, not `-s`).
    public var progress = false
    /// Print retry warnings (off with `-s`).
    public var warnings = true

    /// Nothing but warnings.
    public init() {}
}
