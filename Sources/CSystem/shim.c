#define _GNU_SOURCE
#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include "CSystem.h"

int csystem_accept4(int fd, int flags) {
    return accept4(fd, (struct sockaddr *)0, (socklen_t *)0, flags);
}

int csystem_accept4_address(int fd, void *address, uint32_t *length, int flags) {
    socklen_t size = (socklen_t)*length;
    int result = accept4(fd, (struct sockaddr *)address, &size, flags);
    *length = (uint32_t)size;
    return result;
}

int csystem_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int csystem_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof event);
    event.events = events;
    event.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &event);
}

int csystem_epoll_wait(int epfd, csystem_epoll_event *events, int max_events, int timeout_ms) {
    struct epoll_event raw[512];
    if (max_events > 512) max_events = 512;
    int count = epoll_wait(epfd, raw, max_events, timeout_ms);
    for (int i = 0; i < count; i++) {
        events[i].events = raw[i].events;
        events[i].token = raw[i].data.u64;
    }
    return count;
}

int csystem_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

int csystem_eventfd_signal(int fd) {
    uint64_t one = 1;
    return (int)write(fd, &one, sizeof one);
}

int csystem_eventfd_consume(int fd) {
    uint64_t count;
    return (int)read(fd, &count, sizeof count);
}

int csystem_lower_thread_priority(int increment) {
    // On Linux setpriority(PRIO_PROCESS, tid) applies to that one thread (setpriority(2) BUGS).
    pid_t tid = (pid_t)syscall(SYS_gettid);
    errno = 0;
    int now = getpriority(PRIO_PROCESS, (id_t)tid);
    if (now == -1 && errno != 0) return -1;
    return setpriority(PRIO_PROCESS, (id_t)tid, now + increment);
}

long csystem_sendfile(int out_fd, int in_fd, int64_t *offset, size_t count) {
    off_t position = (off_t)*offset;
    ssize_t sent = sendfile(out_fd, in_fd, &position, count);
    *offset = (int64_t)position;
    return (long)sent;
}

long csystem_send2(int fd, const void *first, size_t first_count, const void *second, size_t second_count, int more) {
    struct iovec vectors[2];
    struct msghdr message;
    memset(&message, 0, sizeof message);
    int count = 0;
    if (first_count > 0) {
        vectors[count].iov_base = (void *)first;
        vectors[count].iov_len = first_count;
        count++;
    }
    if (second_count > 0) {
        vectors[count].iov_base = (void *)second;
        vectors[count].iov_len = second_count;
        count++;
    }
    message.msg_iov = vectors;
    message.msg_iovlen = count;
    return (long)sendmsg(fd, &message, MSG_NOSIGNAL | (more ? MSG_MORE : 0));
}

int csystem_available_cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return -1;
    return CPU_COUNT(&set);
}

long long csystem_raise_nofile_limit(unsigned long long wanted) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        rlim_t target = wanted;
        if (limit.rlim_max != RLIM_INFINITY && target > limit.rlim_max) target = limit.rlim_max;
        if (target > limit.rlim_cur) {
            struct rlimit raised = { target, limit.rlim_max };
            if (setrlimit(RLIMIT_NOFILE, &raised) != 0) return -1;
            limit.rlim_cur = target;
        }
    }
    return limit.rlim_cur == RLIM_INFINITY ? (long long)INT64_MAX : (long long)limit.rlim_cur;
}

int csystem_crypt(const char *phrase, const char *setting, char *output, size_t size) {
    // crypt_data is about 32 KiB: on the heap, so an event loop's stack never has to hold it.
    struct crypt_data *data = calloc(1, sizeof(struct crypt_data));
    if (data == NULL) return -1;
    const char *result = crypt_r(phrase, setting, data);
    // libxcrypt returns NULL or a string starting with '*' for an invalid setting (crypt(3)).
    int status = -1;
    if (result != NULL && result[0] != '*' && strlen(result) < size) {
        strcpy(output, result);
        status = 0;
    }
    free(data);
    return status;
}

int csystem_openat2_beneath(int dirfd, const char *path, int flags) {
#ifdef SYS_openat2
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)(unsigned)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int csystem_readdir(void *directory, const char **name, unsigned char *type) {
    // readdir(3): NULL with errno unchanged at the end, NULL with errno set on an error.
    errno = 0;
    struct dirent *entry = readdir((DIR *)directory);
    if (entry == NULL) return errno == 0 ? 0 : -1;
    *name = entry->d_name;
    *type = entry->d_type;
    return 1;
}
