//! Reading what the user names (a values file, `--set-file`, a config, stdin) without trusting
//! its size or its type: `/dev/zero` or an endless pipe must end in an error, not exhaust
//! memory, and a named pipe nobody writes to must end in an error, not a hang.
//!
//! Two kinds of reads:
//! - [`read_file_limited`], for a path named on the command line: any file type (a pipe from
//!   process substitution, `<(helm template .)`, is real use), always within a byte limit, and
//!   a named pipe with no writer is given up after [`PIPE_WRITER_WAIT`];
//! - [`read_regular_limited`], for a file found inside a chart or a folder: only a regular file
//!   is read; a pipe, a device or a socket is refused without ever blocking on it.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most kforge reads from one file or stream named on the command line.
pub const MAX_INPUT_BYTES: u64 = 100 << 20;

/// How long a named pipe on the command line may stay without a writer before kforge gives up.
pub const PIPE_WRITER_WAIT: Duration = Duration::from_secs(5);

/// Reads all of `reader`, failing with `InvalidData` once more than `limit` bytes arrive.
pub fn read_limited(reader: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    read_limited_sized(reader, limit, 0)
}

/// [`read_limited`] into a buffer made for `expected` bytes (a regular file's length): read
/// through `Take`, the buffer would otherwise grow by doubling, each step a fresh allocation
/// and a copy (page faults, issue 19). One byte more lets the read see the end of the file
/// without growing.
fn read_limited_sized(reader: impl Read, limit: u64, expected: u64) -> io::Result<Vec<u8>> {
    let capacity = expected.min(limit).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is over the input limit of {limit} bytes (a device or an endless stream?)"),
        ));
    }
    Ok(bytes)
}

/// A path named on the command line, of any type, read within `limit` bytes.
pub fn read_file_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let (file, first) = open_any(path, PIPE_WRITER_WAIT)?;
    let expected = regular_len(&file);
    read_limited_sized(io::Cursor::new(first).chain(file), limit, expected)
}

/// A file named on the command line, read within `limit` bytes, as UTF-8 text.
pub fn read_text_limited(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_file_limited(path, limit)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// `path` opened for reading if it is a regular file (checked on the open file, so a swap
/// between a check and the open changes nothing; opened without blocking, so a FIFO cannot hang
/// the open), with its metadata.
fn open_regular(path: &Path) -> io::Result<(File, std::fs::Metadata)> {
    let file = open_nonblocking(path)?;
    let metadata = file.metadata()?;
    let kind = metadata.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("it is {}, not a regular file", describe(&kind)),
        ));
    }
    // Left non-blocking: O_NONBLOCK does not change reads of a regular file (two system calls
    // fewer per file of a chart).
    Ok((file, metadata))
}

