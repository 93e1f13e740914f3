import HTTPCore
import HTTPServer
import Sockets
import System
import TestSupport
import Testing

func readFile(_ path: String) throws -> [UInt8] {
    let file = try OpenFile.open(FilePath(path))
    defer { file.close() }
    return try file.readAll()
}

@Suite struct ServerTests {
    @Test func get_index_returnsFileBytes() throws {
        try withServer { server throws in
            #expect(server.url.hasPrefix("http://127.0.0.1:"))
            let (head, body) = try get(server, "/")
            #expect(head.status == .ok)
            #expect(head.version == .http1_0)
            #expect(head.headers["Content-Type"] == "text/html; charset=utf-8")
            #expect(head.headers["Content-Length"] == String(body.count))
            #expect(body == (try readFile(wwwPath + "/index.html")))
        }
    }

    @Test func get_binaryFile_isByteIdentical() throws {
        try withServer { server throws in
            let (head, body) = try get(server, "/logo.png")
            #expect(head.headers["Content-Type"] == "image/png")
            #expect(body == (try readFile(wwwPath + "/logo.png")))
        }
    }

    @Test func head_hasHeadersAndNoBody() throws {
        try withServer { server throws in
            let reply = try exchange(server, "HEAD /hello.txt HTTP/1.0\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.0 200 OK\r\n"))
            #expect(reply.contains("\r\nContent-Length: 69\r\n"))
            #expect(reply.hasSuffix("\r\n\r\n"))
        }
    }

    @Test func missingFile_is404WithHTMLPage() throws {
        try withServer { server throws in
            let reply = try exchange(server, "GET /nope.txt HTTP/1.0\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.0 404 Not Found\r\n"))
            #expect(reply.contains("<h1>404 Not Found</h1>"))
        }
    }

    @Test func dotDotEscape_isRefused() throws {
        try withServer { server throws in
            #expect(try exchange(server, "GET /%2e%2e/etc/passwd HTTP/1.0\r\n\r\n").hasPrefix("HTTP/1.0 400 "))
            #expect(try exchange(server, "GET /../ HTTP/1.0\r\n\r\n").hasPrefix("HTTP/1.0 400 "))
        }
    }

    @Test func garbage_is400() throws {
        try withServer { server throws in
            #expect(try exchange(server, "hello\r\n\r\n").hasPrefix("HTTP/1.0 400 Bad Request\r\n"))
        }
    }

    @Test func http09_getsBodyOnly() throws {
        try withServer { server throws in
            #expect(try exchange(server, "GET /hello.txt\r\n") == String(latin1: try readFile(wwwPath + "/hello.txt")))
        }
    }

    @Test func folderWithoutSlash_redirects() throws {
        try withServer { server throws in
            let reply = try exchange(server, "GET /docs?x=1 HTTP/1.0\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.0 301 Moved Permanently\r\n"))
            #expect(reply.contains("\r\nLocation: /docs/?x=1\r\n"))
        }
    }

    @Test func startup_withMissingRoot_failsClearly() {
        var configuration = ServerConfiguration()
        configuration.root = "/no/such/folder"
        configuration.port = 0
        #expect {
            try Server(configuration: configuration)
        } throws: { error in
            "\(error)" == "root '/no/such/folder': No such file or directory"
        }
    }
}
