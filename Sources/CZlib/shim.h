// The system zlib (Debian: libz-dev / zlib1g-dev), seen from Swift.
#ifndef HTTP10_CZLIB_SHIM_H
#define HTTP10_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 and inflateInit2 are C macros that pass ZLIB_VERSION and sizeof(z_stream) so the library
// can check the header matches it; Swift cannot call macros, so they are wrapped once here.
// windowBits 16 + 15: a 32 KiB window with a gzip header and CRC-32 trailer (RFC 1952), not zlib's.

/// deflateInit2(stream, level, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY): a gzip encoder.
static inline int czlib_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}

/// inflateInit2(stream, 16 + 15): a decoder that accepts only the gzip format.
static inline int czlib_inflate_init_gzip(z_streamp stream) {
    return inflateInit2(stream, 16 + MAX_WBITS);
}

#endif
