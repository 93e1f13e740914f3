import Sockets

extension Server {
    /// The listening socket a service manager passed by socket activation, or `nil` when none was passed.
    ///
    /// Reads and removes `LISTEN_PID`/`LISTEN_FDS` (sd_listen_fds(3)). Pass the result to
    /// ``init(configuration:listener:)``: with a socket, the server serves it instead of binding; every
    /// one of the ``ServerConfiguration/workers`` loops accepts from it, as from a socket of its own.
    /// - Throws: ``StartError`` when the variables are malformed, a passed descriptor is not a listening
    ///   TCP socket, or more than one was passed (a `.socket` unit with several `ListenStream=` lines).
    public static func takeActivatedListener() throws(StartError) -> Socket? {
        let sockets: [Socket]
        do {
            sockets = try SocketActivation.takeListeners()
        } catch {
            throw StartError(description: "socket activation: \(error)")
        }
        guard sockets.count <= 1 else {
            for socket in sockets { socket.close() }
            throw StartError(
                description:
                    "socket activation: \(sockets.count) sockets passed; http-serve serves one (one ListenStream=)"
            )
        }
        return sockets.first
    }
}
