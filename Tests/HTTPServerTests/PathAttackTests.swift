import HTTPCore
import HTTPServer
import System
import TestSupport
import Testing

/// Hostile targets against a real tree: a secret sits beside the root (and in a folder outside it that
/// symbolic links point to), and no target may ever reach it. Each is refused (400), absent (404), or
/// kept inside the root (200 with a file of the root). The same table runs against the binary in
/// scripts/tests/test_18_path_attacks.sh.
@Suite struct PathAttackTests {
    enum Outcome: Sendable, CustomStringConvertible {
        /// 400: the target is malformed or climbs out of the root.
        case refused
        /// 400 or 404: whatever the bytes name, it is not a file inside the root.
        case absent
        /// 200 with this file of the root.
        case inside(String)

        var description: String {
            switch self {
            case .refused: return "refused"
            case .absent: return "absent"
            case .inside(let name): return "inside:\(name)"
            }
        }
    }

    static let secret = "the-secret-outside-the-root"

    /// The parent folder holds `secret.txt` and `outside/secret.txt`; the root is `parent/site`.
    static func makeTree() throws -> (TemporaryTree, StaticFileHandler) {
        let tree = TemporaryTree()
        tree.file("secret.txt", secret)
        tree.folder("outside")
        tree.file("outside/secret.txt", secret)
        tree.folder("site")
        tree.folder("site/docs")
        tree.file("site/hello.txt", "hello\n")
        tree.file("site/docs/page.txt", "page\n")
        tree.file("site/.env", "X=1")
        tree.symlink("site/out-dir", to: tree.path + "/outside")
        tree.symlink("site/out-file", to: tree.path + "/outside/secret.txt")
        tree.symlink("site/rel-out", to: "../outside")
        tree.symlink("site/up", to: "..")
        tree.symlink("site/docs/up", to: "../..")
        tree.symlink("site/loop", to: "loop")
        tree.symlink("site/abs-etc", to: "/etc")
        tree.symlink("site/env-link", to: ".env")
        tree.symlink("site/secret-link", to: "../secret.txt")
        return (tree, try StaticFileHandler(root: tree.path + "/site"))
    }

