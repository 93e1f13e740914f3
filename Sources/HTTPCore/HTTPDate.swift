/// An HTTP date, one-second precision, sent as IMF-fixdate such as `Sun, 06 Nov 1994 08:49:37 GMT`
/// (RFC 9110 §5.6.7); a typed value for fields like `Last-Modified`.
///
/// Pure calendar arithmetic on seconds since the epoch (UTC), so the hot path needs neither
/// Foundation nor the C library's time zone machinery.
public struct HTTPDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01 00:00:00 UTC.
    public var secondsSinceEpoch: Int64

    /// The date `secondsSinceEpoch` seconds after 1970-01-01 00:00:00 UTC.
    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// The IMF-fixdate, as sent in a field.
    public var description: String { Self.format(secondsSinceEpoch) }

    public static func < (lhs: HTTPDate, rhs: HTTPDate) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    private static let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  // 1970-01-01 was a Thursday.
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Formats `seconds` since the epoch as an IMF-fixdate.
    public static func format(_ seconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        append(seconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the IMF-fixdate to `bytes`, as a response head is written: no `String` on the way.
    public func append(to bytes: inout [UInt8]) { Self.append(secondsSinceEpoch, to: &bytes) }

    /// The most bytes ``write(to:)`` writes: 29 for any year of four digits, more for far ones.
    public static let byteCapacity = 46

    /// Writes the IMF-fixdate, at most ``byteCapacity`` bytes.
    public func write(to writer: inout ByteWriter) { Self.write(secondsSinceEpoch, to: &writer) }

    static func append(_ seconds: Int64, to bytes: inout [UInt8]) {
        bytes.appendWriting(atMost: byteCapacity) { write(seconds, to: &$0) }
    }

    /// Stores `value` (below 100) as two decimal digits at `out`.
    @inline(__always)
    private static func storeTwoDigits(_ value: Int64, at out: UnsafeMutablePointer<UInt8>) {
        out[0] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10)
        out[1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
    }

    private static let weekdayBytes = weekdays.map { Array($0.utf8) }
    private static let monthBytes = months.map { Array($0.utf8) }

    static func write(_ seconds: Int64, to writer: inout ByteWriter) {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - days * 86400
        let (year, month, day) = civil(fromDays: days)
        if year >= 1000 && year <= 9999 {
            // The common date, 29 bytes of known places: stored straight, one room check (callgrind, 2026-12-07).
            let out = writer.claim(29)
            let weekday = Int(((days % 7) + 7) % 7) * 3
            // `weekdays` and `months` run together, three bytes each.
            let names = ("ThuFriSatSunMonTueWed" as StaticString).utf8Start
            let monthNames = ("JanFebMarAprMayJunJulAugSepOctNovDec" as StaticString).utf8Start
            let monthIndex = (Int(month) - 1) * 3
            out[0] = names[weekday]
            out[1] = names[weekday + 1]
            out[2] = names[weekday + 2]
            out[3] = UInt8(ascii: ",")
            out[4] = ASCII.space
            storeTwoDigits(day, at: out + 5)
            out[7] = ASCII.space
            out[8] = monthNames[monthIndex]
            out[9] = monthNames[monthIndex + 1]
            out[10] = monthNames[monthIndex + 2]
            out[11] = ASCII.space
            storeTwoDigits(year / 100, at: out + 12)
            storeTwoDigits(year % 100, at: out + 14)
            out[16] = ASCII.space
            storeTwoDigits(secondOfDay / 3600, at: out + 17)
            out[19] = ASCII.colon
            storeTwoDigits(secondOfDay / 60 % 60, at: out + 20)
            out[22] = ASCII.colon
            storeTwoDigits(secondOfDay % 60, at: out + 23)
            out[25] = ASCII.space
            out[26] = UInt8(ascii: "G")
            out[27] = UInt8(ascii: "M")
            out[28] = UInt8(ascii: "T")
            return
        }
        writer.write(weekdayBytes[Int(((days % 7) + 7) % 7)])
        writer.write(", ")
        writer.writeTwoDigits(day)
        writer.write(ASCII.space)
        writer.write(monthBytes[Int(month) - 1])
        writer.write(ASCII.space)
        if year >= 1000 && year <= 9999 {
            writer.writeTwoDigits(year / 100)
            writer.writeTwoDigits(year % 100)
        } else {
            writer.writeDecimal(year)
        }
        writer.write(ASCII.space)
        writer.writeTwoDigits(secondOfDay / 3600)
        writer.write(ASCII.colon)
        writer.writeTwoDigits(secondOfDay / 60 % 60)
        writer.write(ASCII.colon)
        writer.writeTwoDigits(secondOfDay % 60)
        writer.write(" GMT")
    }

    /// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's `civil_from_days`.
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// (year, month, day) to days since 1970-01-01, after Howard Hinnant's `days_from_civil`.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
