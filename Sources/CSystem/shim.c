#define _GNU_SOURCE
#include <sys/socket.h>
#include "CSystem.h"

int csystem_accept4(int fd, int flags) {
    return accept4(fd, (struct sockaddr *)0, (socklen_t *)0, flags);
}
