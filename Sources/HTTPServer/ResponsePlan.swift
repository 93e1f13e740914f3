import HTTPCore
import System

/// What the server will answer to one request: the status, the fields, the validators, and where the
/// body comes from.
///
/// The plan is the seam between "what" (``StaticFileHandler``, pure decisions over the request
/// and the file system) and "how" (the engine that moves the bytes). Validators are typed values, not
/// header strings: the conditional code compares them as they are, and ``head`` is the one place
/// they become fields.
public struct ResponsePlan: Sendable {
    /// Where the body's bytes come from.
    public enum Body: Sendable {
        /// No body: HEAD, 304, or a body-less status.
        case none
        /// Bytes held in memory: error pages, listings, small generated content.
        case bytes([UInt8])
        /// `length` bytes of an open file from `offset`.
        case file(OpenFile, offset: Int64, length: Int64)
        /// A `multipart/byteranges` body (RFC 9110 §14.6) over an open file: literal bytes (the boundaries
        /// and part heads) and slices of the file, sent in order; the slices go out with `sendfile` too.
        case parts(OpenFile, [Part])
        /// The gzip coding of an open file whose status when opened is the `FileStatus`, made as it is sent (a
        /// cache miss): no `Content-Length` in the head, so the close ends the body (RFC 1945 §7.2.2, RFC 9112
        /// §6.3), as nginx sends gzip. The engine compresses it off the event loop (``GzipFlight``).
        case gzip(OpenFile, FileStatus)
        /// The whole plan is made later, off the event loop (a folder listing): the status and fields of a plan
        /// with this body mean nothing; the engine runs ``LaterPlan/make`` on a background thread and sends its result.
        case later(LaterPlan)
    }

    /// The work that makes a plan whose body is ``Body/later(_:)``.
    public struct LaterPlan: Sendable {
        /// Makes the plan: file-system work that may take long (reading a large folder).
        public let make: @Sendable () -> ResponsePlan
    }

    /// A plan that ``LaterPlan/make`` makes when it runs.
    static func later(_ make: @escaping @Sendable () -> ResponsePlan) -> ResponsePlan {
        ResponsePlan(status: .ok, fields: HTTPHeaders(), body: .later(LaterPlan(make: make)))
    }

    /// One piece of a ``Body/parts(_:_:)`` body.
    public enum Part: Sendable, Equatable {
        /// Bytes sent as they are.
        case bytes([UInt8])
        /// `length` bytes of the body's file from `offset`.
        case file(offset: Int64, length: Int64)

        /// The number of bytes this part sends.
        public var length: Int64 {
            switch self {
            case .bytes(let bytes): return Int64(bytes.count)
            case .file(_, let length): return length
            }
        }
    }

    /// The status.
    public var status: HTTPStatus
    /// The header fields other than the validators, in the order they are sent.
    public var fields: HTTPHeaders {
        get { fileFields?.headers ?? storedFields }
        set {
            fileFields = nil
            storedFields = newValue
        }
        _modify {
            if let fileFields {
                storedFields = fileFields.headers
                self.fileFields = nil
            }
            yield &storedFields
        }
    }
    /// ``fields`` when they are not ``fileFields``.
    private var storedFields: HTTPHeaders
    /// A file's 200 fields, kept typed until something other than its `Vary` changes them: ``fields`` then
    /// makes them an ``HTTPHeaders``, and until then ``serializeHead(into:)`` writes them with no array at all
    /// (the common answer allocates nothing for its head).
    var fileFields: FileFields?

    /// The fields of a file's 200 (``forEachField(_:)`` lists them). Equatable: part of the key a loop keeps a
    /// written head by (``ResponseHeadCache``).
    struct FileFields: Sendable, Equatable {
        var date: String
        var server: String
        var type: String
        var length: Int64
        var varyAcceptEncoding = false

        /// One field's value, or the place of the validators.
        enum Value {
            /// A value written in ISO-8859-1, as a head holds it.
            case text(String)
            case decimal(Int64)
            case literal(StaticString)
            /// `Last-Modified` and `ETag` go here (the name is empty): after the representation's type and
            /// length, before what the server offers for it.
            case validators
        }

        /// Calls `body` with each field in the order sent: the one list that ``headers``, ``byteCapacity`` and
        /// ``write(to:validators:)`` read.
        @inline(__always)
        func forEachField(_ body: (_ name: StaticString, _ value: Value) -> Void) {
            body("Date", .text(date))
            body("Server", .text(server))
            body("Connection", .literal("close"))
            body("Content-Type", .text(type))
            body("Content-Length", .decimal(length))
            body("", .validators)
            body("Accept-Ranges", .literal("bytes"))
            if varyAcceptEncoding { body("Vary", .literal("Accept-Encoding")) }
        }

