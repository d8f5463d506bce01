//! Atomic file writing: a temporary file beside the target, fsync, rename. A failure at any step
//! removes the temporary file, so no partial file is ever left and an existing file under the
//! target name is untouched until the rename replaces it whole.
//!
//! Temporary names are `.<target>.kforge-tmp-<pid>-<16 random hex digits>`, created exclusively
//! (`create_new`, which also refuses a symbolic link planted under the name): in a folder others
//! can write to (a shared /tmp) nobody can guess the name beforehand or make kforge write through
//! a link. The pid in the name lets a later run recognise what a killed run left behind: a
//! temporary file of a process that no longer exists is removed before writing.

use std::collections::hash_map::RandomState;
use std::fs::{self, File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// What every temporary name kforge creates holds after its target's name.
const TEMP_MARK: &str = ".kforge-tmp-";

/// Writes `bytes` to `dir/file_name`, creating `dir` when missing.
pub fn write_atomically(dir: &Path, file_name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let target = dir.join(file_name);
    replace_file(&target, bytes)?;
    Ok(target)
}

/// Replaces `target` whole with `bytes` (its folder must exist).
pub fn replace_file(target: &Path, bytes: &[u8]) -> io::Result<()> {
    if target.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is a directory", target.display()),
        ));
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale(dir);
    let (temp_path, file) = create_temp(dir, &file_name)?;
    commit(&temp_path, file, bytes, target)?;
    // Make the rename itself durable; not every platform lets a directory be opened for this.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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

/// 64 bits no other user can predict: SipHash under the process's random keys, over a counter
/// and the clock.
fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

/// `<prefix>.kforge-tmp-<pid>-<random>`: what [`remove_stale`] recognises.
pub fn temp_name(prefix: &str) -> String {
    format!(
        "{prefix}{TEMP_MARK}{}-{:016x}",
        std::process::id(),
        random_u64()
    )
}

/// A new file named [`temp_name`]`(".<file_name>")` in `dir`; `create_new` so an existing file
/// (or a link) is never reused.
fn create_temp(dir: &Path, file_name: &str) -> io::Result<(PathBuf, File)> {
    let mut last_error = None;
    for _ in 0..16 {
        let path = dir.join(temp_name(&format!(".{file_name}")));
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// A new folder named [`temp_name`]`(prefix)` in `dir`, readable by its owner only, created
/// exclusively (an existing folder or link under the name is never used).
pub fn create_temp_dir(dir: &Path, prefix: &str) -> io::Result<PathBuf> {
    let mut last_error = None;
    for _ in 0..16 {
        let path = dir.join(temp_name(prefix));
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        match builder.create(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary folder name")))
}

/// The pid in a temporary name this module made, if `name` is one.
fn temp_pid(name: &str) -> Option<u32> {
    let (_, tail) = name.rsplit_once(TEMP_MARK)?;
    let (pid, random) = tail.split_once('-')?;
    if random.len() != 16 || !random.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    pid.parse().ok()
}

fn process_exists(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks whether the process exists; nothing is sent.
    if unsafe { libc::kill(pid, 0) } == 0 {
        return true;
    }
    io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Removes the temporary files and folders in `dir` that a kforge process which no longer
/// exists left behind (a kill during `package` or a write). Only entries with this module's
/// name pattern, owned by this user; best effort.
pub fn remove_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        if pid == std::process::id() || process_exists(pid) {
            continue;
        }
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // SAFETY: getuid cannot fail.
            if meta.uid() != unsafe { libc::getuid() } {
                continue;
            }
        }
        if meta.is_file() {
            let _ = fs::remove_file(entry.path());
        } else if meta.is_dir() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
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
    fn temporary_names_are_unpredictable_and_recognised() {
        let a = temp_name(".x.json");
        let b = temp_name(".x.json");
        assert_ne!(a, b);
        let prefix = format!(".x.json.kforge-tmp-{}-", std::process::id());
        assert!(a.starts_with(&prefix), "{a}");
        assert_eq!(a.len(), prefix.len() + 16);
        assert_eq!(temp_pid(&a), Some(std::process::id()));
        assert_eq!(temp_pid(".x.json.kforge-tmp-12-notrandom"), None);
        assert_eq!(temp_pid("x.json"), None);
    }

    #[test]
    fn a_planted_link_under_a_temporary_name_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        // The old scheme's name, predictable from the pid: a link there is now irrelevant.
        let old = tmp
            .path()
            .join(format!(".r.json.kforge-tmp-{}", std::process::id()));
        std::os::unix::fs::symlink(&victim, &old).unwrap();
        replace_file(&tmp.path().join("r.json"), b"report").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert_eq!(fs::read(tmp.path().join("r.json")).unwrap(), b"report");
    }

    #[test]
    fn what_a_dead_process_left_is_removed_and_a_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        // A pid above the kernel's maximum (2^22) never exists.
        let dead = dir.join(".a.tgz.kforge-tmp-99999999-0123456789abcdef");
        let dead_dir = dir.join(".kforge-staging.kforge-tmp-99999999-0123456789abcdef");
        let live = dir.join(format!(
            ".a.tgz.kforge-tmp-{}-0123456789abcdef",
            std::process::id()
        ));
        let other = dir.join(".a.tgz.kforge-tmp-99999999-short");
        for f in [&dead, &live, &other] {
            fs::write(f, b"partial").unwrap();
        }
        fs::create_dir(&dead_dir).unwrap();
        fs::write(dead_dir.join("x.yaml"), b"x").unwrap();
        write_atomically(dir, "a.tgz", b"whole").unwrap();
        let mut want = vec![
            "a.tgz".to_string(),
            other.file_name().unwrap().to_string_lossy().into_owned(),
            live.file_name().unwrap().to_string_lossy().into_owned(),
        ];
        want.sort();
        assert_eq!(names(dir), want);
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
