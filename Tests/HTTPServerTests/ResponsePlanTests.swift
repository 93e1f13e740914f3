import HTTPCore
import HTTPServer
import Testing

/// The validators are typed values in the plan; ``ResponsePlan/head`` alone turns them into fields.
@Suite struct ResponsePlanTests {
    static let general =
        "Date: Wed, 06 Nov 2024 08:49:37 GMT\r\nServer: http-serve/\(http10Version)\r\nConnection: close\r\n"
    static let validators = "Last-Modified: \(fixtureLastModified)\r\nETag: \"24-65920080.1dcd6500\"\r\n"

    func head(_ plan: ResponsePlan) throws -> String {
        _ = try bodyBytes(plan)
        return String(decoding: plan.head.serialized(), as: UTF8.self)
    }

    @Test func fileResponses_placeTheValidators_byteForByte() throws {
        let (tree, handler) = try makeSite()
        let ok = try head(handler.respond(to: request("/hello.txt"), now: testNow))
        #expect(
            ok == "HTTP/1.0 200 OK\r\n" + Self.general
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 36\r\n" + Self.validators
                + "Accept-Ranges: bytes\r\nVary: Accept-Encoding\r\n\r\n"
        )
        let partial = try head(handler.respond(to: request("/hello.txt", .get, ["Range": "bytes=1-2"]), now: testNow))
        #expect(
            partial == "HTTP/1.0 206 Partial Content\r\n" + Self.general
                + "Content-Type: text/plain; charset=utf-8\r\n" + Self.validators
                + "Accept-Ranges: bytes\r\nVary: Accept-Encoding\r\nContent-Length: 2\r\nContent-Range: bytes 1-2/36\r\n\r\n"
        )
        let notModified = try head(
            handler.respond(
                to: request("/hello.txt", .get, ["If-None-Match": "\"24-65920080.1dcd6500\""]),
                now: testNow
            )
        )
        #expect(
            notModified == "HTTP/1.0 304 Not Modified\r\n" + Self.general + "ETag: \"24-65920080.1dcd6500\"\r\n"
                + "Last-Modified: \(fixtureLastModified)\r\nVary: Accept-Encoding\r\n\r\n"
        )
        _ = tree
    }

    /// No fields added; `--header` (one value not ASCII), CORS and `--max-age`; `no-cache`.
    static let optionSets: [StaticFileHandler.Options] = {
        var added = StaticFileHandler.Options()
        added.extraFields = ["X-Frame-Options": "DENY", "X-Text": "caf\u{E9}"]
        added.corsOrigin = "*"
        added.caching = .maxAge(60)
        var noCache = StaticFileHandler.Options()
        noCache.caching = .noCache
        return [StaticFileHandler.Options(), added, noCache]
    }()

    /// What the engine sends (``ResponsePlan/serializedHead()``, written straight from the plan) is byte for
    /// byte the head ``ResponsePlan/head`` describes, for every kind of answer and every option that adds fields.
    @Test(arguments: optionSets)
    func serializedHead_isTheHeadsBytes_forEveryKindOfAnswer(options: StaticFileHandler.Options) throws {
        let (tree, handler) = try makeSite(options: options)
        tree.file("long.txt", String(repeating: "gzip me ", count: 100), mtime: fixtureMTime)
        tree.file("future.txt", "later", mtime: (Int(testNow) + 3600, 0))
        let tag = "\"24-65920080.1dcd6500\""
        let requests: [HTTPRequest] = [
            request("/hello.txt"), request("/hello.txt", .head), request("/hello.txt", version: nil),
            request("/hello.txt", version: .http1_1), request("/long.txt", .get, ["Accept-Encoding": "gzip"]),
            request("/long.txt", .head, ["Accept-Encoding": "gzip, br"]), request("/future.txt"),
            request("/hello.txt", .get, ["If-None-Match": tag]),
            request("/hello.txt", .get, ["If-Modified-Since": fixtureLastModified]),
            request("/hello.txt", .get, ["If-Match": "\"other\""]),
            request("/hello.txt", .get, ["Range": "bytes=1-2"]),
            request("/hello.txt", .get, ["Range": "bytes=1-2,4-5"]),
            request("/hello.txt", .get, ["Range": "bytes=99-"]),
            request("/hello.txt", .get, ["Range": "bytes=1-2", "If-Range": tag]), request("/sub"), request("/sub/"),
            request("/index-folder/"), request("/missing"), request("/.env"), request("/../x"),
            request("/hello.txt", .post), request("/hello.txt", .options),
            request("/hello.txt", .options, ["Access-Control-Request-Headers": "x-a, x-b"]),
        ]
        for request in requests {
            let plan = handler.respond(to: request, now: testNow)
            _ = try bodyBytes(plan)
            #expect(plan.serializedHead() == plan.head.serialized(), "\(request.requestLine)")
        }
        let error = handler.respond(to: HTTPParseError(.requestTimeout, "late"), now: testNow)
        #expect(error.serializedHead() == error.head.serialized())
        _ = tree
    }

    @Test func filePlan_carriesTypedValidators_notFields() throws {
        let (tree, handler) = try makeSite()
        let plan = handler.respond(to: request("/hello.txt"), now: testNow)
        #expect(plan.entityTag == EntityTag(opaque: "24-65920080.1dcd6500"))
        #expect(plan.lastModified == HTTPDate(secondsSinceEpoch: Int64(fixtureMTime.0)))
        #expect(plan.fields["ETag"] == nil && plan.fields["Last-Modified"] == nil)
        _ = try bodyBytes(plan)
        // The gzip variant's tag is the file's with a suffix; Last-Modified stays the file's.
        tree.file("long.txt", String(repeating: "gzip me ", count: 100), mtime: fixtureMTime)
        let gzip = handler.respond(to: request("/long.txt", .get, ["Accept-Encoding": "gzip"]), now: testNow)
        _ = try bodyBytes(gzip)
        #expect(gzip.fields["Content-Encoding"] == "gzip")
        #expect(gzip.entityTag == EntityTag(opaque: "320-65920080.1dcd6500-gz"))
        #expect(gzip.lastModified == plan.lastModified)
        _ = tree
    }

    @Test func validatorsWithoutAcceptRanges_goLast() {
        var fields = HTTPHeaders()
        fields.add(name: "Content-Length", value: "0")
        let plan = ResponsePlan(
            status: .ok,
            fields: fields,
            entityTag: EntityTag(opaque: "x", isWeak: true),
            lastModified: HTTPDate(secondsSinceEpoch: 0),
            body: .none
        )
        #expect(
            String(decoding: plan.head.serialized(), as: UTF8.self)
                == "HTTP/1.0 200 OK\r\nContent-Length: 0\r\nLast-Modified: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
                + "ETag: W/\"x\"\r\n\r\n"
        )
    }
}
