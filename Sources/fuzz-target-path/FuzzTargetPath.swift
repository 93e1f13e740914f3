import FuzzChecks

#if !FUZZING  // with -DFUZZING (scripts/fuzz), FuzzChecks has libFuzzer's entry point and libFuzzer brings `main`
@main enum Replay { static func main() { FuzzChecks.replayMain() } }
#endif
