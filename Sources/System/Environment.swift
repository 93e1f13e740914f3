#if canImport(Glibc)
import Glibc
#endif

/// The process environment.
public enum Environment {
    /// The value of the environment variable `name`, or `nil` when it is not set.
    ///
    /// The corresponding C function is `getenv(3)`.
    public static func value(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        return String(cString: value)
    }
}
