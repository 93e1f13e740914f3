import System

#if canImport(Glibc)
import Glibc
#endif

/// systemd socket activation: listening sockets a service manager opened and passed to this process.
///
/// The protocol is sd_listen_fds(3): the manager binds and listens, then starts the service with the
/// sockets as descriptors 3, 4, ... (`SD_LISTEN_FDS_START`), `LISTEN_FDS` set to their number and
/// `LISTEN_PID` to the service's process id. systemd.socket(5) describes the unit side; the tool
/// `systemd-socket-activate(1)` does the same from a shell.
public enum SocketActivation {
    /// The first passed descriptor, `SD_LISTEN_FDS_START` in sd-daemon.h.
    public static let firstDescriptor: Int32 = 3

    /// Why the passed sockets cannot be used; the description is one line naming the variable or descriptor.
    public struct ActivationError: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Takes ownership of the listening TCP sockets passed by the service manager, if any.
    ///
    /// Returns an empty array when `LISTEN_PID` is not set or names another process: the variables
    /// were inherited from a parent that was the one activated (sd_listen_fds(3)). Either way
    /// `LISTEN_PID`, `LISTEN_FDS` and `LISTEN_FDNAMES` are removed from the environment, as
    /// `sd_listen_fds(3)` does when asked to, so no child process mistakes the sockets for its own.
    /// Each socket is made close-on-exec.
    /// - Throws: ``ActivationError`` when a variable is malformed, or a descriptor is not an open,
    ///   listening IPv4/IPv6 stream socket.
    public static func takeListeners() throws(ActivationError) -> [Socket] {
        try takeListeners(
            environment: { Environment.value($0) },
            unset: { _ = unsetenv($0) },
            processID: getpid(),
            firstDescriptor: firstDescriptor
        )
    }

    /// ``takeListeners()`` with its inputs open to tests.
    static func takeListeners(
        environment: (String) -> String?,
        unset: (String) -> Void,
        processID: Int32,
        firstDescriptor: Int32
    ) throws(ActivationError) -> [Socket] {
        let count: Int
        do {
            defer {
                // sd_listen_fds(3) with unset_environment: removed whatever the outcome.
                for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unset(name) }
            }
            count = try descriptorCount(
                listenPID: environment("LISTEN_PID"),
                listenFDs: environment("LISTEN_FDS"),
                processID: processID
            )
        }
        var sockets: [Socket] = []
        for descriptor in firstDescriptor..<(firstDescriptor + Int32(count)) {
            sockets.append(try adoptListening(descriptor))
        }
        return sockets
    }

    /// How many descriptors `LISTEN_PID` and `LISTEN_FDS` pass to the process `processID`; 0 for none.
    ///
    /// - Throws: ``ActivationError`` when either value is not a decimal number, or the count is
    ///   negative or absurdly large.
    public static func descriptorCount(
        listenPID: String?,
        listenFDs: String?,
        processID: Int32
    ) throws(ActivationError) -> Int {
        guard let listenPID else { return 0 }
        guard let pid = Int32(listenPID), pid > 0 else {
            throw ActivationError(description: "LISTEN_PID is not a process id: '\(listenPID)'")
        }
        // Not for us: the manager started our parent, which passed its environment on.
        guard pid == processID else { return 0 }
        guard let listenFDs else { return 0 }
        guard let count = Int(listenFDs), (0...65536).contains(count) else {
            throw ActivationError(description: "LISTEN_FDS is not a descriptor count: '\(listenFDs)'")
        }
        return count
    }

    /// Checks that `descriptor` is an open, listening IPv4 or IPv6 stream socket, sets close-on-exec and adopts it.
    private static func adoptListening(_ descriptor: Int32) throws(ActivationError) -> Socket {
        let name = "passed descriptor \(descriptor)"
        // sd_listen_fds(3) sets FD_CLOEXEC on every passed descriptor; EBADF here means nothing was passed.
        let flags = fcntl(descriptor, F_GETFD)
        guard flags >= 0 else {
            throw ActivationError(description: "\(name): \(SystemError(call: "fcntl(F_GETFD)", errno: errno))")
        }
        _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC)
        func option(_ option: Int32) -> Int32? {
            var value: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(descriptor, SOL_SOCKET, option, &value, &size) == 0 ? value : nil
        }
        // ENOTSOCK: a file or pipe. sd_is_socket(3) makes the same checks.
        guard let type = option(SO_TYPE) else { throw ActivationError(description: "\(name) is not a socket") }
        guard type == Int32(SOCK_STREAM.rawValue) else {
            throw ActivationError(description: "\(name) is not a stream socket (ListenDatagram= is not served)")
        }
        guard option(SO_ACCEPTCONN) == 1 else {
            throw ActivationError(description: "\(name) is not listening (Accept=yes is not supported)")
        }
        let socket = Socket(adopting: descriptor)
        let family = (try? socket.localAddress())?.family ?? .unspecified
        guard family == .ipv4 || family == .ipv6 else {
            throw ActivationError(description: "\(name) is not an IPv4 or IPv6 socket (a Unix socket?)")
        }
        return socket
    }
}
