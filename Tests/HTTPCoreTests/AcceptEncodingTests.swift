import HTTPCore
import Testing

@Suite struct AcceptEncodingTests {
    /// (Accept-Encoding values, whether gzip is chosen); `[]` is a request without the field.
    static let cases: [([String], Bool)] = [
        ([], false),
        ([""], false),
        (["   "], false),
        (["gzip"], true),
        (["GZIP"], true),
        (["x-gzip"], true),
        (["gzip, deflate, br"], true),
        (["deflate, br"], false),
        (["*"], true),
        (["*;q=0"], false),
        (["gzip;q=0"], false),
        (["gzip; q=0"], false),
        (["gzip;Q=0.000"], false),
        (["gzip;q=0.001"], true),
        (["gzip;q=1.000"], true),
        (["gzip;q=0, *"], false),
        (["*, gzip;q=0"], false),
        (["x-gzip;q=0, gzip"], true),
        (["identity"], false),
        (["identity;q=1, gzip;q=0.5"], false),
        (["identity;q=0.5, gzip;q=0.5"], true),
        (["gzip;q=0.5"], true),
        (["gzip;q=0.5, *;q=1"], true),
        (["identity;q=0, *;q=0.3"], true),
        (["gzip;q=2"], false),
        (["gzip;q=1.5"], false),
        (["gzip;q=0.1234"], false),
        (["gzip;q=abc"], false),
        (["gzip;q="], false),
        (["gzip;level=9"], true),
        ([" , ,gzip ,"], true),
        (["br", "gzip"], true),
        (["gzip", "gzip;q=0"], true),
        (["g zip"], false),
    ]

    @Test(arguments: cases)
    func prefersGzip(values: [String], expected: Bool) {
        var headers = HTTPHeaders()
        for value in values { headers.add(name: "Accept-Encoding", value: value) }
        #expect(AcceptEncoding.prefersGzip(headers) == expected)
    }

    @Test func elements_keepOrderAndWeightsInThousandths() {
        let parsed = AcceptEncoding(parsing: ["gzip;q=0.8, Br ; q=1, identity;q=0.05, bad;q=9"])
        #expect(
            parsed.elements == [
                .init(coding: "gzip", quality: 800), .init(coding: "br", quality: 1000),
                .init(coding: "identity", quality: 50),
            ]
        )
        #expect(parsed.gzipQuality == 800)
        #expect(parsed.explicitQuality(of: "deflate") == nil)
    }
}
