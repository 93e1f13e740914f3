import CZlib

/// A failure of the gzip encoder or decoder: zlib's return code and message.
///
/// Compare against the static values (`catch let error as GzipError where error == .corruptData`); equality
/// looks only at the kind, so it holds whatever zlib's message says. The description gives both, for
/// example `gzip: corrupt data: invalid block type (zlib code -3)`.
public struct GzipError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case corruptData
        case truncated
        case outOfMemory
        case outputLimitExceeded
        case invalidLevel
        case versionMismatch
        case internalError
    }

    private let kind: Kind
    /// zlib's return code (`Z_DATA_ERROR` is -3, `Z_MEM_ERROR` -4, ...); 0 for errors zlib did not report.
    public let code: Int32
    /// zlib's message for this stream (`strm.msg`), or a fixed one for errors zlib did not report.
    public let message: String

    private init(_ kind: Kind, code: Int32, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    /// The input is not gzip data, or is damaged: bad header, bad block, wrong CRC-32 or length (`Z_DATA_ERROR`).
    public static let corruptData = GzipError(.corruptData, code: Z_DATA_ERROR, message: "invalid gzip data")
    /// The input ended inside a gzip member: its end or its trailer is missing (RFC 1952 §2.2).
    public static let truncated = GzipError(.truncated, code: Z_BUF_ERROR, message: "unexpected end of gzip data")
    /// zlib could not allocate its state (`Z_MEM_ERROR`).
    public static let outOfMemory = GzipError(.outOfMemory, code: Z_MEM_ERROR, message: "out of memory")
    /// A one-shot decode produced more bytes than the caller allowed.
    public static let outputLimitExceeded = GzipError(
        .outputLimitExceeded,
        code: 0,
        message: "decoded data larger than the limit"
    )
    /// A compression level outside 0...9.
    public static let invalidLevel = GzipError(.invalidLevel, code: Z_STREAM_ERROR, message: "level must be 0-9")
    /// The zlib library linked at run time is incompatible with the header we compiled against (`Z_VERSION_ERROR`).
    public static let versionMismatch = GzipError(
        .versionMismatch,
        code: Z_VERSION_ERROR,
        message: "incompatible zlib version"
    )
    /// zlib reported an inconsistent stream state (`Z_STREAM_ERROR`): a bug in this module.
    public static let internalError = GzipError(.internalError, code: Z_STREAM_ERROR, message: "zlib stream error")

    /// The error for a zlib return code, carrying zlib's own message when it gave one.
    static func make(code: Int32, message: UnsafePointer<CChar>?) -> GzipError {
        let base: GzipError
        switch code {
        case Z_DATA_ERROR, Z_NEED_DICT: base = .corruptData
        case Z_MEM_ERROR: base = .outOfMemory
        case Z_VERSION_ERROR: base = .versionMismatch
        case Z_BUF_ERROR: base = .truncated
        default: base = .internalError
        }
        let text = message.map { String(cString: $0) } ?? base.message
        return GzipError(base.kind, code: code, message: text)
    }

    public static func == (lhs: GzipError, rhs: GzipError) -> Bool { lhs.kind == rhs.kind }

    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    public var description: String {
        let what: String
        switch kind {
        case .corruptData: what = "corrupt data"
        case .truncated: what = "truncated data"
        case .outOfMemory: what = "out of memory"
        case .outputLimitExceeded: what = "output limit exceeded"
        case .invalidLevel: what = "invalid level"
        case .versionMismatch: what = "zlib version mismatch"
        case .internalError: what = "internal error"
        }
        return "gzip: \(what): \(message) (zlib code \(code))"
    }
}
