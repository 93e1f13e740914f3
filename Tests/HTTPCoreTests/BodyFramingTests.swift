import HTTPCore
import Testing

@Suite struct BodyFramingTests {
    static func response(_ code: Int, _ fields: [(String, String)]) -> HTTPResponseHead {
        var headers = HTTPHeaders()
        for (name, value) in fields { headers.add(name: name, value: value) }
        return HTTPResponseHead(status: HTTPStatus(code: code), headers: headers)
    }

    static func request(_ fields: [(String, String)]) -> HTTPRequest {
        var headers = HTTPHeaders()
        for (name, value) in fields { headers.add(name: name, value: value) }
        return HTTPRequest(method: .post, target: "/", version: .http1_0, headers: headers)
    }

    @Test(arguments: [
        (200, [("Content-Length", "5")], BodyFraming.length(5)),
        (200, [("Content-Length", " 5 ")], .length(5)),
        (200, [("Content-Length", "5, 5"), ("Content-Length", "5")], .length(5)),
        (200, [("Content-Length", "0")], .length(0)),
        (200, [("Content-Length", "9223372036854775807")], .length(Int64.max)),
        (200, [], .untilClose),
        (200, [("Transfer-Encoding", "chunked")], .chunked),
        (200, [("Transfer-Encoding", "gzip, Chunked"), ("Content-Length", "3")], .chunked),
        (200, [("Transfer-Encoding", "chunked, gzip")], .untilClose),
        (200, [("Transfer-Encoding", "chunked, gzip"), ("Content-Length", "3")], .length(3)),
        (204, [("Content-Length", "5")], .none),
        (304, [("Content-Length", "5")], .none),
        (101, [], .none),
        (404, [("Content-Length", "9")], .length(9)),
    ])
    func response_isFramedAsRFC9112Says(code: Int, fields: [(String, String)], expected: BodyFraming) throws {
        #expect(try BodyFraming(response: Self.response(code, fields), requestMethod: .get) == expected)
    }

    @Test func responseToHEAD_hasNoBody() throws {
        let head = Self.response(200, [("Content-Length", "100"), ("Transfer-Encoding", "chunked")])
        #expect(try BodyFraming(response: head, requestMethod: .head) == BodyFraming.none)
    }

    @Test(arguments: [
        ([("Content-Length", "2, 3")], "2"),
        ([("Content-Length", "2"), ("Content-Length", "3")], "2"),
        ([("Content-Length", "-1")], "-1"),
        ([("Content-Length", "abc")], "abc"),
        ([("Content-Length", "9223372036854775808")], "9223372036854775808"),
        // An empty value is no number either: curl 7.88 refuses it too ("Invalid Content-Length", exit 8).
        ([("Content-Length", "")], ""),
        ([("Content-Length", "3,")], "3"),
    ])
    func response_withBadContentLength_isRefused(fields: [(String, String)], value: String) {
        #expect(throws: HTTPFramingError.invalidContentLength(value)) {
            try BodyFraming(response: Self.response(200, fields), requestMethod: .get)
        }
    }

    @Test(arguments: [
        ([(String, String)](), BodyFraming.none),
        ([("Content-Length", "3")], .length(3)),
        ([("Content-Length", "0")], .length(0)),
        ([("Content-Length", "3, 3")], .length(3)),
        ([("Transfer-Encoding", "chunked")], .chunked),
        ([("Transfer-Encoding", "gzip, chunked"), ("Content-Length", "3")], .chunked),
    ])
    func request_isFramedAsRFC9112Says(fields: [(String, String)], expected: BodyFraming) throws {
        #expect(try BodyFraming(request: Self.request(fields)) == expected)
    }

    @Test(arguments: [
        ([("Transfer-Encoding", "gzip")], HTTPFramingError.unknownTransferCoding("gzip")),
        ([("Transfer-Encoding", "chunked, gzip")], .unknownTransferCoding("chunked, gzip")),
        ([("Content-Length", "+3")], .invalidContentLength("+3")),
        ([("Content-Length", "3, 4")], .invalidContentLength("3")),
        ([("Content-Length", "1234567890123456789")], .invalidContentLength("1234567890123456789")),
        ([("Content-Length", "")], .invalidContentLength("")),
    ])
    func request_withUnknowableLength_isRefused(fields: [(String, String)], error: HTTPFramingError) {
        #expect(throws: error) { try BodyFraming(request: Self.request(fields)) }
    }

    @Test func errors_describeThemselves() {
        #expect(HTTPFramingError.invalidContentLength("2").description == "invalid Content-Length '2'")
        #expect(HTTPFramingError.malformedChunk("why").description == "malformed chunked encoding: why")
    }
}
