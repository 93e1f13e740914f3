/// The version of http10: both commands (`http-serve --version`, `http-fetch --version`), the server's
/// `Server` header and the client's `User-Agent` report this one value.
public let http10Version = "0.3.0"
