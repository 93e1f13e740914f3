// Linux calls that Swift's Glibc module does not export: they sit behind _GNU_SOURCE
// or in headers the module leaves out. Only the Sockets module imports this.
// The header declares plain wrappers; shim.c, compiled with _GNU_SOURCE, defines them,
// so no GNU-only type definition leaks into Swift and clashes with the Glibc module's.
#ifndef HTTP10_CSYSTEM_H
#define HTTP10_CSYSTEM_H

/// accept4(2) without the peer address: SOCK_NONBLOCK / SOCK_CLOEXEC set atomically with the accept.
int csystem_accept4(int fd, int flags);

#endif
