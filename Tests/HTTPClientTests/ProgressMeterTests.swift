import Testing

@testable import Fetch

@Suite struct ProgressMeterTests {
    @Test func knownSize_showsPercentBarBytesRateAndETA() {
        let line = ProgressMeter.render(
            received: 512 * 1024,
            total: 1024 * 1024,
            elapsed: .seconds(1),
            columns: 80,
            frame: 0
        )
        #expect(line.count == 79)
        #expect(line.hasPrefix(" 50.0% [####"))
        #expect(line.contains("] 512 KiB 512 KiB/s ETA 0:01"))
    }

    @Test func unknownSize_showsSpinner() {
        let line = ProgressMeter.render(received: 3_000_000, total: nil, elapsed: .seconds(2), columns: 60, frame: 1)
        #expect(line.hasPrefix("/ 2.86 MiB 1.43 MiB/s 0:02"))
        #expect(line.count == 59)
    }

    @Test func narrowTerminal_neverWraps() {
        let line = ProgressMeter.render(received: 1, total: 10, elapsed: .seconds(3600), columns: 40, frame: 0)
        #expect(line.count == 39)
    }

    @Test(arguments: [
        (Int64(0), "0 B"), (Int64(1023), "1023 B"), (1024, "1.00 KiB"), (1_572_864, "1.50 MiB"),
        (Int64(10) * 1_073_741_824, "10.0 GiB"),
    ])
    func formatBytes(bytes: Int64, text: String) {
        #expect(ProgressMeter.formatBytes(bytes) == text)
    }

    @Test func formatClock() {
        #expect(ProgressMeter.formatClock(5) == "0:05")
        #expect(ProgressMeter.formatClock(3725) == "1:02:05")
    }
}
