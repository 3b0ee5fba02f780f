//! The one atomic file writer of the workspace.
//!
//! Every file podium writes (distribution files, deployment records, transaction batches, reports,
//! snapshots) goes through [`write_atomic_with`]: a reader sees the old file or the whole new one,
//! never half of one, and after a crash the new file is on disk once the call returned.

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::{Path, PathBuf},
};

use crate::{Error, Result};

/// Writes `bytes` to `path` atomically; see [`write_atomic_with`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Writes `path` atomically: `write` fills a temporary file in the same directory, which is flushed
/// and synced, then renamed over `path`, and (on unix) the directory is synced so the rename
/// survives a crash. On any error the temporary file is removed and `path` is untouched; the error
/// names `path`, and says so when its directory does not exist.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| {
        Error::io(
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "not a file name"),
        )
    })?;
    if !dir.is_dir() {
        return Err(Error::io(
            path,
            io::Error::new(
                io::ErrorKind::NotFound,
                format!(
                    "the directory {} does not exist (create it first)",
                    dir.display()
                ),
            ),
        ));
    }
    let (tmp, file) = match create_temporary(&dir, &name.to_string_lossy()) {
        Ok(pair) => pair,
        Err(e) => return Err(Error::io(path, e)),
    };
    let result = (|| -> io::Result<()> {
        let mut w = BufWriter::with_capacity(1 << 20, file);
        write(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    #[cfg(unix)]
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(&dir, e))?;
    Ok(())
}

/// Temporary files made by this process so far: with the process id, a name no other writer uses.
static TEMPORARIES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Creates a new temporary file `.NAME.PID.N.tmp` in `dir`. The name is this process's own and
/// `create_new` refuses to share it, so two writers never write one temporary file; a name left by
/// a killed process that had the same id (ids are reused after a crash and restart) is skipped for
/// the next one, at most 64 times.
fn create_temporary(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut last = None;
    for _ in 0..64 {
        let n = TEMPORARIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        match File::create_new(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.expect("64 attempts were made"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.txt")]);
    }

    #[test]
    fn a_failing_writer_leaves_the_old_file_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_atomic(&path, b"old").unwrap();
        let err = write_atomic_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("boom"))
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("out.txt") && err.ends_with("boom"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_missing_directory_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_atomic(&dir.path().join("nope/out.txt"), b"x")
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("nope does not exist (create it first)"),
            "{err}"
        );
    }

    #[test]
    fn temporaries_left_by_a_killed_process_with_our_id_do_not_block_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let pid = std::process::id();
        // What a killed earlier process with this id could have left, for the next names in turn.
        let next = TEMPORARIES.load(std::sync::atomic::Ordering::Relaxed);
        for n in next..next + 8 {
            std::fs::write(dir.path().join(format!(".out.txt.{pid}.{n}.tmp")), b"stale").unwrap();
        }
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }
}
