import Gzip
import HTTPCore
import System

/// The properties the fuzz targets check. Each check traps (`precondition`) on a violation, which is
/// what libFuzzer reports as a finding; the unit tests run the saved corpus through the same checks.
public enum FuzzChecks {
    /// The named checks, one per fuzz target.
    public static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "request-parser": requestParser,
        "target-path": targetPath,
        "response-parser": responseParser,
        "gzip-decoder": gzipDecoder,
    ]

    enum Outcome: Equatable {
        case incomplete
        case request(HTTPRequest, Int)
        case error(Int)
    }

    static func outcome(_ bytes: ArraySlice<UInt8>) -> Outcome {
        do {
            guard let (request, length) = try HTTPRequestParser().parse(Array(bytes)) else { return .incomplete }
            return .request(request, length)
        } catch {
            return .error(error.status.code)
        }
    }

    /// Any bytes, whole and split at a point taken from the data: the parser returns "incomplete",
    /// a request whose head fits in the bytes, or an error carrying one of the statuses it documents;
    /// and what a prefix already decided, the whole input decides the same way.
    public static func requestParser(_ bytes: [UInt8]) {
        let whole = outcome(bytes[...])
        switch whole {
        case .incomplete: break
        case .request(_, let length): precondition(length > 0 && length <= bytes.count, "head length out of range")
        case .error(let status): precondition([400, 414, 431, 505].contains(status), "unexpected status \(status)")
        }
        guard let first = bytes.first else { return }
        let split = Int(first) * bytes.count / 256
        switch outcome(bytes[..<split]) {
        case .incomplete: break
        case .request(let request, let length):
            precondition(whole == .request(request, length), "a complete head changed when more bytes arrived")
        case .error(let status):
            precondition(whole == .error(status), "an error on a prefix was not an error on the whole input")
        }
    }

    /// Any bytes as a request target: either a refusal, or segments that can only name something
    /// below the root. The oracle is RFC 3986 §5.2.4's remove_dot_segments run below a sentinel folder:
    /// a different algorithm from `TargetPath`'s stack, which must agree with it.
    public static func targetPath(_ bytes: [UInt8]) {
        let target = String(latin1: bytes)
        let path = try? TargetPath(target: target)
        let oracle = oracleResolve(bytes)
        guard let path else { return }
        for segment in path.segments {
            precondition(!segment.isEmpty && segment != [0x2E] && segment != [0x2E, 0x2E], "dot or empty segment")
            precondition(!segment.contains(0x2F) && !segment.contains(0), "slash or NUL inside a segment")
        }
        guard let oracle else { preconditionFailure("TargetPath accepted what the oracle refuses") }
        precondition(oracle == path.segments, "TargetPath and the oracle disagree")
    }

    /// Independent resolution: strip the absolute form, query and fragment; percent-decode; collapse
    /// repeated slashes; then remove_dot_segments on "/ROOT" + path. `nil` if the result leaves /ROOT.
    static func oracleResolve(_ raw: [UInt8]) -> [[UInt8]]? {
        var bytes = raw[...]
        let lower = raw.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        for scheme in ["http://", "https://"] where lower.starts(with: Array(scheme.utf8)) {
            bytes = bytes.dropFirst(scheme.utf8.count)
            if let slash = bytes.firstIndex(of: 0x2F) { bytes = bytes[slash...] } else { bytes = [0x2F] }
        }
        if let hash = bytes.firstIndex(of: 0x23) { bytes = bytes[..<hash] }
        if let mark = bytes.firstIndex(of: 0x3F) { bytes = bytes[..<mark] }
        var decoded: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x25 {
                guard index + 2 < bytes.endIndex, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]),
                    high << 4 | low != 0
                else { return nil }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        guard decoded.first == 0x2F else { return nil }
        var collapsed: [UInt8] = []
        for byte in decoded where !(byte == 0x2F && collapsed.last == 0x2F) { collapsed.append(byte) }
        let sentinel = Array("/ROOT".utf8)
        var input = sentinel + collapsed
        var output: [UInt8] = []
        // RFC 3986 §5.2.4, step 2, on bytes.
        while !input.isEmpty {
            if input.starts(with: Array("../".utf8)) {
                input.removeFirst(3)
            } else if input.starts(with: Array("./".utf8)) {
                input.removeFirst(2)
            } else if input.starts(with: Array("/./".utf8)) {
                input.removeFirst(2)
            } else if input == Array("/.".utf8) {
                input = [0x2F]
            } else if input.starts(with: Array("/../".utf8)) || input == Array("/..".utf8) {
                input = input.count == 3 ? [0x2F] : Array(input.dropFirst(3))
                if let last = output.lastIndex(of: 0x2F) { output.removeSubrange(last...) } else { output = [] }
            } else if input == Array(".".utf8) || input == Array("..".utf8) {
                input = []
            } else {
                let start = input.first == 0x2F ? 1 : 0
                let end = input[start...].firstIndex(of: 0x2F) ?? input.count
                output += input[..<end]
                input.removeFirst(end)
            }
        }
        guard output.starts(with: sentinel), output.count == sentinel.count || output[sentinel.count] == 0x2F else {
            return nil
        }
        return output.dropFirst(sentinel.count).split(separator: 0x2F).map(Array.init)
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// Any bytes as gzip data: a clean ``GzipError`` or some output, never a trap or unbounded memory
    /// (output past 8 MiB is refused, as `--max-filesize` would). Fed whole and in two pieces split at a
    /// point taken from the data, the decoder gives the same bytes and the same verdict. And the bytes
    /// themselves, compressed by ``GzipEncoder`` and decompressed again, come back unchanged.
    public static func gzipDecoder(_ bytes: [UInt8]) {
        let limit = 8 << 20
        func decode(_ pieces: [ArraySlice<UInt8>]) -> Result<[UInt8], GzipError> {
            Result { () throws(GzipError) -> [UInt8] in try GzipDecoder.decompress(pieces: pieces, limit: limit) }
        }
        let whole = decode([bytes[...]])
        let split = bytes.first.map { Int($0) * bytes.count / 256 } ?? 0
        let pieces = decode([bytes[..<split], bytes[split...]])
        switch (whole, pieces) {
        case (.success(let a), .success(let b)): precondition(a == b, "split input decoded differently")
        case (.failure, .failure): break
        default: precondition(false, "split input changed the verdict: \(whole) vs \(pieces)")
        }
        let level = Int(bytes.last ?? 6) % 10
        guard let packed = try? GzipEncoder.compress(bytes, level: level) else {
            preconditionFailure("compress failed")
        }
        precondition((try? GzipDecoder.decompress(packed)) == bytes, "round trip changed the bytes")
    }

    /// Any bytes as a server's reply: a head within the bytes, "incomplete", or a `Failure`; never a trap.
    public static func responseParser(_ bytes: [UInt8]) {
        let parser = HTTPResponseParser(maxHeadBytes: 4096)
        guard let (head, length) = try? parser.parse(bytes) else { return }
        precondition(length > 0 && length <= bytes.count, "head length out of range")
        precondition((100...999).contains(head.status.code), "status code out of range")
    }
}

