import System
import TLS

/// https for `http-serve`: the certificate chain and key files (PEM) and the lowest protocol version.
public struct ServerTLS: Sendable, Equatable {
    /// A TLS protocol version; TLS 1.0 and 1.1 are never offered (RFC 8996).
    public typealias Version = TLSVersion

    /// The certificate, then any intermediates, in one PEM file (`--tls-cert`).
    public var certificateChain: String
    /// The private key of the certificate, PEM (`--tls-key`).
    public var key: String
    /// The lowest version negotiated (`--tls-min`); the highest is the system's (TLS 1.3).
    public var minimumVersion: Version

    /// Creates the settings; TLS 1.2 is the default minimum, as in nginx and the system's policy.
    public init(certificateChain: String, key: String, minimumVersion: Version = .v1_2) {
        self.certificateChain = certificateChain
        self.key = key
        self.minimumVersion = minimumVersion
    }
}

/// The certificate and key a server presents, loaded at start and again on SIGHUP (a renewed certificate
/// without a restart, as nginx's reload). A new connection takes the pair current when it is accepted;
/// a failed reload keeps the old pair.
final class TLSCredentials: Sendable {
    let settings: ServerTLS
    private let current: Locked<TLSContext>
    /// The hangup count the pair was last reloaded for.
    private let generation = Locked<Int>(0)

    /// Loads the pair. Throws a one-line reason naming the flag and file.
    init(_ settings: ServerTLS) throws(Server.StartError) {
        self.settings = settings
        current = Locked(try Self.load(settings))
    }

    /// The pair new connections use.
    var context: TLSContext { current.withLock { $0 } }

    /// Loads the files again, once for each new `generation` (the SIGHUP count: every event loop calls this,
    /// the first to see a new count does the work, like ``AccessLog/reopen(generation:)``).
    /// - Returns: `true` if the pair was replaced.
    /// - Throws: ``Server/StartError`` with the reason; the old pair stays in use.
    @discardableResult
    func reload(generation wanted: Int) throws(Server.StartError) -> Bool {
        let claimed = generation.withLock { seen in
            guard seen < wanted else { return false }
            seen = wanted
            return true
        }
        guard claimed else { return false }
        let fresh = try Self.load(settings)
        current.withLock { $0 = fresh }
        return true
    }

    /// Whether the certificate's notAfter has passed: a warning at start, not an error (a test or an
    /// internal site may knowingly use one).
    var certificateHasExpired: Bool { context.certificateHasExpired }

    /// A server context for `settings`, or the first problem: the flag, the file and why.
    static func load(_ settings: ServerTLS) throws(Server.StartError) -> TLSContext {
        // open(2) first: its errno says "No such file" or "Permission denied" plainly, where OpenSSL's
        // error queue says the same in three lines.
        for (flag, path) in [("--tls-cert", settings.certificateChain), ("--tls-key", settings.key)] {
            do {
                try OpenFile.open(FilePath(path)).close()
            } catch {
                throw Server.StartError(description: "cannot read \(flag) '\(path)': \(error)")
            }
        }
        do {
            return try TLSContext.server(
                certificateChain: settings.certificateChain,
                key: settings.key,
                minimumVersion: settings.minimumVersion
            )
        } catch {
            switch error.kind {
            case .unreadableFile(let path), .badCredentials(let path):
                let flag = path == settings.certificateChain ? "--tls-cert" : "--tls-key"
                let reason = error.kind == .unreadableFile(path: path) ? "cannot read: " : ""
                throw Server.StartError(description: "\(flag) '\(path)': \(reason)\(error.detail)")
            default:
                throw Server.StartError(description: "TLS: \(error.detail)")
            }
        }
    }
}
