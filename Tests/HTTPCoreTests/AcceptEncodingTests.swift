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

@Suite struct AcceptableCodingsTests {
    /// (Accept-Encoding values, the codings of br, zstd, gzip chosen, best first); `[]` is no field.
    static let cases: [([String], [String])] = [
        ([], []),
        ([""], []),
        (["gzip"], ["gzip"]),
        (["gzip, br, zstd"], ["br", "zstd", "gzip"]),
        (["gzip;q=1, br;q=0.5"], ["gzip", "br"]),
        (["br;q=0.2, zstd;q=0.9, gzip;q=0.5"], ["zstd", "gzip", "br"]),
        (["*"], ["br", "zstd", "gzip"]),
        (["*, br;q=0"], ["zstd", "gzip"]),
        (["x-gzip, zstd"], ["zstd", "gzip"]),
        (["identity;q=0.5, br;q=0.4, gzip"], ["gzip"]),
        (["deflate"], []),
        (["br", "zstd;q=0"], ["br"]),
    ]

    @Test(arguments: cases)
    func acceptableCodings_followTheWeights_thenBrZstdGzip(values: [String], expected: [String]) {
        var headers = HTTPHeaders()
        for value in values { headers.add(name: "Accept-Encoding", value: value) }
        #expect(AcceptEncoding.acceptableCodings(headers, among: ["br", "zstd", "gzip"]) == expected)
    }
}
