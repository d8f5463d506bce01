//! Reading what the user names (a values file, `--set-file`, a config, stdin) without trusting
//! its size: `/dev/zero` or an endless pipe must end in an error, not exhaust memory.

use std::io::{self, Read};
use std::path::Path;

/// The most kforge reads from one file or stream named on the command line.
pub const MAX_INPUT_BYTES: u64 = 100 << 20;

/// Reads all of `reader`, failing with `InvalidData` once more than `limit` bytes arrive.
pub fn read_limited(reader: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
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

/// [`read_limited`] on a file.
pub fn read_file_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    read_limited(std::fs::File::open(path)?, limit)
}

/// A file named on the command line, read within `limit` bytes, as UTF-8 text.
pub fn read_text_limited(path: &Path, limit: u64) -> io::Result<String> {
    String::from_utf8(read_file_limited(path, limit)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
