import System

/// The progress bar drawn on standard error while a body goes to a file.
///
/// One line, redrawn in place with `\r` at most ten times a second: percent, a bar, bytes,
/// rate and ETA when the size is known; a spinner, bytes and rate when it is not.
final class ProgressMeter {
    private let start = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?
    private var frame = 0
    private var drawn = false
    private let columns: Int
    private let output: OutputFile

    init(output: OutputFile = .standardError, columns: Int? = nil) {
        self.output = output
        self.columns = max(40, columns ?? output.terminalColumns ?? 80)
    }

    /// Redraws if a tenth of a second has passed since the last frame.
    func update(received: Int64, total: Int64?) {
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        frame += 1
        draw(received: received, total: total, elapsed: now - start)
    }

    /// Draws the final frame and ends the line.
    func finish(received: Int64, total: Int64?) {
        draw(received: received, total: total, elapsed: ContinuousClock.now - start)
        output.write("\n")
    }

    /// Ends the line if something was drawn, so a following error message starts on its own line.
    func interrupt() {
        if drawn { output.write("\n") }
        drawn = false
    }

    private func draw(received: Int64, total: Int64?, elapsed: Duration) {
        let line = Self.render(received: received, total: total, elapsed: elapsed, columns: columns, frame: frame)
        output.write("\r" + line)
        drawn = true
    }

    /// One frame of the bar, exactly `columns - 1` characters wide (the last column stays free so the
    /// terminal never wraps).
    static func render(received: Int64, total: Int64?, elapsed: Duration, columns: Int, frame: Int) -> String {
        let seconds = max(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, 1e-3)
        let rate = Double(received) / seconds
        let rateText = formatBytes(Int64(rate)) + "/s"
        var text: String
        if let total, total > 0 {
            let fraction = min(1, Double(received) / Double(total))
            let percent = formatFixed(fraction * 100, decimals: 1) + "%"
            let eta: String
            if received >= total {
                eta = "    " + formatClock(seconds)
            } else if rate > 0 {
                eta = "ETA " + formatClock(Double(total - received) / rate)
            } else {
                eta = "ETA --:--"
            }
            let tail = " \(formatBytes(received)) \(rateText) \(eta)"
            let head = pad(percent, 6) + " ["
            let barWidth = max(0, columns - 1 - head.count - 1 - tail.count)
            let filled = Int(fraction * Double(barWidth))
            var bar = String(repeating: "#", count: filled)
            if filled < barWidth { bar += ">" + String(repeating: " ", count: barWidth - filled - 1) }
            text = head + bar + "]" + tail
        } else {
            let spinner = ["|", "/", "-", "\\"][frame % 4]
            text = "\(spinner) \(formatBytes(received)) \(rateText) \(formatClock(seconds))"
        }
        if text.count > columns - 1 { text = String(text.prefix(columns - 1)) }
        return text + String(repeating: " ", count: columns - 1 - text.count)
    }

    /// `999 B`, `12.3 KiB`, `4.56 MiB`, `1.20 GiB`.
    static func formatBytes(_ bytes: Int64) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB"]
        if bytes < 1024 { return "\(bytes) B" }
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        let decimals = value < 10 ? 2 : value < 100 ? 1 : 0
        return formatFixed(value, decimals: decimals) + " " + units[unit]
    }

    /// `m:ss`, or `h:mm:ss` past an hour.
    static func formatClock(_ seconds: Double) -> String {
        let total = Int(min(seconds, 359_999).rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }

    /// A decimal with a fixed number of places, without Foundation's `String(format:)`.
    static func formatFixed(_ value: Double, decimals: Int) -> String {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * Double(scale)).rounded())
        guard decimals > 0 else { return "\(scaled)" }
        let fraction = String(scaled % scale)
        return "\(scaled / scale)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
