// The system OpenSSL 3 (Debian: libssl-dev), seen from Swift.
#ifndef HTTP10_COPENSSL_SHIM_H
#define HTTP10_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// Several OpenSSL entry points are C macros over SSL_ctrl / BIO_ctrl, which Swift cannot call; each is
// wrapped once here under the macro's own name with a copenssl_ prefix.

/// SSL_CTX_set_min_proto_version(3): the lowest protocol version the context negotiates.
static inline int copenssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}

/// SSL_CTX_set_max_proto_version(3): the highest protocol version the context negotiates.
static inline int copenssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_max_proto_version(ctx, version);
}

/// SSL_CTX_set_mode(3).
static inline long copenssl_ctx_set_mode(SSL_CTX *ctx, long mode) { return SSL_CTX_set_mode(ctx, mode); }

/// SSL_set_tlsext_host_name(3): the name sent as Server Name Indication (RFC 6066 §3).
static inline int copenssl_set_tlsext_host_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}

/// SSL_get_servername(3) for the name the client sent, or NULL.
static inline const char *copenssl_get_servername(const SSL *ssl) {
    return SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
}

/// BIO_ctrl_pending(3): bytes waiting to be read from a memory BIO.
static inline size_t copenssl_bio_pending(BIO *bio) { return BIO_ctrl_pending(bio); }

/// BIO_set_mem_eof_return(3): what reading an empty memory BIO returns; 0 makes it an end of stream
/// instead of "retry" (-1, the default).
static inline long copenssl_bio_set_mem_eof_return(BIO *bio, int value) { return BIO_set_mem_eof_return(bio, value); }

/// XN_FLAG_RFC2253 for X509_NAME_print_ex(3): "CN=localhost,O=..." (a macro of macros).
static inline unsigned long copenssl_xn_flag_rfc2253(void) { return XN_FLAG_RFC2253; }

#endif
