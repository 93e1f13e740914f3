import Sockets
import System
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct EngineCallsTests {
    /// Room for the events one `Epoll.wait` returns.
    let eventBuffer = [Epoll.Event](repeating: Epoll.Event(), count: 8)

    /// A new epoll set watching `watched` of a fresh socket pair (`other` is its peer) for `events` under
    /// `token`; checked to report nothing yet.
    func watchedPair(
        _ events: Epoll.Events,
        token: UInt64
    ) throws -> (epoll: Epoll, watched: Socket, other: Socket) {
        let epoll = try Epoll()
        let (watched, other) = try Socket.makePair()
        try epoll.add(watched, events: events, token: token)
        var ready = eventBuffer
        #expect(try epoll.wait(into: &ready, timeoutMilliseconds: 0) == 0)
        return (epoll, watched, other)
    }

    @Test func epoll_reportsReadableWithItsToken_andNothingAfterRemove() throws {
        let (epoll, b, a) = try watchedPair(.readable, token: 42)
        defer { epoll.close() }
        var events = eventBuffer
        try a.sendAll([1, 2, 3])
        #expect(try epoll.wait(into: &events, timeoutMilliseconds: 1000) == 1)
        #expect(events[0].token == 42)
        #expect(events[0].events.contains(.readable))
        // Level-triggered: still ready while the bytes are unread.
        #expect(try epoll.wait(into: &events, timeoutMilliseconds: 0) == 1)
        try epoll.remove(b)
        #expect(try epoll.wait(into: &events, timeoutMilliseconds: 0) == 0)
    }

    @Test func epoll_modify_switchesToWritable() throws {
        let (epoll, a, peer) = try watchedPair(.readable, token: 7)
        defer { epoll.close() }
        var events = eventBuffer
        try epoll.modify(a, events: .writable, token: 8)
        #expect(try epoll.wait(into: &events, timeoutMilliseconds: 1000) == 1)
        #expect(events[0].token == 8 && events[0].events.contains(.writable))
        withExtendedLifetime(peer) {}
    }

    @Test func eventNotifier_wakesEpoll_andStaysReadable() throws {
        let epoll = try Epoll()
        defer { epoll.close() }
        let notifier = try EventNotifier()
        try epoll.add(notifier, token: 9)
        var events = [Epoll.Event](repeating: Epoll.Event(), count: 4)
        #expect(try epoll.wait(into: &events, timeoutMilliseconds: 0) == 0)
        try Threads.detach { notifier.notify() }
        #expect(try epoll.wait(into: &events, timeoutMilliseconds: 2000) == 1)
        #expect(events[0].token == 9)
        #expect(try epoll.wait(into: &events, timeoutMilliseconds: 0) == 1)
    }

    @Test func gatheredSend_takesBothBuffersInOrder() throws {
        let (a, b) = try Socket.makePair()
        let head = Array("HEAD|".utf8)
        let body = Array("body".utf8)
        let result = try head.withUnsafeBytes { h in try body.withUnsafeBytes { try a.send(h, $0) } }
        #expect(result == .processed(9))
        #expect(try b.receive(upTo: 100) == head + body)
    }

    @Test func gatheredSend_toFullSocket_wouldBlock_toClosedPeer_throwsPeerClosed() throws {
        let (a, b) = try Socket.makePair()
        try a.setNonBlocking(true)
        try a.setSendBufferSize(4096)
        let chunk = [UInt8](repeating: 7, count: 65536)
        var sawWouldBlock = false
        for _ in 0..<1000 where !sawWouldBlock {
            let result = try chunk.withUnsafeBytes { try a.send($0, UnsafeRawBufferPointer(start: nil, count: 0)) }
            if result == .wouldBlock { sawWouldBlock = true }
        }
        #expect(sawWouldBlock)
        b.close()
        #expect(throws: SocketError.peerClosed) {
            _ = try chunk.withUnsafeBytes { try a.send($0, $0) }
        }
    }

    @Test func sendFile_sendsTheRangeAsked_andZeroPastTheEnd() throws {
        let tree = TemporaryTree()
        let contents = (0..<10000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let path = tree.file("data.bin", contents)
        let file = try OpenFile.open(FilePath(path))
        defer { file.close() }
        let (a, b) = try Socket.makePair()
        #expect(try a.sendFile(file, offset: 100, count: 900) == .processed(900))
        var received: [UInt8] = []
        while received.count < 900 { received += try b.receive(upTo: 4096) }
        #expect(received == Array(contents[100..<1000]))
        // At the end of the file there is nothing left to send: 0, which the engine reads as "the file shrank".
        #expect(try a.sendFile(file, offset: 10000, count: 100) == .processed(0))
    }
}
