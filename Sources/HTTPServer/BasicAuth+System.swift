import System

extension BasicAuth {
    /// The table for `http-serve --auth USER:PASSWORD` and `--auth-file FILE`, checking hashes with the
    /// system's crypt(3) (``PasswordHash/crypt(_:setting:)``); `nil` when neither is given.
    ///
    /// A `--auth` user replaces an entry of the same name from the file.
    /// - Parameters:
    ///   - plainUser: the `USER:PASSWORD` argument, if any.
    ///   - htpasswdFile: the path of an htpasswd file, if any (``parseHtpasswd(_:file:)``).
    ///   - realm: the realm to name in the challenge; `nil` picks the host name, or `http-serve`.
    /// - Throws: ``ConfigurationError`` naming the file (`--auth-file 'FILE': open: ...`) or the bad line.
    public static func make(
        plainUser: String?,
        htpasswdFile: String?,
        realm: String?
    ) throws(ConfigurationError)
        -> BasicAuth?
    {
        guard plainUser != nil || htpasswdFile != nil else { return nil }
        var users: [String: Secret] = [:]
        if let htpasswdFile {
            let text: String
            do {
                let file = try OpenFile.open(FilePath(htpasswdFile))
                defer { file.close() }
                text = String(decoding: try file.readAll(), as: UTF8.self)
            } catch {
                throw ConfigurationError(description: "--auth-file '\(htpasswdFile)': \(error)")
            }
            users = try parseHtpasswd(text, file: htpasswdFile)
        }
        if let plainUser {
            let (user, secret) = try Self.plainUser(plainUser)
            users[user] = secret
        }
        return BasicAuth(
            realm: realm ?? PasswordHash.hostName() ?? "http-serve",
            users: users,
            crypt: { PasswordHash.crypt($0, setting: $1) }
        )
    }
}