        /// The same fields as an ``HTTPHeaders`` (without the validators, which ``head`` places).
        var headers: HTTPHeaders {
            var headers = HTTPHeaders()
            headers.reserveCapacity(12)  // Room for a variant's and a range's fields, and configured ones.
            forEachField { name, value in
                switch value {
                case .text(let text): headers.add(name: name.description, value: text)
                case .decimal(let number): headers.add(name: name.description, value: String(number))
                case .literal(let literal): headers.add(name: name.description, value: literal.description)
                case .validators: break
                }
            }
            return headers
        }

        /// The most bytes ``write(to:validators:)`` writes, the validators' own not counted.
        var byteCapacity: Int {
            var capacity = 0
            forEachField { name, value in
                switch value {
                case .text(let text): capacity += name.utf8CodeUnitCount + 4 + text.utf8.count
                case .decimal: capacity += name.utf8CodeUnitCount + 4 + 20
                case .literal(let literal): capacity += name.utf8CodeUnitCount + 4 + literal.utf8CodeUnitCount
                case .validators: break
                }
            }
            return capacity
        }

        /// Writes the fields, and `validators` in their place.
        @inline(__always)
        func write(to writer: inout ByteWriter, validators: (inout ByteWriter) -> Void) {
            forEachField { name, value in
                if case .validators = value {
                    validators(&writer)
                    return
                }
                writer.write(name)
                writer.write(": ")
                switch value {
                case .text(let text): writer.writeLatin1(text)
                case .decimal(let number): writer.writeDecimal(number)
                case .literal(let literal): writer.write(literal)
                case .validators: break
                }
                writer.write("\r\n")
            }
        }
    }
    /// The representation's entity tag, sent as `ETag` (RFC 9110 §8.8.3); `nil` for generated pages.
    public var entityTag: EntityTag?
    /// The representation's modification date, sent as `Last-Modified` (RFC 9110 §8.8.2).
    public var lastModified: HTTPDate?
    /// The body to send after the head.
    public var body: Body
    /// Fields the configuration adds to every answer (`--header`, CORS, `Cache-Control`): sent after all
    /// the others, and kept whole in a 304, whose head is otherwise cut to ``notModifiedFields``.
    public var addedFields = HTTPHeaders()
    /// `false` for an HTTP/0.9 simple request: the body goes out with no status line or headers.
    public var sendsHead: Bool = true

    /// Creates a plan.
    public init(
        status: HTTPStatus,
        fields: HTTPHeaders,
        entityTag: EntityTag? = nil,
        lastModified: HTTPDate? = nil,
        body: Body,
        sendsHead: Bool = true
    ) {
        self.status = status
        self.storedFields = fields
        self.entityTag = entityTag
        self.lastModified = lastModified
        self.body = body
        self.sendsHead = sendsHead
    }

    /// The 200 plan of a file: its fields kept typed (``fileFields``), the validators given.
    init(
        fileFields: FileFields,
        entityTag: EntityTag,
        lastModified: HTTPDate,
        body: Body
    ) {
        // Each property set once, here: delegating to the other initializer and then setting `fileFields` copied
        // the whole plan (callgrind).
        self.status = .ok
        self.storedFields = HTTPHeaders()
        self.fileFields = fileFields
        self.entityTag = entityTag
        self.lastModified = lastModified
        self.body = body
    }

    /// Adds `Vary: Accept-Encoding` to the fields (RFC 9110 §12.5.5), keeping a file's fields typed.
    mutating func addVaryAcceptEncoding() {
        // Not `fileFields != nil`: with FileFields Equatable that compares two optionals, copying both (callgrind).
        if case .some = fileFields {
            fileFields!.varyAcceptEncoding = true
        } else {
            fields.add(name: "Vary", value: "Accept-Encoding")
        }
    }

    /// The fields a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5), plus our constant ones,
    /// in the order they are sent.
    static let notModifiedFields = [
        "Date", "Server", "Connection", "ETag", "Last-Modified", "Vary", "Cache-Control", "Expires",
        "Content-Location",
    ]

