import FuzzChecks
import Testing

/// The seed corpus and every saved finding, run through the fuzz targets' checks on each `swift test`:
/// a crash the fuzzer once found stays a regression test.
let corpusRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)  // FuzzChecksTests/FuzzCorpusTests.swift
    return parts.joined(separator: "/") + "/FuzzCorpus"
}()

@Suite struct FuzzCorpusTests {
    @Test(arguments: ["request-parser", "target-path", "response-parser", "gzip-decoder"])
    func corpus_passesCheck(target: String) throws {
        let inputs = FuzzChecks.inputs([corpusRoot + "/" + target])
        #expect(inputs.count >= 5, "seed corpus for \(target) is missing")
        let check = try #require(FuzzChecks.all[target])
        for input in inputs { check(input) }
    }

    @Test func oracle_agreesOnKnownTargets() {
        // A few hand-picked cases, so the oracle itself is tested, not only compared.
        FuzzChecks.targetPath(Array("/a/../b".utf8))
        FuzzChecks.targetPath(Array("/%2e%2e/".utf8))
        FuzzChecks.targetPath(Array("http://h/x/./y/".utf8))
        FuzzChecks.requestParser(Array("GET / HTTP/1.0\r\nHost: a\r\n\r\n".utf8))
        FuzzChecks.responseParser(Array("HTTP/1.0 200 OK\r\n\r\n".utf8))
    }
}
