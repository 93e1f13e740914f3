extension FuzzChecks {
    /// The check of the running fuzz executable, named after it: `fuzz-gzip-decoder` runs "gzip-decoder".
    public static let executableTarget: String = {
        let name = CommandLine.arguments.first?.split(separator: "/").last.map(String.init) ?? ""
        let target = name.hasPrefix("fuzz-") ? String(name.dropFirst(5)) : name
        precondition(all[target] != nil, "\(name) is not a fuzz-<target> executable")
        return target
    }()

    /// The `main` of every fuzz executable built without libFuzzer: replays the files (or folders) named on
    /// the command line through the executable's check.
    public static func replayMain() {
        replay(executableTarget, CommandLine.arguments.dropFirst())
    }
}

#if FUZZING
/// libFuzzer's entry point, shared by every fuzz executable (scripts/fuzz builds with -DFUZZING and
/// --sanitize=fuzzer, whose runtime brings its own `main`): runs the executable's check on one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzChecks.run(FuzzChecks.executableTarget, data, size)
}
#endif
