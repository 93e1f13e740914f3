import Sockets
import System
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SocketTests {
    @Test func sendAll_multiMegabyte_arrivesWhole() throws {
        let (a, b) = try Socket.makePair()
        try a.setSendBufferSize(4096)  // A small buffer forces many partial sends.
        let payload = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        try Threads.detach {
            try? a.sendAll(payload)
            a.close()
        }
        var received: [UInt8] = []
        while true {
            let chunk = try b.receive(upTo: 65536)
            if chunk.isEmpty { break }  // EOF after the peer closed.
            received += chunk
        }
        #expect(received.count == payload.count)
        #expect(received == payload)
    }

    @Test func receive_afterPeerShutdownWrite_isEOF() throws {
        let (a, b) = try Socket.makePair()
        try a.sendAll(Array("hi".utf8))
        try a.shutdown(.write)
        #expect(try b.receive(upTo: 10) == Array("hi".utf8))
        #expect(try b.receive(upTo: 10) == [])
        // The half-closed side can still receive.
        try b.sendAll([1, 2, 3])
        #expect(try a.receive(upTo: 10) == [1, 2, 3])
    }

    @Test func send_afterPeerClosed_throwsPeerClosed() throws {
        let (a, b) = try Socket.makePair()
        b.close()
        #expect(throws: SocketError.peerClosed) { try a.sendAll([UInt8](repeating: 1, count: 100_000)) }
    }

    @Test func receive_withTimeout_throwsTimedOut() throws {
        let (a, peer) = try Socket.makePair()
        try a.setTimeouts(receive: .milliseconds(50), send: nil)
        #expect(throws: SocketError.timedOut) { try a.receive(upTo: 10) }
        withExtendedLifetime(peer) {}  // An open peer that sends nothing: no EOF, just silence.
    }

    @Test func nonBlockingReceive_withNothing_wouldBlock() throws {
        let (a, peer) = try Socket.makePair()
        try a.setNonBlocking(true)
        var buffer = [UInt8](repeating: 0, count: 8)
        let result = try buffer.withUnsafeMutableBytes { try a.receive(into: $0) }
        #expect(result == .wouldBlock)
        withExtendedLifetime(peer) {}
    }

    @Test func failedBind_namesCallAndErrno() throws {
        let address = try SocketAddress.resolve(host: "127.0.0.1", port: 0)[0]
        let first = try Socket(family: .ipv4)
        try first.bind(to: address)
        try first.listen(backlog: 1)
        let taken = try SocketAddress.resolve(host: "127.0.0.1", port: try first.localAddress().port)[0]
        let second = try Socket(family: .ipv4)
        do {
            try second.bind(to: taken)
            Issue.record("bind should fail")
        } catch {
            #expect(error.description == "bind: Address already in use (errno 98)")
        }
    }

    @Test func resolve_numericAddresses() throws {
        let v4 = try SocketAddress.resolve(host: "127.0.0.1", port: 8080)
        #expect(v4.first?.description == "127.0.0.1:8080")
        let v6 = try SocketAddress.resolve(host: "::1", port: 80)
        #expect(v6.first?.description == "[::1]:80")
        #expect(v6.first?.family == .ipv6)
    }

    @Test func writeHost_writesTheNumericHostAsHostDoes() throws {
        let texts = [
            "127.0.0.1", "::1", "2001:db8::17", "255.255.255.255", "0.0.0.0", "10.0.99.100", "1.20.255.9",
            "::ffff:192.0.2.1",
        ]
        for text in texts {
            let address = try SocketAddress.resolve(host: text, port: 80)[0]
            var room = [UInt8](repeating: 0, count: SocketAddress.maximumHostLength)
            let length = room.withUnsafeMutableBufferPointer { address.writeHost(into: $0) }
            #expect(Array(room[..<length]) == Array(text.utf8))
            #expect(address.host == text)
        }
    }

    @Test func resolve_unknownHost_throwsInvalidAddress() {
        #expect {
            try SocketAddress.resolve(host: "no-such-host.invalid", port: 80)
        } throws: { error in
            guard case SocketError.invalidAddress(let text) = error else { return false }
            return text.hasPrefix("could not resolve host 'no-such-host.invalid'")
        }
    }

    @Test func connect_toClosedPort_isRefused() throws {
        let listener = try Socket(family: .ipv4)
        try listener.bind(to: try SocketAddress.resolve(host: "127.0.0.1", port: 0)[0])
        let port = try listener.localAddress().port
        listener.close()  // Bound but never listening, now closed: nobody is there.
        let client = try Socket(family: .ipv4)
        #expect(throws: SystemError(call: "connect", errno: ECONNREFUSED)) {
            try client.connect(to: try SocketAddress.resolve(host: "127.0.0.1", port: port)[0], timeout: .seconds(2))
        }
    }

    @Test func setCork_onAConnectedTCPSocket_succeeds() throws {
        let listener = try Socket(family: .ipv4)
        defer { listener.close() }
        try listener.bind(to: try SocketAddress.resolve(host: "127.0.0.1", port: 0, passive: true)[0])
        try listener.listen(backlog: 1)
        let client = try Socket(family: .ipv4)
        defer { client.close() }
        try client.connect(to: try listener.localAddress(), timeout: .seconds(5))
        try client.setCork(true)
        try client.setCork(false)
    }

    @Test func acceptInto_oneSocketObject_servesTwoConnectionsInTurn_andStaysClosedWhenNoneWaits() throws {
        let listener = try Socket(family: .ipv4)
        defer { listener.close() }
        try listener.bind(to: try SocketAddress.resolve(host: "127.0.0.1", port: 0, passive: true)[0])
        try listener.listen(backlog: 4)
        try listener.setNonBlocking(true)  // As the server's: an empty queue is EAGAIN, not a wait.
        let reused = Socket()
        #expect(!reused.isOpen)
        var peer = SocketAddress()
        // Nothing waiting: no descriptor taken, the address left alone.
        #expect(try listener.acceptNonBlocking(into: reused, peer: &peer) == false)
        #expect(!reused.isOpen && peer.family == .unspecified)
        for message in ["first", "second"] {
            let client = try Socket(family: .ipv4)
            defer { client.close() }
            try client.connect(to: try listener.localAddress(), timeout: .seconds(5))
            var accepted = false
            for _ in 0..<500 where !accepted {
                accepted = try listener.acceptNonBlocking(into: reused, peer: &peer)
                if !accepted { Threads.sleep(.milliseconds(2)) }
            }
            try #require(accepted)
            #expect(reused.isOpen)
            let clientPort = try client.localAddress().port
            #expect(peer.family == .ipv4 && peer.port == clientPort)
            try client.sendAll(Array(message.utf8))
            try client.shutdown(.write)
            // The socket reads this client's bytes: its descriptor is the new connection, not the one before.
            try reused.setNonBlocking(false)
            try reused.setTimeouts(receive: .seconds(5), send: .seconds(5))
            var received: [UInt8] = []
            while case let bytes = try reused.receive(upTo: 64), !bytes.isEmpty { received += bytes }
            #expect(received == Array(message.utf8))
            reused.close()
            #expect(!reused.isOpen)
        }
    }
}
