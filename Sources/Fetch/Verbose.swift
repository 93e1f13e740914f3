import HTTPClient
import HTTPCore
import System
import TLS

/// `-v` output on standard error, in curl's shape: `*` notes, `>` request lines, `<` response lines.
enum Verbose {
    static func report(_ event: ClientEvent) {
        let errors = OutputFile.standardError
        switch event {
        case .connecting(let address): errors.write("*   Trying \(address)...\n")
        case .connected(let address): errors.write("* Connected to \(address.host) port \(address.port)\n")
        case .requestSent(let bytes): errors.write(prefixLines(bytes, with: "> "))
        case .tunnelEstablished(let authority): errors.write("* CONNECT tunnel established to \(authority)\n")
        case .tlsEstablished(let summary):
            // curl's lines for the handshake and the server certificate (lib/vtls/openssl.c).
            var text = "* SSL connection using \(summary.version) / \(summary.cipher)\n* Server certificate:\n"
            text += "*  subject: \(summary.subject)\n*  start date: \(summary.notBefore)\n"
            text += "*  expire date: \(summary.notAfter)\n*  issuer: \(summary.issuer)\n"
            text +=
                summary.verifyResult == 0
                ? "*  SSL certificate verify ok.\n"
                : "*  SSL certificate verify result: \(summary.verifyReason) (\(summary.verifyResult)), continuing anyway.\n"
            errors.write(text)
        }
    }

    /// Response heads as received, `< ` before each line: every byte as it came, line endings included (a
    /// reason phrase in any encoding is not re-encoded), as curl writes them.
    /// An interim (1xx) head goes without its empty last line, as curl shows it.
    static func report(rawHead: [UInt8], interim: Bool = false) {
        var rawHead = rawHead
        if interim, rawHead.last == UInt8(ascii: "\n") {
            rawHead.removeLast()
            if rawHead.last == UInt8(ascii: "\r") { rawHead.removeLast() }
        }
        var output: [UInt8] = []
        var atLineStart = true
        for byte in rawHead {
            if atLineStart { output += Array("< ".utf8) }
            output.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        try? OutputFile.standardError.writeAll(output)
    }

    /// A `* ` note of the client's own, such as what it does about a cut-short body.
    static func note(_ text: String) {
        OutputFile.standardError.write("* \(text)\n")
    }

    /// Each CRLF-terminated line of `bytes` as `prefix + line + "\n"`, the blank line that ends a head included.
    static func prefixLines(_ bytes: [UInt8], with prefix: String) -> String {
        // Split bytes, not characters: in Swift "\r\n" is a single Character.
        var output = ""
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            output += prefix + String(latin1: line.last == UInt8(ascii: "\r") ? line.dropLast() : line) + "\n"
        }
        return output
    }
}
