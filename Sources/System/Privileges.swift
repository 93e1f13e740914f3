import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// Giving up root once the work that needs it is done (binding a port below 1024, opening the log,
/// reading the TLS key), the way darkhttpd's `--uid`/`--gid` and nginx's `user` directive do.
public enum Privileges {
    /// The user and group to run as, looked up before anything is given up.
    public struct Account: Sendable, Equatable, CustomStringConvertible {
        public let user: String
        public let uid: UInt32
        public let group: String
        public let gid: UInt32

        public var description: String { "\(user) (uid \(uid)), group \(group) (gid \(gid))" }
    }

    /// Why the account cannot be found or the drop did not happen; one line for a person.
    public struct DropError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Whether the process runs with root's effective user id, the only one that can switch users.
    public static var isRoot: Bool { geteuid() == 0 }

    /// Looks `user` up in the password database (a name, or a number as darkhttpd also accepts), and
    /// `group` in the group database; without `group`, the user's primary group.
    public static func lookUp(user: String, group: String? = nil) throws(DropError) -> Account {
        guard let (name, uid, primaryGID) = passwordEntry(user) else {
            throw DropError("--user '\(user)': no such user")
        }
        guard let group else {
            return Account(user: name, uid: uid, group: groupName(primaryGID) ?? String(primaryGID), gid: primaryGID)
        }
        guard let (groupName, gid) = groupEntry(group) else { throw DropError("--group '\(group)': no such group") }
        return Account(user: name, uid: uid, group: groupName, gid: gid)
    }

    /// Becomes `account` for good: `setgroups(2)` to the one group (no supplementary groups left from root),
    /// then `setgid(2)`, then `setuid(2)`. The order matters: once the user id is not 0, the group calls are
    /// no longer permitted. Afterwards it checks that every id changed and that `setuid(0)` fails, so a
    /// saved set-user-id of 0 cannot hand root back; any failure throws and the caller must not go on.
    ///
    /// Call it before starting threads: glibc applies set*id to every thread of the process, but a
    /// single-threaded process leaves no doubt.
    public static func drop(to account: Account) throws(DropError) {
        var groups: [gid_t] = [account.gid]
        guard setgroups(1, &groups) == 0 else { throw failure("setgroups") }
        guard setgid(account.gid) == 0 else { throw failure("setgid") }
        guard setuid(account.uid) == 0 else { throw failure("setuid") }
        guard getuid() == account.uid, geteuid() == account.uid, getgid() == account.gid,
            getegid() == account.gid
        else { throw DropError("the user and group ids did not all change to \(account)") }
        // POSIX setuid(2): as root it sets the real, effective and saved ids alike; if it had kept a saved id
        // of 0 this would succeed, and the drop would be undone by any code that calls it.
        if account.uid != 0 && setuid(0) == 0 { throw DropError("root could be regained after dropping to \(account)") }
    }

    /// Makes `path` the process's root folder and its working folder (`chroot(2)`, then `chdir("/")`, without
    /// which the working folder would still be outside). Needs root; call it before ``drop(to:)``, since a
    /// process that stays root can leave a chroot.
    public static func changeRoot(to path: FilePath) throws(DropError) {
        guard path.withCString({ chroot($0) }) == 0 else {
            throw DropError("--chroot '\(path)': \(SystemError(call: "chroot", errno: Glibc.errno))")
        }
        guard chdir("/") == 0 else { throw failure("chdir") }
    }

    private static func failure(_ call: String) -> DropError {
        DropError("cannot drop privileges: \(SystemError(call: call, errno: Glibc.errno))")
    }

    /// getpwnam_r(3), then getpwuid_r(3) for a number.
    private static func passwordEntry(_ user: String) -> (String, UInt32, UInt32)? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        if getpwnam_r(user, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return (String(cString: entry.pw_name), entry.pw_uid, entry.pw_gid)
        }
        if let uid = UInt32(user), getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return (String(cString: entry.pw_name), entry.pw_uid, entry.pw_gid)
        }
        return nil
    }

    /// getgrnam_r(3), then getgrgid_r(3) for a number.
    private static func groupEntry(_ group: String) -> (String, UInt32)? {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        if getgrnam_r(group, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return (String(cString: entry.gr_name), entry.gr_gid)
        }
        if let gid = UInt32(group), getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil {
            return (String(cString: entry.gr_name), entry.gr_gid)
        }
        return nil
    }

    private static func groupName(_ gid: UInt32) -> String? {
        groupEntry(String(gid))?.0
    }
}
