import HTTPCore
import System

/// The fast path for a small file the event loop keeps (``SmallFileCache``): 5 system calls per GET instead of 7.
///
/// Once the loop keeps a file's bytes, opening the file only tells which version the path names now. So a path
/// that a full resolution (``RootDirectory/openBeneath(_:)``: `openat2` with `RESOLVE_BENEATH |
/// RESOLVE_NO_SYMLINKS`, or without openat2 the `stat` + `realpath` check when the real path shows no link on
/// the way) found naming a kept version less than a second ago is answered after one `fstatat(2)` of the path
/// (``RootDirectory/statusBeneath(_:)``, not following a last symbolic link) instead of `openat2` + `fstat` +
/// `close`, when that status is a regular file with the kept version's device, inode, size, mtime and ctime
/// (nanoseconds). Anything else, or an error, takes the full path exactly as before.
///
/// What the rest sees is unchanged: the dotfile rule, Basic authentication and the method check come before;
/// the plan is made by the same steps from the same `FileStatus` (content coding, conditionals, `Range`, HEAD),
/// only its identity body is the kept bytes instead of the open file (which the engine would have replaced by
/// the same bytes).
///
/// Why one second: `fstatat` cannot confine its walk as `openat2` does. A file renamed, linked or replaced gets
/// a new ctime or another inode and misses; but a folder on the way moved out of the root and replaced by a
/// symbolic link to its new place still leads to the same inode, unchanged. The full resolution refuses that
/// link; the fast path serves those same bytes (which it sent from that path a moment ago) until the path's
/// confirmation is a second old. nginx's `open_file_cache` keeps what it found for `open_file_cache_valid`
/// (60 s by default) without even a `stat`.
///
/// A folder target (`/`, `/docs/`) whose full resolution found a kept index file less than a second ago is answered
/// the same way, after one `fstatat` of the index's path: the folder names the index the full resolution chose
/// (the first of the `--index` names that is a regular file there), so within that second an index of higher
/// priority created meanwhile is not seen, and neither is one removed or turned into something else in front of
/// it; the index served changing or going away is seen at once. Folders without an index (listings) and folders
/// reached by a redirect (no trailing slash) always take the full path.
extension StaticFileHandler {
    /// The plan for `target` from the loop's kept bytes, or `nil` to take the full path: the path (or for a folder,
    /// its index) was not confirmed in the last second, its status is not the kept version's, or the content coding
    /// needs the open file. Inlined into ``respond(to:now:kept:clock:)``'s steps: called, it returned its plan through
    /// eight struct copies (memcpy, about 500 instructions a request; callgrind 2026-12-07).
    @inline(__always)
    func makeKeptFilePlan(
        _ target: TargetPath,
        _ request: HTTPRequest,
        now: Int64,
        kept: inout SmallFileCache,
        clock: Int64
    ) -> ResponsePlan? {
        let found: (status: FileStatus, bytes: [UInt8], index: [UInt8])?
        if target.hasTrailingSlash || target.isRoot {
            found = kept.bytes(forFolder: target.relative, clock: clock) { [rootDirectory] index in
                try? rootDirectory.statusBeneath(target.relative, appending: index)
            }
        } else {
            found = kept.bytes(forPath: target.relative, clock: clock) { [rootDirectory] in
                try? rootDirectory.statusBeneath(target.relative)
            }.map { ($0.status, $0.bytes, []) }
        }
        guard let (status, bytes, index) = found else { return nil }
        return makeFilePlan(
            .kept(bytes),
            status: status,
            at: { [root] in
                let path = Self.path(of: target, below: root)
                return index.isEmpty ? path : path.appending(index)
            },
            // A folder's index gets its media type from its own name.
            name: index.isEmpty ? target.name : index[...],
            request,
            now: now
        )
    }
}
