//! Atomic file output: a reader never sees a partial file.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically: into a temporary file beside it, flushed to disk, then
/// renamed over `path`. Creates the parent folder if needed. On error the temporary file is
/// removed and `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_all_atomic(&[(path, bytes)])
}

/// Writes several files so that none is replaced unless all could be written: every file goes
/// to a temporary beside its target first, and only then are they renamed into place.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<()> {
    let mut temps: Vec<PathBuf> = Vec::with_capacity(files.len());
    let staged = files.iter().try_for_each(|&(path, bytes)| {
        let tmp = temp_path(path)?;
        temps.push(tmp.clone());
        write_synced(&tmp, bytes).map_err(|e| Error::io(path, e))
    });
    let renamed = staged.and_then(|()| {
        files.iter().zip(&temps).try_for_each(|(&(path, _), tmp)| {
            std::fs::rename(tmp, path).map_err(|e| Error::io(path, e))
        })
    });
    if renamed.is_err() {
        for tmp in &temps {
            let _ = std::fs::remove_file(tmp);
        }
    }
    renamed
}

/// `dir/.name.PID.tmp` beside `path`, creating `dir` if needed.
fn temp_path(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let file_name = path
        .file_name()
        .ok_or_else(|| Error::io(path, std::io::Error::other("not a file name")))?;
    let mut name = std::ffi::OsString::from(".");
    name.push(file_name);
    name.push(format!(".{}.tmp", std::process::id()));
    Ok(dir.join(name))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
