import Sockets

/// A ``ByteStream`` over a connected TCP ``Socket``: plain `http://`.
///
/// Reads wait with `poll(2)` for the sooner of the deadline and ``ioTimeout``, so a silent server costs at most
/// that; writes are bounded the same way through `SO_SNDTIMEO`. The stream owns the socket and closes it once.
public final class SocketStream: ByteStream {
    private let socket: Socket
    /// How long one read or write may wait for the peer; `nil` waits until the deadline (or forever).
    public var ioTimeout: Duration?

    /// Takes ownership of a connected `socket`.
    public init(socket: Socket, ioTimeout: Duration? = nil) {
        self.socket = socket
        self.ioTimeout = ioTimeout
    }

    /// Connects to the first of `addresses` that accepts, trying each in turn.
    ///
    /// Each attempt gets `connectTimeout`, cut short by `deadline`.
    /// - Parameters:
    ///   - name: the `host:port` named in a timeout message.
    ///   - ioTimeout: the new stream's ``ioTimeout``.
    ///   - onEvent: told of each attempt and of the connection.
    /// - Throws: ``ClientError/connectFailed(_:)`` when every address failed, ``ClientError/timedOut(_:)``
    ///   when the last attempt timed out or the deadline passed.
    public static func connect(
        to addresses: [SocketAddress],
        name: String,
        connectTimeout: Duration?,
        deadline: ContinuousClock.Instant?,
        ioTimeout: Duration? = nil,
        onEvent: (ClientEvent) -> Void = { _ in }
    ) throws(ClientError) -> SocketStream {
        var failures: [String] = []
        var lastTimedOut = false
        for address in addresses {
            var timeout = connectTimeout
            if let deadline {
                let left = try remaining(deadline)
                timeout = timeout.map { min($0, left) } ?? left
            }
            onEvent(.connecting(address))
            do {
                let socket = try Socket(family: address.family)
                do {
                    try socket.connect(to: address, timeout: timeout)
                } catch {
                    socket.close()
                    throw error
                }
                onEvent(.connected(address))
                return SocketStream(socket: socket, ioTimeout: ioTimeout)
            } catch SocketError.timedOut {
                failures.append("\(address): connect timed out")
                lastTimedOut = true
            } catch {
                failures.append("\(address): \(error)")
                lastTimedOut = false
            }
        }
        let attempts = failures.joined(separator: "; ")
        if lastTimedOut { throw .timedOut("connection to \(name) (\(attempts))") }
        throw .connectFailed(attempts)
    }

    /// The time one wait may take: the sooner of ``ioTimeout`` and `deadline`, and whether the deadline was it.
    private func wait(until deadline: ContinuousClock.Instant?) throws(ClientError) -> (Duration?, isDeadline: Bool) {
        guard let deadline else { return (ioTimeout, false) }
        let left = try remaining(deadline)
        if let ioTimeout, ioTimeout < left { return (ioTimeout, false) }
        return (left, true)
    }

    public func read(
        into buffer: UnsafeMutableRawBufferPointer,
        deadline: ContinuousClock.Instant?
    ) throws(ClientError) -> Int {
        let (timeout, isDeadline) = try wait(until: deadline)
        do {
            if let timeout {
                guard try Poll.wait(for: .readable, on: socket, timeoutMilliseconds: Poll.milliseconds(timeout)) else {
                    throw ClientError.timedOut(isDeadline ? "operation" : "reading the response")
                }
            }
            switch try socket.receive(into: buffer) {
            case .processed(let count): return count
            case .wouldBlock: throw ClientError.timedOut("reading the response")
            }
        } catch let error as ClientError {
            throw error
        } catch SocketError.peerClosed {
            throw .connectionReset
        } catch {
            throw .receiveFailed("\(error)")
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant?) throws(ClientError) {
        let (timeout, _) = try wait(until: deadline)
        do {
            // SO_SNDTIMEO bounds each blocking send(2); sendAll loops over partial sends.
            if timeout != nil { try socket.setTimeouts(receive: nil, send: timeout) }
            try socket.sendAll(bytes)
        } catch SocketError.timedOut {
            throw .timedOut("sending the request")
        } catch {
            throw .sendFailed("\(error)")
        }
    }

    public func closeWrite() throws(ClientError) {
        do { try socket.shutdown(.write) } catch { throw .sendFailed("\(error)") }
    }

    public func close() { socket.close() }
}
