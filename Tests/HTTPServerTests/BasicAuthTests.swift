import System
import TestSupport
import Testing

@testable import HTTPServer

@Suite struct BasicAuthTests {
    /// A stand-in for crypt(3) that counts its calls: "hash:PASSWORD" is the hash of PASSWORD.
    final class FakeCrypt: Sendable {
        let calls = Locked<[String]>([])
        func crypt(_ password: String, _ setting: String) -> String? {
            calls.withLock { $0.append(setting) }
            return setting.hasPrefix("$6$") ? "$6$" + password : nil
        }
    }

    func auth(_ fake: FakeCrypt) -> BasicAuth {
        BasicAuth(
            realm: "r",
            users: ["alice": .hashed("$6$secret"), "carol": .plain(Array("pa:ss".utf8))],
            crypt: { fake.crypt($0, $1) }
        )
    }

    /// The field a client sends (RFC 7617 §2): `Basic ` and the base64 of USER:PASSWORD in UTF-8.
    func basic(_ pair: String) -> String { "Basic " + base64(Array(pair.utf8)) }

    @Test func rightPasswords_areAllowed_withTheUser() {
        let fake = FakeCrypt()
        #expect(auth(fake).decide(authorization: basic("alice:secret")) == .allowed(user: "alice"))
        #expect(auth(fake).decide(authorization: basic("carol:pa:ss")) == .allowed(user: "carol"))
        // RFC 9110 §11.1: the scheme is case-insensitive.
        #expect(
            auth(fake).decide(authorization: "bAsIc " + basic("carol:pa:ss").dropFirst(6))
                == .allowed(user: "carol")
        )
    }

    @Test(arguments: [
        "alice:wrong", "alice:", "carol:pa", "carol:pa:ss ", "Alice:secret", ":secret",
    ])
    func wrongCredentials_areDenied(_ pair: String) {
        #expect(auth(FakeCrypt()).decide(authorization: basic(pair)) == .denied)
    }

    @Test(arguments: [
        nil, "", "Basic", "Basic ", "Basic !!!!", "Basic YWxpY2U=", "Basic YWxp=2U=", "Basic YWxpY2U",
        "Bearer YWxpY2U6c2VjcmV0", "BasicYWxpY2U6c2VjcmV0", "Basic /w==",
    ])
    func malformedFields_areDenied_notErrors(_ field: String?) {
        #expect(auth(FakeCrypt()).decide(authorization: field) == .denied)
    }

    @Test func missingUser_costsAHashLikeAWrongPassword() {
        let fake = FakeCrypt()
        // The dummy is the first user by name: alice's hash, one crypt call as for a wrong password.
        _ = auth(fake).decide(authorization: basic("mallory:secret"))
        _ = auth(fake).decide(authorization: basic("alice:wrong"))
        #expect(fake.calls.withLock { $0 } == ["$6$secret", "$6$secret"])
    }

    @Test func challenge_quotesTheRealm() {
        let auth = BasicAuth(realm: #"a "b" \c"#, users: [:], crypt: { _, _ in nil })
        #expect(auth.challenge == #"Basic realm="a \"b\" \\c", charset="UTF-8""#)
        #expect(auth.decide(authorization: basic("a:b")) == .denied)
    }

    @Test func constantTimeEqual_comparesWholeArrays() {
        #expect(BasicAuth.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!BasicAuth.constantTimeEqual([1, 2, 3], [1, 2]))
        #expect(!BasicAuth.constantTimeEqual([1, 2], [1, 2, 0]))
        #expect(!BasicAuth.constantTimeEqual([], [0]))
        #expect(BasicAuth.constantTimeEqual([], []))
    }

    @Test func htpasswd_takesBcryptAndSha512_skipsCommentsAndBlankLines() throws {
        let users = try BasicAuth.parseHtpasswd(
            "# c\n\nalice:$2y$05$abc\r\nbob:$6$salt$hash\neve:$2b$10$x\n",
            file: "f"
        )
        #expect(users == ["alice": .hashed("$2y$05$abc"), "bob": .hashed("$6$salt$hash"), "eve": .hashed("$2b$10$x")])
    }

    @Test(arguments: [
        ("a:$apr1$x$y\n", "f:1: unsupported hash for user 'a' (use htpasswd -B or openssl passwd -6)"),
        ("a:$6$s$h\nb:{SHA}abc=\n", "f:2: unsupported hash for user 'b' (use htpasswd -B or openssl passwd -6)"),
        ("a:$6$s$h\nb:plain\n", "f:2: unsupported hash for user 'b' (use htpasswd -B or openssl passwd -6)"),
        ("nocolon\n", "f:1: not USER:HASH"), (":$6$s$h\n", "f:1: not USER:HASH"),
    ])
    func htpasswd_unknownFormats_nameTheLine(_ text: String, _ message: String) {
        #expect(throws: BasicAuth.ConfigurationError(description: message)) {
            try BasicAuth.parseHtpasswd(text, file: "f")
        }
    }

    @Test func plainUser_splitsAtTheFirstColon() throws {
        let (user, secret) = try BasicAuth.plainUser("u:p:q")
        #expect(user == "u" && secret == .plain(Array("p:q".utf8)))
        #expect(throws: BasicAuth.ConfigurationError.self) { try BasicAuth.plainUser("nocolon") }
        #expect(throws: BasicAuth.ConfigurationError.self) { try BasicAuth.plainUser(":p") }
    }

    @Test func systemCrypt_verifiesBcryptAndSha512() throws {
        // Hashes made here with the salts libxcrypt wants; crypt(3) of the hash as setting reproduces it.
        for setting in ["$2b$05$abcdefghijklmnopqrstuu", "$6$saltsalt$"] {
            let hash = try #require(PasswordHash.crypt("pw", setting: setting))
            #expect(PasswordHash.crypt("pw", setting: hash) == hash)
            #expect(PasswordHash.crypt("px", setting: hash) != hash)
        }
        #expect(PasswordHash.crypt("pw", setting: "$apr1$x$") == nil)
    }
}
