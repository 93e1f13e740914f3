import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// The system's password hashing, crypt(3) from libxcrypt: bcrypt (`$2y$`, `$2b$`) and sha512-crypt (`$6$`).
public enum PasswordHash {
    /// `password` hashed with the method and salt that `setting` (a full hash, or just its prefix) names;
    /// `nil` when libxcrypt does not know the method.
    public static func crypt(_ password: String, setting: String) -> String? {
        var output = [CChar](repeating: 0, count: 512)
        let status = output.withUnsafeMutableBufferPointer { buffer in
            csystem_crypt(password, setting, buffer.baseAddress, buffer.count)
        }
        guard status == 0 else { return nil }
        return String(cString: output)
    }

    /// The machine's host name (gethostname(2)), or `nil` if it cannot be read.
    public static func hostName() -> String? {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return nil }
        return String(cString: name)
    }
}
