import HTTPServer
import System
import TestSupport
import Testing

/// ``ServerLog`` is the one way the server reports: a test hands it closures and sees every message.
@Suite struct ServerLogTests {
    @Test func fileChangedWhileSent_warnsThroughTheLog_andLogsTheShortBody() throws {
        let site = TemporaryTree()
        try site.makeFile("big.bin", size: 8 << 20)
        let warnings = Shared<[String]>([])
        let lines = Shared<[String]>([])
        try withServer(
            root: site.path,
            {
                $0.sendBufferSize = 16384
                $0.log = ServerLog(
                    warning: { message in warnings.value.withLock { $0.append(message) } },
                    access: { line in lines.value.withLock { $0.append(line) } }
                )
            }
        ) { server in
            let client = try connectClient(server, receiveBuffer: 16384)
            defer { client.close() }
            try client.sendAll(Array("GET /big.bin HTTP/1.0\r\nUser-Agent: t\r\n\r\n".utf8))
            var received = 0
            while received < 1 << 20 { received += try client.receive(upTo: 65536).count }
            // Grow the file in place: a new size and mtime, so the sending stops at the next check (every
            // 4 MiB sent), short of the 8 MiB, and the connection is reset.
            let file = try OutputFile.open(FilePath(site.path + "/big.bin"), mode: .append)
            file.write("x")
            file.close()
            do {
                while try !client.receive(upTo: 65536).isEmpty {}
            } catch {
                // The reset: expected.
            }
            for _ in 0..<100 where lines.value.withLock({ $0.isEmpty }) { Threads.sleep(.milliseconds(50)) }
        }
        #expect(
            warnings.value.withLock { $0 } == ["/big.bin changed while being sent to 127.0.0.1; connection reset"]
        )
        let logged = lines.value.withLock { $0 }
        #expect(logged.count == 1)
        let fields = logged.first?.split(separator: "\"") ?? []
        #expect(fields.count >= 2 && fields[1] == "GET /big.bin HTTP/1.0")
        // Status 200, and fewer body bytes than the file had: the short body is on record.
        let numbers = fields.count >= 3 ? fields[2].split(separator: " ") : []
        #expect(numbers.first == "200")
        #expect(numbers.count == 2 && (Int(numbers[1]) ?? Int.max) < 8 << 20)
        #expect(logged.first?.hasSuffix("\"-\" \"t\"\n") == true)
    }
}