/// [`read_regular_limited`] straight into the shared buffer a file tree keeps: read into a
/// `Vec` and then copied into an `Arc`, each file's bytes were written twice, to two fresh
/// allocations (a CRD-heavy folder's 17 MB: issue 19). A file that changes length while it is
/// read is read as [`read_regular_limited`] reads it. Large files are mapped instead
/// ([`crate::memory::map_file`]: the page cache's pages, not fresh ones).
pub fn read_regular_shared(path: &Path, limit: u64) -> io::Result<Option<Arc<[u8]>>> {
    let (mut file, metadata) = open_regular(path)?;
    let len = match usize::try_from(metadata.len()) {
        Ok(len) if metadata.len() <= limit => len,
        _ => return Ok(read_regular_limited(path, limit)?.map(Arc::from)),
    };
    if let Some(mapped) = crate::memory::map_file(&file, len) {
        return Ok(Some(mapped));
    }
    let mut shared: Arc<[u8]> = std::iter::repeat_n(0u8, len).collect();
    let Some(buf) = Arc::get_mut(&mut shared) else {
        return Ok(None);
    };
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        match file.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let mut more = [0u8; 1];
    let grew = loop {
        match file.read(&mut more) {
            Ok(n) => break n > 0,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    if filled == len && !grew {
        return Ok(Some(shared));
    }
    // Changed under the read: read it again whole, as a folder's other files are read.
    Ok(read_regular_limited(path, limit)?.map(Arc::from))
}

/// A file inside a chart or folder: read only when it is a regular file (checked on the open
/// file, so a swap between a check and the open changes nothing); `Ok(None)` when it is larger
/// than `limit` bytes.
pub fn read_regular_limited(path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let (file, metadata) = open_regular(path)?;
    match read_limited_sized(file, limit, metadata.len()) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => Ok(None),
        Err(e) => Err(e),
    }
}

/// The length of a regular file (0 for a pipe or a device, which have none).
fn regular_len(file: &File) -> u64 {
    file.metadata()
        .ok()
        .filter(|m| m.is_file())
        .map_or(0, |m| m.len())
}

/// `len` bytes from `offset` of a regular file (a text read again, see `SourceFile::text`).
/// Never blocks on a file that became a pipe since.
pub(super) fn read_range(path: &Path, offset: u64, len: usize) -> io::Result<Vec<u8>> {
    let file = open_nonblocking(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut bytes = vec![0; len];
    read_exact_at(&file, &mut bytes, offset)?;
    Ok(bytes)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(mut file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    use std::io::Seek;
    file.seek(io::SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// What a file that is not a regular file is, for messages.
fn describe(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (fifo)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if kind.is_dir() {
        return "a directory";
    }
    "a special file"
}

/// Opens without blocking: opening a named pipe for reading otherwise waits for a writer.
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(unix)]
fn set_blocking(file: &File) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is open for the life of `file`; F_GETFL/F_SETFL only change its flags.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: as above.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_blocking(_file: &File) -> io::Result<()> {
    Ok(())
}

/// Opens a path of any type for a blocking read. A named pipe is first polled without
/// blocking: a read that finds no data says a writer is there (`WouldBlock`), one that finds
/// end of file says none has opened it yet; after `wait` with none, kforge gives up rather than
/// hang. The bytes read while polling are returned beside the file.
fn open_any(path: &Path, wait: Duration) -> io::Result<(File, Vec<u8>)> {
    let file = open_nonblocking(path)?;
    let mut first = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file.metadata()?.file_type().is_fifo() {
            let started = Instant::now();
            let mut buf = [0u8; 8192];
            loop {
                match (&file).read(&mut buf) {
                    Ok(0) if started.elapsed() >= wait => {
                        return Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            format!(
                                "it is a named pipe and nothing wrote to it within {} s",
                                wait.as_secs()
                            ),
                        ));
                    }
                    Ok(0) => std::thread::sleep(Duration::from_millis(20)),
                    Ok(n) => {
                        first.extend_from_slice(buf.get(..n).unwrap_or(&[]));
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    set_blocking(&file)?;
    Ok((file, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_into_a_shared_buffer_within_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.yaml");
        for text in ["", "kind: A\n", "é"] {
            std::fs::write(&path, text).unwrap();
            let shared = read_regular_shared(&path, 8).unwrap().unwrap();
            assert_eq!(&*shared, text.as_bytes());
        }
        std::fs::write(&path, "123456789").unwrap();
        assert!(read_regular_shared(&path, 8).unwrap().is_none());
        assert_eq!(
            &*read_regular_shared(&path, 9).unwrap().unwrap(),
            b"123456789"
        );
    }

    #[test]
    fn stops_at_the_limit() {
        assert_eq!(read_limited(&b"abc"[..], 3).unwrap(), b"abc");
        let err = read_limited(io::repeat(0), 1000).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string()
                .starts_with("it is over the input limit of 1000 bytes")
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_are_bounded_and_refused_inside_charts() {
        let err = read_file_limited(Path::new("/dev/zero"), 4096).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is over the input limit of 4096 bytes (a device or an endless stream?)"
        );
        let err = read_regular_limited(Path::new("/dev/zero"), 4096).unwrap_err();
        assert_eq!(err.to_string(), "it is a device, not a regular file");
    }

    #[cfg(unix)]
    fn fifo(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("pipe");
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        path
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_without_writer_is_given_up_and_one_inside_a_chart_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = fifo(tmp.path());
        let err = open_any(&path, Duration::from_millis(200)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is a named pipe and nothing wrote to it within 0 s"
        );
        let err = read_regular_limited(&path, 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is a named pipe (fifo), not a regular file"
        );
        let err = read_regular_shared(&path, 10).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is a named pipe (fifo), not a regular file"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_with_a_writer_is_read_whole_or_cut_at_the_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let path = fifo(tmp.path());
        let p = path.clone();
        let writer = std::thread::spawn(move || {
            let mut f = OpenOptions::new().write(true).open(&p).unwrap();
            std::io::Write::write_all(&mut f, b"a: 1\n").unwrap();
        });
        assert_eq!(read_file_limited(&path, 100).unwrap(), b"a: 1\n");
        writer.join().unwrap();
        // An endless writer: the read ends at the limit and the writer sees a broken pipe.
        let p = path.clone();
        let writer = std::thread::spawn(move || {
            let mut f = OpenOptions::new().write(true).open(&p).unwrap();
            while std::io::Write::write_all(&mut f, &[b'x'; 4096]).is_ok() {}
        });
        let err = read_file_limited(&path, 100_000).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        writer.join().unwrap();
    }
}
