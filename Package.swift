// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "http10",
    products: [
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "HTTPClient", targets: ["HTTPClient"]),
        .library(name: "Fetch", targets: ["Fetch"]),
        .library(name: "Gzip", targets: ["Gzip"]),
        .executable(name: "http-serve", targets: ["http-serve"]),
        .executable(name: "http-fetch", targets: ["http-fetch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // Linux-only declarations Glibc's module lacks (accept4, epoll, sendfile, crypt_r), for System and Sockets.
        // libxcrypt's crypt(3) (Debian libcrypt-dev) verifies htpasswd hashes for --auth-file.
        .target(name: "CSystem", linkerSettings: [.linkedLibrary("crypt")]),
        // The two modules that call libc. System: files, threads, locks, signals, clocks, terminal, environment,
        // resource limits, crypt(3) and SystemError. Sockets, on top of it: sockets, addresses, epoll, poll,
        // eventfd, sendfile and systemd socket activation.
        .target(name: "System", dependencies: ["CSystem"]),
        .target(name: "Sockets", dependencies: ["System", "CSystem"]),
        // Pure HTTP/1.0 values, parsers and serializers: never sees a file descriptor.
        .target(name: "HTTPCore"),
        // The system zlib (Debian libz-dev, installed by scripts/install-deps as zlib1g-dev), and the Swift
        // gzip encoder and decoder over it.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["libz-dev"])]),
        .target(name: "Gzip", dependencies: ["CZlib"]),
        // The system OpenSSL 3 (Debian libssl-dev) and the TLS layer over it: sessions over memory BIOs, so the
        // socket owner moves every byte (issues 14 and 15).
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .target(name: "TLS", dependencies: ["COpenSSL"]),
        .target(name: "HTTPServer", dependencies: ["Sockets", "System", "HTTPCore", "Gzip", "TLS"]),
        // The client core: URL, request head, one exchange over a ByteStream with a pull API, ClientError.
        .target(name: "HTTPClient", dependencies: ["Sockets", "System", "HTTPCore", "TLS"]),
        // curl's behaviour above it: options, redirects, recovery, files, progress, -w, exit codes.
        .target(name: "Fetch", dependencies: ["HTTPClient", "HTTPCore", "Sockets", "System", "Gzip", "TLS"]),
        .executableTarget(
            name: "http-serve",
            dependencies: ["HTTPServer", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "http-fetch",
            dependencies: ["Fetch", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Fuzzing: the properties live in FuzzChecks; each fuzz-* executable is libFuzzer's entry point
        // when built with -DFUZZING and --sanitize=fuzzer (scripts/fuzz), and a corpus replayer otherwise.
        .target(name: "FuzzChecks", dependencies: ["HTTPCore", "System", "Gzip"]),
        .executableTarget(name: "fuzz-request-parser", dependencies: ["FuzzChecks"]),
        .executableTarget(name: "fuzz-target-path", dependencies: ["FuzzChecks"]),
        .executableTarget(name: "fuzz-response-parser", dependencies: ["FuzzChecks"]),
        .executableTarget(name: "fuzz-gzip-decoder", dependencies: ["FuzzChecks"]),
        .testTarget(name: "FuzzChecksTests", dependencies: ["FuzzChecks"]),
        // What the tests share: the temporary tree, a raw socket client, `withServer` on the public TestServer, and a
        // throwaway CA (TestCA, made by scripts/make-test-ca).
        // Each test target depends on what it tests plus TestSupport.
        .target(
            name: "TestSupport",
            dependencies: ["HTTPServer", "HTTPCore", "Sockets", "System", "TLS"],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "SystemTests", dependencies: ["System", "TestSupport"]),
        .testTarget(name: "SocketsTests", dependencies: ["Sockets", "System", "TestSupport"]),
        .testTarget(name: "HTTPCoreTests", dependencies: ["HTTPCore"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "TestSupport"]),
        .testTarget(name: "GzipTests", dependencies: ["Gzip"], exclude: ["Fixtures"]),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: ["HTTPServer", "HTTPCore", "Gzip", "Sockets", "System", "TLS", "TestSupport"]
        ),
        // TestServer and Client.fetch together, as the README's Embedding section shows another package using them.
        .testTarget(name: "EmbeddingTests", dependencies: ["HTTPServer", "HTTPClient", "TestSupport"]),
        .testTarget(
            name: "HTTPClientTests",
            dependencies: ["HTTPClient", "Fetch", "HTTPCore", "Sockets", "System", "Gzip", "TestSupport"]
        ),
    ]
)
