import CSystem

#if canImport(Glibc)
import Glibc
#endif

/// Process resource limits.
public enum ResourceLimits {
    /// Raises the soft limit on open descriptors to `wanted` where the hard limit allows.
    ///
    /// - Returns: the soft limit in force afterwards (which may be below `wanted`).
    /// - Throws: ``SystemError`` when the limit cannot be read or set.
    ///
    /// The corresponding C functions are `getrlimit(2)` and `setrlimit(2)` with `RLIMIT_NOFILE`.
    public static func raiseOpenFileLimit(to wanted: Int) throws(SystemError) -> Int {
        let result = csystem_raise_nofile_limit(UInt64(max(0, wanted)))
        if result < 0 { throw SystemError(call: "setrlimit(RLIMIT_NOFILE)", errno: errno) }
        return Int(clamping: result)
    }
}
