import HTTPCore
import System

/// Everything `http-serve` can be told, with the documented defaults.
public struct ServerConfiguration: Sendable {
    /// The folder whose files are served.
    public var root: String = "www"
    /// The address to listen on: a numeric IPv4 or IPv6 address, or a name.
    public var host: String = "127.0.0.1"
    /// The port to listen on; 0 lets the kernel pick a free one.
    public var port: UInt16 = 8080
    /// How long a client may take to send its request head, and how long a send may stall.
    public var timeout: Duration = .seconds(10)
    /// Limits on the request head.
    public var limits = HTTPParserLimits()
    /// The `listen(2)` backlog.
    public var backlog: Int32 = 1024
    /// Seconds the kernel keeps a connection to itself until its client sends something (`TCP_DEFER_ACCEPT`,
    /// tcp(7)); 0 hands every connection over as soon as its handshake completes. A client that stays silent
    /// is accepted when the time is up and then has ``timeout`` to send its head. Not applied to a socket
    /// inherited from a service manager, which sets its own (systemd.socket(5) `DeferAcceptSec=`).
    public var deferAccept: Int32 = 1
    /// Where the access log goes.
    public var accessLog: AccessLogDestination = .standardOutput
    /// The number of event loops, one thread each, all accepting from the one listening socket.
    public var workers: Int = Threads.processorCount
    /// The most connections open at once; at the limit the server stops accepting until one closes.
    public var maxConnections: Int = 4096
    /// gzip compression of compressible files: on by default.
    public var gzip = GzipOptions()
    /// `SO_SNDBUF` for accepted connections; `nil` keeps the kernel's autotuning. Tests set it tiny to
    /// force partial sends.
    public var sendBufferSize: Int? = nil
    /// The `Server` header's value.
    public var serverName: String = "http-serve/\(http10Version)"
    /// What is served beyond plain files and the fields added to answers (``StaticFileHandler/Options``).
    public var options = StaticFileHandler.Options()
    /// Whether dotfiles and dot-folders (`.git`, `.env`) are served and listed; `/.well-known/` always is.
    public var dotfiles: Bool {
        get { options.dotfiles }
        set { options.dotfiles = newValue }
    }
    /// Whether a folder without an index file gets a listing (otherwise 404).
    public var listing: Bool {
        get { options.listing }
        set { options.listing = newValue }
    }

    /// Basic authentication: when set, every request needs valid credentials or gets 401.
    public var auth: BasicAuth? = nil
    /// Where warnings, errors and (unless it leaves them to ``accessLog``) access-log lines go.
    public var log = ServerLog.standard

    /// The user (name or number) to run as once the port is bound and the log is open (`--user`); needs root.
    /// `nil` keeps the user that started the server.
    public var user: String? = nil
    /// The group to run as with ``user`` (`--group`); `nil` means the user's primary group.
    public var group: String? = nil
    /// Whether to `chroot(2)` to ``root`` before dropping to ``user`` (`--chroot`; needs ``user``).
    public var chroot: Bool = false

    /// https: the certificate and key to serve with (`--tls-cert`, `--tls-key`); `nil` serves plain HTTP.
    public var tls: ServerTLS? = nil

    /// Where access-log lines are written.
    public enum AccessLogDestination: Sendable, Equatable {
        case standardOutput
        case file(String)
        case none
    }

    /// The defaults: `www` on 127.0.0.1:8080, 10 s timeout.
    public init() {}
}
