import HTTPServer
import System
import Testing

/// `BasicAuth.make`: the table `http-serve --auth/--auth-file/--auth-realm` builds, with the real crypt(3).
@Suite struct BasicAuthConfigurationTests {
    /// Writes `contents` to a fresh file under /tmp; the caller unlinks it.
    func htpasswd(_ contents: String) throws -> String {
        let path = "/tmp/http10-htpasswd-\(UInt64.random(in: 0...UInt64.max))"
        let file = try OutputFile.open(FilePath(path), mode: .truncate)
        defer { file.close() }
        try file.writeAll(Array(contents.utf8))
        return path
    }

    @Test func neitherFlag_meansNoAuthentication() throws {
        #expect(try BasicAuth.make(plainUser: nil, htpasswdFile: nil, realm: "r") == nil)
    }

    @Test func htpasswdFile_checksSha512CryptHashes_withTheSystemCrypt() throws {
        let hash = try #require(PasswordHash.crypt("secret", setting: "$6$saltsalt$"))
        let path = try htpasswd("# users\nalice:\(hash)\n")
        defer { try? FileSystem.unlink(FilePath(path)) }
        let auth = try #require(try BasicAuth.make(plainUser: "bob:pw", htpasswdFile: path, realm: "files"))
        #expect(auth.realm == "files")
        #expect(auth.decide(authorization: "Basic YWxpY2U6c2VjcmV0") == .allowed(user: "alice"))  // alice:secret
        #expect(auth.decide(authorization: "Basic YWxpY2U6d3Jvbmc=") == .denied)  // alice:wrong
        #expect(auth.decide(authorization: "Basic Ym9iOnB3") == .allowed(user: "bob"))  // bob:pw
    }

    @Test func plainUser_replacesTheFilesEntry_andTheRealmDefaultsToTheHostName() throws {
        let hash = try #require(PasswordHash.crypt("secret", setting: "$6$saltsalt$"))
        let path = try htpasswd("alice:\(hash)\n")
        defer { try? FileSystem.unlink(FilePath(path)) }
        let auth = try #require(try BasicAuth.make(plainUser: "alice:plain", htpasswdFile: path, realm: nil))
        #expect(auth.realm == (PasswordHash.hostName() ?? "http-serve"))
        #expect(auth.decide(authorization: "Basic YWxpY2U6cGxhaW4=") == .allowed(user: "alice"))  // alice:plain
        #expect(auth.decide(authorization: "Basic YWxpY2U6c2VjcmV0") == .denied)  // alice:secret
    }

    @Test func missingFile_isAnErrorNamingTheFlagTheFileAndTheCall() {
        #expect(
            throws: BasicAuth.ConfigurationError(
                description: "--auth-file '/nonexistent/htpasswd': open: No such file or directory (errno 2)"
            )
        ) {
            try BasicAuth.make(plainUser: nil, htpasswdFile: "/nonexistent/htpasswd", realm: nil)
        }
    }

    @Test func badLineOrArgument_isAnErrorSayingWhich() throws {
        let path = try htpasswd("# apr1 is MD5\nalice:$apr1$x$y\n")
        defer { try? FileSystem.unlink(FilePath(path)) }
        let expected = "\(path):2: unsupported hash for user 'alice' (use htpasswd -B or openssl passwd -6)"
        #expect(throws: BasicAuth.ConfigurationError(description: expected)) {
            try BasicAuth.make(plainUser: nil, htpasswdFile: path, realm: nil)
        }
        #expect(throws: BasicAuth.ConfigurationError(description: "--auth wants USER:PASSWORD")) {
            try BasicAuth.make(plainUser: "no-colon", htpasswdFile: nil, realm: nil)
        }
    }
}
