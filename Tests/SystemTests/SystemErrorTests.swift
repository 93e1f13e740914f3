import System
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `SystemError`'s predicates and text: what modules above System branch on instead of errno constants.
@Suite struct SystemErrorTests {
    @Test func openMissingFile_isNotFound_andNamesCallReasonAndErrno() throws {
        do {
            _ = try OpenFile.open(FilePath("/nonexistent-http10-\(getpid())"))
            Issue.record("open should fail")
        } catch {
            #expect(error.isNotFound)
            #expect(!error.isPermissionDenied && !error.isNotADirectory && !error.isOutOfDescriptors)
            #expect(error.reason == "No such file or directory")
            #expect(error.description == "open: No such file or directory (errno 2)")
        }
    }

    @Test func statBelowARegularFile_isNotADirectory() throws {
        do {
            _ = try FileSystem.status(of: FilePath("/proc/self/status/below"))
            Issue.record("stat should fail")
        } catch {
            #expect(error.isNotADirectory)
            #expect(!error.isNotFound)
            #expect(error.description == "stat: Not a directory (errno 20)")
        }
    }

    /// Each errno and the one predicate set for it: (errno, permissionDenied, notPermitted, notFound,
    /// notADirectory, outOfDescriptors, outOfMemory).
    @Test(arguments: [
        (EACCES, [true, false, false, false, false, false]),
        (EPERM, [false, true, false, false, false, false]),
        (ENOENT, [false, false, true, false, false, false]),
        (ENOTDIR, [false, false, false, true, false, false]),
        (EMFILE, [false, false, false, false, true, false]),
        (ENFILE, [false, false, false, false, true, false]),
        (ENOMEM, [false, false, false, false, false, true]),
        (ELOOP, [false, false, false, false, false, false]),
    ])
    func predicates_matchTheirErrnoValues(code: Int32, expected: [Bool]) {
        let error = SystemError(call: "open", errno: code)
        let actual = [
            error.isPermissionDenied, error.isNotPermitted, error.isNotFound, error.isNotADirectory,
            error.isOutOfDescriptors, error.isOutOfMemory,
        ]
        #expect(actual == expected)
    }

    @Test func reason_isTheStrerrorText() {
        #expect(SystemError(call: "open", errno: EACCES).reason == "Permission denied")
        #expect(SystemError(call: "open", errno: EMFILE).reason == "Too many open files")
        #expect(SystemError(call: "open", errno: EACCES).description == "open: Permission denied (errno 13)")
    }
}
