//! Atomic file writing: a temporary file beside the target, fsync, rename. A failure at any step
//! removes the temporary file, so no partial file is ever left and an existing file under the
//! target name is untouched until the rename replaces it whole.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `dir/file_name`, creating `dir` when missing.
pub fn write_atomically(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let target = dir.join(file_name);
    if target.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is a directory", target.display()),
        ));
    }
    let (temp_path, file) = create_temp(dir, file_name)?;
    commit(&temp_path, file, bytes, &target)?;
    // Make the rename itself durable; not every platform lets a directory be opened for this.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(target)
}

/// Fills the temporary file and renames it over `target`; removes it when any step fails.
fn commit(temp_path: &Path, file: File, bytes: &[u8], target: &Path) -> io::Result<()> {
    let result = write_and_sync(file, bytes).and_then(|()| fs::rename(temp_path, target));
    if result.is_err() {
        let _ = fs::remove_file(temp_path);
    }
    result
}

fn write_and_sync(mut file: File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

/// A new file named `.<file_name>.<pid>.<n>.tmp` in `dir`; `create_new` so an existing file is
/// never reused.
fn create_temp(dir: &Path, file_name: &str) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut last_error = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{file_name}.{pid}.{n}.tmp"));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    #[test]
    fn writes_creating_the_directory_and_replaces_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("dist/nested");
        let p = write_atomically(&dir, "a.tgz", b"one").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"one");
        write_atomically(&dir, "a.tgz", b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(names(&dir), vec!["a.tgz"]);
    }

    #[test]
    fn name_taken_by_a_directory_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir(tmp.path().join("a.tgz")).unwrap();
        fs::write(tmp.path().join("old.tgz"), b"old").unwrap();
        assert!(write_atomically(tmp.path(), "a.tgz", b"new").is_err());
        assert_eq!(names(tmp.path()), vec!["a.tgz", "old.tgz"]);
        assert_eq!(fs::read(tmp.path().join("old.tgz")).unwrap(), b"old");
    }

    #[test]
    fn failed_rename_removes_the_temporary_file() {
        // A directory appears under the name after the check (a race): the rename fails.
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let (temp, file) = create_temp(dir, "x.tgz").unwrap();
        fs::create_dir_all(dir.join("x.tgz/inner")).unwrap();
        assert!(commit(&temp, file, b"data", &dir.join("x.tgz")).is_err());
        assert_eq!(names(dir), vec!["x.tgz"]);
    }
}
