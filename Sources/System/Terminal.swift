#if canImport(Glibc)
import Glibc
#endif

/// The controlling terminal's properties, for progress output.
public enum Terminal {
    /// The width in columns of the terminal on `descriptor`, or `nil` if it is not a terminal.
    ///
    /// The corresponding C call is `ioctl(2)` with `TIOCGWINSZ`.
    public static func columns(of descriptor: Int32) -> Int? {
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Whether `descriptor` is a terminal.
    ///
    /// The corresponding C function is `isatty(3)`.
    public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }
}
