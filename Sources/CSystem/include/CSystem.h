// Linux calls that Swift's Glibc module does not export: they sit behind _GNU_SOURCE
// or in headers the module leaves out. Only the System and Sockets modules import this.
// The header declares plain wrappers; shim.c, compiled with _GNU_SOURCE, defines them,
// so no GNU-only type definition leaks into Swift and clashes with the Glibc module's.
#ifndef HTTP10_CSYSTEM_H
#define HTTP10_CSYSTEM_H

#include <stddef.h>
#include <stdint.h>

/// accept4(2) without the peer address: SOCK_NONBLOCK / SOCK_CLOEXEC set atomically with the accept.
int csystem_accept4(int fd, int flags);
/// accept4(2) that also stores the peer's address (`address` points to a sockaddr_storage, `*length` its size).
int csystem_accept4_address(int fd, void *address, uint32_t *length, int flags);

// epoll(7) event bits (the kernel ABI values from <sys/epoll.h>).
#define CSYSTEM_EPOLLIN 0x001u
#define CSYSTEM_EPOLLOUT 0x004u
#define CSYSTEM_EPOLLERR 0x008u
#define CSYSTEM_EPOLLHUP 0x010u
#define CSYSTEM_EPOLLRDHUP 0x2000u
#define CSYSTEM_EPOLLEXCLUSIVE (1u << 28)

#define CSYSTEM_EPOLL_CTL_ADD 1
#define CSYSTEM_EPOLL_CTL_DEL 2
#define CSYSTEM_EPOLL_CTL_MOD 3

/// One ready descriptor. Not `struct epoll_event`: that one is packed on x86-64, so the shim copies.
typedef struct csystem_epoll_event {
    uint32_t events;
    uint64_t token;
} csystem_epoll_event;

/// epoll_create1(EPOLL_CLOEXEC).
int csystem_epoll_create(void);
/// epoll_ctl(2) with `events` and a 64-bit token handed back by csystem_epoll_wait.
int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);
/// epoll_wait(2) into `events` (at most 512 at a time).
int csystem_epoll_wait(int epfd, csystem_epoll_event *events, int max_events, int timeout_ms);

/// eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK).
int csystem_eventfd(void);
/// Adds 1 to an eventfd counter (write(2) of a uint64_t).
int csystem_eventfd_signal(int fd);
/// Reads (and so resets) an eventfd counter; -1 with EAGAIN when it was already zero.
int csystem_eventfd_consume(int fd);
/// Lowers the calling thread's scheduling priority by `increment` nice steps (setpriority(2) on its gettid(2)).
int csystem_lower_thread_priority(int increment);

/// sendfile(2): sends up to `count` bytes of `in_fd` from `*offset` to `out_fd`, advancing `*offset`.
long csystem_sendfile(int out_fd, int in_fd, int64_t *offset, size_t count);

/// sendmsg(2) of two buffers with MSG_NOSIGNAL (writev(2) has no flags, so it could raise SIGPIPE);
/// MSG_MORE when `more` is non-zero (more data follows: do not push a partial frame yet).
long csystem_send2(int fd, const void *first, size_t first_count, const void *second, size_t second_count, int more);

/// openat2(2) (no glibc wrapper: syscall(SYS_openat2)) with `open_how.flags = flags` and
/// `resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`: `path` is resolved below `dirfd` only, and no component
/// may be a symbolic link. Returns the descriptor, or -1 with errno set (ENOSYS before Linux 5.6, ELOOP for
/// a symbolic link, EXDEV for an escape).
int csystem_openat2_beneath(int dirfd, const char *path, int flags);

/// The number of CPUs this process may run on (sched_getaffinity(2), CPU_COUNT), or -1 with errno set.
int csystem_available_cpus(void);

/// Raises the soft RLIMIT_NOFILE towards `wanted`, never above the hard limit.
/// Returns the soft limit in force afterwards, or -1 with errno set.
long long csystem_raise_nofile_limit(unsigned long long wanted);

/// crypt_r(3) (libxcrypt): hashes `phrase` with the method and salt of `setting` into `output` (`size` bytes,
/// NUL-terminated). Returns 0, or -1 when the setting is invalid or the result does not fit.
int csystem_crypt(const char *phrase, const char *setting, char *output, size_t size);

/// readdir(3) on `directory` (a `DIR *`), handing out only the name and `d_type` of the next entry: Swift never
/// sees a `struct dirent`, whose last record in readdir's buffer may end before a full struct would
/// (getdents64(2) packs records by name length). Returns 1 with `*name` (valid until the next call) and `*type`
/// set, 0 at the end, -1 with errno on an error.
int csystem_readdir(void *directory, const char **name, unsigned char *type);

#endif
