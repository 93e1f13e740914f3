import FuzzChecks

#if FUZZING
/// libFuzzer's entry point; the property checked is in `FuzzChecks`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzChecks.run("gzip-decoder", data, size)
}
#else
/// Without libFuzzer: replays the files named on the command line through the same check.
@main struct Replay {
    static func main() { FuzzChecks.replay("gzip-decoder", CommandLine.arguments.dropFirst()) }
}
#endif
