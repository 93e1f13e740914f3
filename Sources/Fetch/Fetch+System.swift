import System

// The system types `http-fetch` uses, re-surfaced so that the command imports the Fetch library alone,
// never the system modules below it: the standard streams and output files, reading `-d @FILE` and
// `-d @-`, and ignoring SIGPIPE at start-up.

/// A descriptor written to: standard output, standard error, or a file created for writing.
public typealias OutputFile = System.OutputFile
/// A file opened for reading.
public typealias OpenFile = System.OpenFile
/// A file-system path as raw bytes.
public typealias FilePath = System.FilePath
/// Process-wide signal handling.
public typealias Signals = System.Signals
