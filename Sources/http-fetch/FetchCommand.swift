import ArgumentParser
import HTTPClient
import HTTPCore
import Sockets

@main
struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "http-fetch",
        abstract: "Fetch a URL over HTTP/1.0 and write the body.",
        discussion: """
            Sends the request, half-closes with shutdown(SHUT_WR), and reads the response until EOF.

            Examples:
              http-fetch http://127.0.0.1:8080/            print the body
              http-fetch -i http://127.0.0.1:8080/          print the status line and headers too
              http-fetch -o page.html http://example.test/  save the body to page.html
            """,
        version: http10ClientVersion
    )

    @Argument(help: "The http:// URL to fetch.") var url: String
    @Flag(
        name: [.customShort("i"), .customLong("include")],
        help: "Print the status line and headers before the body."
    )
    var include = false
    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the body to this file instead of stdout.")
    var output: String?
    @Flag(name: [.customShort("s"), .customLong("silent")], help: "Print no error messages.") var silent = false
    @Flag(help: "Keep the write side open after the request (no shutdown(SHUT_WR)).") var noHalfClose = false

    func run() throws {
        Signals.ignoreBrokenPipe()
        do {
            try fetch()
        } catch {
            if !silent { OutputFile.standardError.write("http-fetch: \(error.message)\n") }
            throw ExitCode(error.exitCode)
        }
    }

    private func fetch() throws(FetchError) {
        let target = try HTTPURL(parsing: url)
        var options = ClientOptions()
        options.halfClose = !noHalfClose
        let destination: OutputFile
        if let output {
            do {
                destination = try OutputFile.open(FilePath(output), mode: .truncate)
            } catch {
                throw .writeFailed("\(output): \(error)")
            }
        } else {
            destination = .standardOutput
        }
        defer { destination.close() }
        _ = try Client(options: options).fetch(
            FetchRequest(url: target),
            onHead: { head in if include { try destination.writeAll(head.serialized()) } },
            onBody: { try destination.writeAll($0) }
        )
    }
}