    static let table: [(String, Outcome)] = [
        // Plain and nested dot-segments.
        ("/../secret.txt", Outcome.refused),
        ("/../../../../../../etc/passwd", .refused),
        ("/./../secret.txt", .refused),
        ("/docs/../../secret.txt", .refused),
        ("/docs/./../../secret.txt", .refused),
        ("/..", .refused),
        ("/docs/../..", .refused),
        // Percent-encoded dots and slashes, every case.
        ("/%2e%2e/secret.txt", .refused),
        ("/%2E%2E/secret.txt", .refused),
        ("/%2e%2E/secret.txt", .refused),
        ("/.%2e/secret.txt", .refused),
        ("/%2e./secret.txt", .refused),
        ("/..%2fsecret.txt", .refused),
        ("/..%2Fsecret.txt", .refused),
        ("/%2e%2e%2fsecret.txt", .refused),
        ("/%2e%2e%2F%2e%2e%2Fetc%2Fpasswd", .refused),
        ("/docs/%2e%2e/%2e%2e/secret.txt", .refused),
        ("/docs/..%2f..%2fsecret.txt", .refused),
        ("%2f..%2fsecret.txt", .refused),
        // Double encoding is decoded once: a literal "%2e%2e" name, not dots.
        ("/%252e%252e/secret.txt", .absent),
        ("/%252e%252e%252fsecret.txt", .absent),
        ("/%25%32%65%25%32%65/secret.txt", .absent),
        // Overlong UTF-8 forms of '.' and '/': bytes in a name, never separators.
        ("/%c0%ae%c0%ae/secret.txt", .absent),
        ("/%c0%ae%c0%ae%c0%afsecret.txt", .absent),
        ("/%e0%80%ae%e0%80%ae/secret.txt", .absent),
        ("/%f0%80%80%ae%f0%80%80%ae/secret.txt", .absent),
        ("/%c1%9c..%c1%9csecret.txt", .absent),
        ("/\u{C0}\u{AE}\u{C0}\u{AE}/secret.txt", .absent),  // the same bytes raw (ISO-8859-1 decoded)
        ("/%u002e%u002e/secret.txt", .refused),  // IIS %u: a malformed escape here
        // Backslashes are name bytes on Linux.
        ("/..\\secret.txt", .absent),
        ("/..\\..\\secret.txt", .absent),
        ("/docs\\..\\..\\secret.txt", .absent),
        ("/%5c..%5csecret.txt", .absent),
        ("/..%5c..%5csecret.txt", .absent),
        // NUL, raw or encoded, and malformed escapes.
        ("/%00", .refused),
        ("/hello.txt%00.html", .refused),
        ("/../secret.txt%00", .refused),
        ("/hello.txt\u{0}.html", .refused),
        ("/%", .refused),
        ("/%2", .refused),
        ("/%g0", .refused),
        // Symbolic links out of the root, and '..' after a link (resolved lexically, inside the root).
        ("/out-dir/secret.txt", .absent),
        ("/out-file", .absent),
        ("/rel-out/secret.txt", .absent),
        ("/secret-link", .absent),
        ("/up/secret.txt", .absent),
        ("/up/up/secret.txt", .absent),
        ("/docs/up/secret.txt", .absent),
        ("/loop/secret.txt", .absent),
        ("/abs-etc/passwd", .absent),
        ("/out-dir/../hello.txt", .inside("hello.txt")),
        ("/out-dir/%2e%2e/hello.txt", .inside("hello.txt")),
        ("/up/../hello.txt", .inside("hello.txt")),
        ("/out-dir/../../secret.txt", .refused),
        // Absolute-form targets naming other hosts: the host is ignored, the path stays under our root.
        ("http://other.example/../secret.txt", .refused),
        ("http://other.example/%2e%2e/secret.txt", .refused),
        ("http://127.0.0.1@evil.example/../secret.txt", .refused),
        ("http://evil.example/hello.txt", .inside("hello.txt")),
        ("HTTP://EVIL.EXAMPLE/docs/../hello.txt", .inside("hello.txt")),
        ("https://evil.example:443/docs/page.txt", .inside("docs/page.txt")),
        ("http://evil.example", .inside("")),
        ("//evil.example/hello.txt", .absent),
        ("file:///etc/passwd", .refused),
        ("*", .refused),
        ("../secret.txt", .refused),
        ("secret.txt", .refused),
        // Dotfiles, however spelled or linked.
        ("/.env", .absent),
        ("/%2eenv", .absent),
        ("/docs/../.env", .absent),
        ("/env-link", .absent),
    ]

    @Test(arguments: table)
    func hostileTarget_neverLeavesTheRoot(target: String, expected: Outcome) throws {
        let (tree, handler) = try Self.makeTree()
        defer { _ = tree }
        let plan = handler.respond(to: request(target), now: testNow)
        let body = try bodyBytes(plan)
        #expect(!String(decoding: body, as: UTF8.self).contains(Self.secret), "\(target) reached the secret")
        let code = plan.head.status.code
        switch expected {
        case .refused:
            #expect(code == 400, "\(target)")
        case .absent:
            #expect(code == 400 || code == 404, "\(target): \(code)")
        case .inside(let name) where name.isEmpty:
            #expect(code == 200, "\(target): \(code)")
        case .inside(let name):
            #expect(code == 200, "\(target): \(code)")
            let file = try OpenFile.open(FilePath(tree.path + "/site/" + name))
            defer { file.close() }
            #expect(body == (try file.readAll()), "\(target) is not \(name)")
        }
    }

    @Test func table_hasAtLeastFiftyTargets() {
        #expect(Self.table.count >= 50)
    }
}
