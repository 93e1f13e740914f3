extension HTTPDate {
    /// Formats `seconds` since the epoch as an ISO 8601 UTC timestamp, such as `2024-01-01T00:00:00Z`.
    public static func formatISO8601(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let paddedYear = year >= 0 && year < 1000 ? String(String(year + 10000).dropFirst()) : String(year)
        return "\(paddedYear)-\(two(month))-\(two(day))T"
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