    /// The status line and header fields as sent: the one place the validators become fields.
    ///
    /// `Last-Modified` and `ETag` go just before `Accept-Ranges` (at the end without it): after the
    /// representation's type and length, before what the server offers for it. A 304 is the head of the 200 it stands for, cut to ``notModifiedFields``: no
    /// `Content-Length` that would describe the 200's content (RFC 9110 §15.4.5).
    public var head: HTTPResponseHead {
        let fields = self.fields  // Made once when they are a file's typed fields.
        if status == .notModified {
            var headers = HTTPHeaders()
            for name in Self.notModifiedFields {
                switch name {
                case "ETag": if let entityTag { headers.add(name: name, value: entityTag.description) }
                case "Last-Modified": if let lastModified { headers.add(name: name, value: lastModified.description) }
                default: for value in fields.values(for: name) { headers.add(name: name, value: value) }
                }
            }
            for (name, value) in addedFields { headers.add(name: name, value: value) }
            return HTTPResponseHead(status: status, headers: headers)
        }
        guard entityTag != nil || lastModified != nil else {
            var headers = fields
            for (name, value) in addedFields { headers.add(name: name, value: value) }
            return HTTPResponseHead(status: status, headers: headers)
        }
        var headers = HTTPHeaders()
        var placed = false
        for (name, value) in fields {
            if !placed && name == "Accept-Ranges" {
                addValidators(to: &headers)
                placed = true
            }
            headers.add(name: name, value: value)
        }
        if !placed { addValidators(to: &headers) }
        for (name, value) in addedFields { headers.add(name: name, value: value) }
        return HTTPResponseHead(status: status, headers: headers)
    }

    /// ``head`` serialized, the same bytes written straight from the plan: no ``HTTPHeaders`` copy, and the
    /// validators' text never built as `String`s. What the engine sends.
    public func serializedHead() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        serializeHead(into: &bytes)
        return bytes
    }

    /// Appends ``serializedHead()`` to `bytes`: the engine writes each head into one buffer of its loop.
    public func serializeHead(into bytes: inout [UInt8]) {
        // A 304's head is cut down field by field; rare enough to take the general path.
        guard status != .notModified else {
            bytes.append(contentsOf: head.serialized())
            return
        }
        let statusLine = HTTPResponseHead(status: status)
        // Room for every piece, counted first: the pieces are then written with plain stores.
        var capacity = statusLine.statusLineCapacity + 2
        for (name, value) in addedFields { capacity += HTTPHeaders.fieldCapacity(name: name, value: value) }
        if lastModified != nil { capacity += 17 + HTTPDate.byteCapacity }
        if let entityTag { capacity += 8 + entityTag.byteCapacity }
        if let fileFields {
            // A file's 200: its fields in their list's order, the validators in their place there.
            bytes.appendWriting(atMost: capacity + fileFields.byteCapacity) { writer in
                statusLine.writeStatusLine(to: &writer)
                fileFields.write(to: &writer) { writeValidators(to: &$0) }
                for (name, value) in addedFields { HTTPHeaders.writeField(name: name, value: value, to: &writer) }
                writer.write("\r\n")
            }
            return
        }
        for (name, value) in fields { capacity += HTTPHeaders.fieldCapacity(name: name, value: value) }
        bytes.appendWriting(atMost: capacity) { writer in
            statusLine.writeStatusLine(to: &writer)
            var placed = entityTag == nil && lastModified == nil
            for (name, value) in fields {
                if !placed && name == "Accept-Ranges" {
                    writeValidators(to: &writer)
                    placed = true
                }
                HTTPHeaders.writeField(name: name, value: value, to: &writer)
            }
            if !placed { writeValidators(to: &writer) }
            for (name, value) in addedFields { HTTPHeaders.writeField(name: name, value: value, to: &writer) }
            writer.write("\r\n")
        }
    }

    private func writeValidators(to writer: inout ByteWriter) {
        if let lastModified {
            writer.write("Last-Modified: ")
            lastModified.write(to: &writer)
            writer.write("\r\n")
        }
        if let entityTag {
            writer.write("ETag: ")
            entityTag.write(to: &writer)
            writer.write("\r\n")
        }
    }

    private func addValidators(to headers: inout HTTPHeaders) {
        if let lastModified { headers.add(name: "Last-Modified", value: lastModified.description) }
        if let entityTag { headers.add(name: "ETag", value: entityTag.description) }
    }

    /// The number of body bytes the plan sends; 0 for a body whose length is not known before it is made.
    public var bodyLength: Int64 {
        switch body {
        case .none, .gzip, .later: return 0
        case .bytes(let bytes): return Int64(bytes.count)
        case .file(_, _, let length): return length
        case .parts(_, let parts): return parts.reduce(0) { $0 + $1.length }
        }
    }

    /// The open file the body reads, if any.
    public var file: OpenFile? {
        switch body {
        case .file(let file, _, _), .parts(let file, _), .gzip(let file, _): return file
        case .none, .bytes, .later: return nil
        }
    }
}
