import Testing

@testable import Sockets

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketActivationTests {
    @Test(
        arguments: [
            (nil, nil, 0),  // Not activated.
            (nil, "1", 0),  // LISTEN_FDS alone means nothing.
            ("4242", "1", 1),
            ("4242", "3", 3),
            ("4242", "0", 0),
            ("4242", nil, 0),
            ("999", "1", 0),  // For another process: inherited from an activated parent.
        ] as [(String?, String?, Int)]
    )
    func descriptorCount_followsSdListenFds(pid: String?, fds: String?, expected: Int) throws {
        #expect(try SocketActivation.descriptorCount(listenPID: pid, listenFDs: fds, processID: 4242) == expected)
    }

    @Test(arguments: [("x", "1"), ("-1", "1"), ("0", "1"), ("4242", "two"), ("4242", "-1"), ("4242", "")])
    func descriptorCount_malformed_throwsNamingTheVariable(pid: String, fds: String) {
        let error = #expect(throws: SocketActivation.ActivationError.self) {
            try SocketActivation.descriptorCount(listenPID: pid, listenFDs: fds, processID: 4242)
        }
        #expect(error?.description.hasPrefix(Int32(pid) ?? 0 > 0 ? "LISTEN_FDS" : "LISTEN_PID") == true)
    }

    /// Runs `takeListeners` with `LISTEN_PID` set to our pid and `descriptor` as the first passed one.
    func take(_ descriptor: Int32, count: Int = 1, unset: inout [String]) throws -> [Socket] {
        let environment = ["LISTEN_PID": String(getpid()), "LISTEN_FDS": String(count)]
        var removed: [String] = []
        defer { unset = removed }
        return try SocketActivation.takeListeners(
            environment: { environment[$0] },
            unset: { removed.append($0) },
            processID: getpid(),
            firstDescriptor: descriptor
        )
    }

    @Test func takeListeners_adoptsAListeningSocket_setsCloexec_andUnsetsTheVariables() throws {
        let listener = try Socket(family: .ipv4)
        try listener.bind(to: try SocketAddress.resolve(host: "127.0.0.1", port: 0)[0])
        try listener.listen(backlog: 4)
        let port = try listener.localAddress().port
        // A copy without FD_CLOEXEC, as a service manager passes it.
        let passed = listener.withUnsafeHandle { dup($0) }
        listener.close()
        var unset: [String] = []
        let sockets = try take(passed, unset: &unset)
        #expect(sockets.count == 1)
        #expect(try sockets[0].localAddress().port == port)
        #expect(fcntl(passed, F_GETFD) & FD_CLOEXEC != 0)
        #expect(unset == ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"])
        sockets[0].close()
    }

    @Test func takeListeners_ofAFile_throwsNotASocket() throws {
        let file = open("/dev/null", O_RDONLY)
        defer { close(file) }
        var unset: [String] = []
        let error = #expect(throws: SocketActivation.ActivationError.self) { try take(file, unset: &unset) }
        #expect(error?.description == "passed descriptor \(file) is not a socket")
        #expect(unset.count == 3)
    }

    @Test func takeListeners_ofAConnectedSocket_throwsNotListening() throws {
        let (a, b) = try Socket.makePair()
        defer { b.close() }
        let descriptor = a.withUnsafeHandle { dup($0) }
        a.close()
        var unset: [String] = []
        let error = #expect(throws: SocketActivation.ActivationError.self) { try take(descriptor, unset: &unset) }
        #expect(error?.description == "passed descriptor \(descriptor) is not listening (Accept=yes is not supported)")
    }

    @Test func takeListeners_ofAClosedDescriptor_throwsEBADF() throws {
        var unset: [String] = []
        let error = #expect(throws: SocketActivation.ActivationError.self) { try take(1_000_000, unset: &unset) }
        #expect(error?.description == "passed descriptor 1000000: fcntl(F_GETFD): Bad file descriptor (errno 9)")
    }
}
