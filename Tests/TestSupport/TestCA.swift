import TLS

#if canImport(Glibc)
import Glibc
#endif

/// A throwaway CA and certificates made by scripts/make-test-ca once per test process (the files are listed in
/// that script: ca.pem, server.pem/.key for localhost and 127.0.0.1, wrongname, expired, selfsigned, client).
public enum TestCA {
    public static let folder: String = {
        var template = Array("/tmp/http10-tls-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        let folder = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let script = String(#filePath.dropLast("Tests/TestSupport/TestCA.swift".count)) + "scripts/make-test-ca"
        precondition(system("'\(script)' '\(folder)'") == 0, "scripts/make-test-ca failed (is openssl installed?)")
        // The keys are throwaway, but the folder should not outlive the test process.
        atexit { _ = system("rm -rf '\(TestCA.folder)'") }
        return folder
    }()

    public static func path(_ name: String) -> String { folder + "/" + name }

    public static func server(_ name: String = "server", maximumVersion: TLSVersion? = nil) throws -> TLSContext {
        try TLSContext.server(
            certificateChain: path(name + ".pem"),
            key: path(name + ".key"),
            maximumVersion: maximumVersion
        )
    }

    public static func client(
        _ verification: TLSVerification = .certificateAuthorities(file: path("ca.pem"), folder: nil),
        minimumVersion: TLSVersion = .v1_2
    ) throws -> TLSContext {
        try TLSContext.client(verification: verification, minimumVersion: minimumVersion)
    }
}
