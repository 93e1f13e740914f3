#if canImport(Glibc)
import Glibc
#endif

/// Terminal properties of a raw descriptor. Prefer ``OutputFile/isTerminal`` and ``OutputFile/terminalColumns``,
/// which never hand out a descriptor.
public enum Terminal {
    /// The width in columns of the terminal on `descriptor`, or `nil` if it is not a terminal.
    ///
    /// The corresponding C call is `ioctl(2)` with `TIOCGWINSZ`.
    public static func columns(of descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
