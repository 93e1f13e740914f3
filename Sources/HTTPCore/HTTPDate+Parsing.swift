extension HTTPDate {
    private static let shortWeekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let longWeekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Parses an HTTP-date in any of the three formats of RFC 9110 §5.6.7, into seconds since the epoch.
    ///
    /// - `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, the one to send),
    /// - `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850 form),
    /// - `Sun Nov  6 08:49:37 1994` (obsolete ANSI C `asctime()` form).
    ///
    /// Surrounding whitespace is ignored; anything else that deviates (an impossible day, hour 24,
    /// a zone other than GMT) makes the date invalid, and a caller must then ignore the field.
    /// - Parameters:
    ///   - text: the field value.
    ///   - now: the current time, to place the RFC 850 form's two-digit year: RFC 9110 §5.6.7 says a
    ///     date more than 50 years in the future means the most recent past year with those digits.
    /// - Returns: seconds since 1970-01-01 00:00:00 UTC, or `nil` if `text` is not an HTTP-date.
    public static func parse(_ text: String, now: Int64) -> Int64? {
        let bytes = Array(text.utf8.drop { $0 == ASCII.space || $0 == ASCII.tab })
        let trimmed = Array(bytes.reversed().drop { $0 == ASCII.space || $0 == ASCII.tab }.reversed())
        let fields = trimmed.split(separator: ASCII.space, omittingEmptySubsequences: true).map {
            String(decoding: $0, as: UTF8.self)
        }
        if fields.count == 6, fields[0].hasSuffix(","), shortWeekdays.contains(String(fields[0].dropLast())),
            fields[1].utf8.count == 2, fields[5] == "GMT"
        {
            // IMF-fixdate: day-name "," SP day SP month SP year SP time SP "GMT"
            guard fields[3].utf8.count == 4, let day = number(fields[1]), let year = number(fields[3]) else {
                return nil
            }
            return make(year: year, month: fields[2], day: day, time: fields[4])
        }
        if fields.count == 4, fields[0].hasSuffix(","), longWeekdays.contains(String(fields[0].dropLast())),
            fields[3] == "GMT"
        {
            // rfc850-date: day-name-l "," SP date2 SP time SP "GMT", date2 = day "-" month "-" 2DIGIT
            let parts = fields[1].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts[0].utf8.count == 2, parts[2].utf8.count == 2,
                let day = number(parts[0]), let twoDigits = number(parts[2])
            else { return nil }
            let thisYear = civil(fromDays: now >= 0 ? now / 86400 : (now - 86399) / 86400).0
            var year = thisYear - thisYear % 100 + twoDigits
            if year > thisYear + 50 { year -= 100 }
            return make(year: year, month: parts[1], day: day, time: fields[2])
        }
        if fields.count == 5, shortWeekdays.contains(fields[0]) {
            // asctime-date: day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time SP year
            guard (1...2).contains(fields[2].utf8.count), fields[4].utf8.count == 4, let day = number(fields[2]),
                let year = number(fields[4])
            else { return nil }
            return make(year: year, month: fields[1], day: day, time: fields[3])
        }
        return nil
    }

    private static func make(year: Int64, month monthName: String, day: Int64, time: String) -> Int64? {
        guard let monthIndex = months.firstIndex(of: monthName) else { return nil }
        let month = Int64(monthIndex + 1)
        let parts = time.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.utf8.count == 2 }), let hour = number(parts[0]),
            let minute = number(parts[1]), let second = number(parts[2])
        else { return nil }
        // RFC 9110 §5.6.7 allows second 60 (a leap second); it is read as the next second.
        guard hour < 24, minute < 60, second <= 60, day >= 1, day <= daysIn(month: month, year: year) else {
            return nil
        }
        return days(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// A non-negative decimal number made only of ASCII digits (no sign, no spaces), or nil.
    private static func number(_ text: some StringProtocol) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 9, text.utf8.allSatisfy(ASCII.isDigit) else { return nil }
        return text.utf8.reduce(0) { $0 * 10 + Int64($1 - 0x30) }
    }
}