extension FuzzChecks {
    /// Runs the check named `target` on libFuzzer's input.
    public static func run(_ target: String, _ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        all[target]!(bytes)
        return 0
    }
}

extension FuzzChecks {
    /// Runs the check named `target` on every file named in `paths` (folders: every file inside).
    /// A violated property traps, like a fuzzer finding; otherwise prints how many inputs passed.
    public static func replay(_ target: String, _ paths: some Sequence<String>) {
        guard let check = all[target] else { preconditionFailure("unknown fuzz target \(target)") }
        var count = 0
        for input in inputs(paths) {
            check(input)
            count += 1
        }
        OutputFile.standardOutput.write("\(target): replayed \(count) inputs\n")
    }

    /// The contents of every file in `paths`, descending one level into folders.
    public static func inputs(_ paths: some Sequence<String>) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for path in paths {
            let filePath = FilePath(path)
            if let status = try? FileSystem.status(of: filePath), status.kind == .directory {
                let entries = (try? FileSystem.contentsOfDirectory(filePath)) ?? []
                for entry in entries.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) })
                where entry.status?.kind == .regular {
                    if let bytes = try? OpenFile.open(filePath.appending(entry.name)).readAll() { result.append(bytes) }
                }
            } else if let bytes = try? OpenFile.open(filePath).readAll() {
                result.append(bytes)
            }
        }
        return result
    }
}
