//! Output that is never seen half written: one file replaced atomically ([`write_atomic`]), and
//! a set of files in one folder replaced whole or not at all ([`write_set`]), even if the run
//! fails or is killed part way.
//!
//! # How a set is replaced
//!
//! Everything happens inside the output folder `out`, so that every rename stays on one file
//! system and the files of `out` outside the set (other runs' shard files, a user's notes) are
//! never touched:
//!
//! 1. **Lock.** `out/.amphi-lock` names the process writing the folder. It appears whole, by a
//!    hard link from a file already holding the PID. A lock whose process is gone (a kill, a
//!    power loss) is stale and taken over; a live one is waited for a few seconds, then the run
//!    is refused with the other PID.
//! 2. **Recover.** A transaction left by a killed run is finished (see below); stale
//!    temporaries are removed, including the `.NAME.PID.tmp` files of [`write_atomic`] (and of
//!    amphi's earlier writer) whose process is gone.
//! 3. **Check.** A target that is a folder is refused before anything is written.
//! 4. **Stage.** The new files are written and synced to `out/.amphi-write/new/`, the old ones
//!    are hard-linked (or copied) to `out/.amphi-write/old/`, then a manifest listing the names,
//!    and which had an old file, is renamed into `out/.amphi-write/manifest`.
//! 5. **Replace.** Each new file is renamed over its target. Then the manifest is removed: the
//!    commit point.
//! 6. **Clean up.** `out/.amphi-write` is removed, then the lock.
//!
//! A run stopped anywhere (an error, or a kill) leaves a state that recovery resolves, and
//! recovery only renames and deletes, so it can itself be stopped and run again:
//!
//! - a manifest: some targets may hold new files; each old file is renamed back from `old/`
//!   and each target that had none is removed, so `out` holds the old set; then the staging is
//!   deleted, its manifest first;
//! - a staging without a manifest: either it was never complete, and `out` was not touched, or
//!   it was committed, and `out` holds the new set; either way the staging is deleted.
//!
//! An error in a live run rolls back the same way before it is returned. Files and folders are
//! synced in this order, so the same holds after a power loss. Until recovery runs (at the next
//! [`write_set`] on the folder, or [`recover`]), a folder left by a kill may show a mix; the
//! staging folder's presence says so.
//!
//! A swap of whole folders (Linux's `renameat2` with `RENAME_EXCHANGE`) would avoid that
//! window, but `out` may hold files that are not in the set, written by other runs meanwhile,
//! and a swap would take them away; hence a journal over single files.

use crate::error::{Error, Result};
use std::ffi::OsStr;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The lock file in an output folder.
const LOCK: &str = ".amphi-lock";
/// The staging folder of a transaction in an output folder.
const STAGING: &str = ".amphi-write";
/// The first line of a manifest.
const MANIFEST_HEADER: &str = "amphi write-set 1";
/// How long a run waits for another run's lock before refusing.
const LOCK_WAIT: Duration = Duration::from_secs(3);
/// How often it looks again.
const LOCK_POLL: Duration = Duration::from_millis(25);

/// Replaces the files `files` (names, not paths) in folder `out` as one set: afterwards `out`
/// holds either all the new files or all the old ones (files of `out` not in the set are left
/// alone). Returns the paths written, `out.join(name)`, in order.
///
/// `out` is created (with its parents) if missing. On any error the old files are left as they
/// were, nothing temporary is left behind, and the error names the path and what was wrong. If
/// the process is killed part way, the next `write_set` on `out` (or [`recover`]) restores the
/// complete old set or completes the new one. Another process writing `out` is waited for a
/// few seconds, then the call is refused; calls within one process are serialized.
pub fn write_set(out: &Path, files: &[(&str, &[u8])]) -> Result<Vec<PathBuf>> {
    match write_set_with(out, files, LOCK_WAIT, &mut |_| ControlFlow::Continue(()))? {
        ControlFlow::Continue(paths) => Ok(paths),
        ControlFlow::Break(()) => unreachable!("the steps never stop"),
    }
}

/// Finishes or undoes a [`write_set`] that a killed run left in `out`, and removes stale
/// temporaries; does nothing to a folder that needs nothing (or does not exist).
pub fn recover(out: &Path) -> Result<()> {
    if !out.is_dir() {
        return Ok(());
    }
    let _process = process_lock();
    let lock = FolderLock::acquire(out, LOCK_WAIT)?;
    recover_locked(out)?;
    drop(lock);
    Ok(())
}

/// Writes `bytes` to `path` atomically: into a temporary file beside it (`.NAME.PID.tmp`),
/// synced to disk, then renamed over `path`. Creates the parent folder if needed. On error the
/// temporary is removed and `path` is left as it was; one left by a kill is removed by the next
/// [`write_set`] on the folder. Takes no lock, so that shards of one run written into one
/// folder in parallel do not wait for each other.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let (dir, name) = split(path)?;
    create_folder(&dir)?;
    if is_real_dir(path) {
        return Err(Error::output(path, "is a directory, not a file"));
    }
    let mut tmp = std::ffi::OsString::from(".");
    tmp.push(name);
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp);
    let written = write_synced(&tmp, bytes, false)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| Error::io(path, e));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(&dir);
    Ok(())
}

/// A point of [`write_set`] at which a test may stop it, as a kill would.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The lock is taken and the folder recovered.
    Locked,
    /// The `i`-th new file is staged and synced.
    Staged(usize),
    /// The `i`-th old file is linked aside.
    BackedUp(usize),
    /// The manifest is in place: from here a stop rolls back.
    Prepared,
    /// The `i`-th new file is renamed into place.
    Replaced(usize),
    /// The manifest is removed: from here the new set stands.
    Committed,
    /// The staging folder is removed; the lock is still held.
    CleanedUp,
}

/// [`write_set`] with the lock's wait and a hook called at each [`Step`]: when it returns
/// `Break`, the call returns `Ok(Break(()))` at once, without cleaning up or unlocking, as if
/// the process had been killed there (in-process tests of recovery).
#[doc(hidden)]
pub fn write_set_with(
    out: &Path,
    files: &[(&str, &[u8])],
    lock_wait: Duration,
    at: &mut dyn FnMut(Step) -> ControlFlow<()>,
) -> Result<ControlFlow<(), Vec<PathBuf>>> {
    for (i, &(name, _)) in files.iter().enumerate() {
        check_name(out, name)?;
        if files[..i].iter().any(|&(other, _)| other == name) {
            return Err(Error::output(out.join(name), "is named twice in one set"));
        }
    }
    create_folder(out)?;
    let _process = process_lock();
    let lock = FolderLock::acquire(out, lock_wait)?;
    recover_locked(out)?;
    macro_rules! step {
        ($step:expr) => {
            if at($step).is_break() {
                std::mem::forget(lock);
                return Ok(ControlFlow::Break(()));
            }
        };
    }
    step!(Step::Locked);
    for &(name, _) in files {
        let target = out.join(name);
        if is_real_dir(&target) {
            return Err(Error::output(target, "is a directory, not a file"));
        }
    }

    let staging = out.join(STAGING);
    let (new, old) = (staging.join("new"), staging.join("old"));
    let prepared = (|| -> Result<Option<Vec<bool>>> {
        for dir in [&staging, &new, &old] {
            std::fs::create_dir(dir).map_err(|e| Error::io(dir, e))?;
        }
        for (i, &(name, bytes)) in files.iter().enumerate() {
            write_synced(&new.join(name), bytes, true).map_err(|e| Error::io(out.join(name), e))?;
            if at(Step::Staged(i)).is_break() {
                return Ok(None);
            }
        }
        sync_dir(&new);
        let mut had_old = Vec::with_capacity(files.len());
        for (i, &(name, _)) in files.iter().enumerate() {
            let target = out.join(name);
            let exists = std::fs::symlink_metadata(&target).is_ok();
            if exists {
                if is_real_dir(&target) {
                    return Err(Error::output(target, "is a directory, not a file"));
                }
                back_up(&target, &old.join(name)).map_err(|e| Error::io(&target, e))?;
                if at(Step::BackedUp(i)).is_break() {
                    return Ok(None);
                }
            }
            had_old.push(exists);
        }
        sync_dir(&old);
        let mut manifest = format!("{MANIFEST_HEADER}\n");
        for (&(name, _), &had) in files.iter().zip(&had_old) {
            manifest.push_str(if had { "old " } else { "new " });
            manifest.push_str(name);
            manifest.push('\n');
        }
        let tmp = staging.join("manifest.tmp");
        write_synced(&tmp, manifest.as_bytes(), true)
            .and_then(|()| std::fs::rename(&tmp, staging.join("manifest")))
            .map_err(|e| Error::io(&staging, e))?;
        sync_dir(&staging);
        Ok(Some(had_old))
    })();
    let had_old = match prepared {
        Ok(Some(had_old)) => had_old,
        Ok(None) => {
            std::mem::forget(lock);
            return Ok(ControlFlow::Break(()));
        }
        Err(error) => {
            let _ = roll_back(out);
            return Err(error);
        }
    };
    debug_assert_eq!(had_old.len(), files.len());
    step!(Step::Prepared);

    for (i, &(name, _)) in files.iter().enumerate() {
        let target = out.join(name);
        if let Err(e) = std::fs::rename(new.join(name), &target) {
            let _ = roll_back(out);
            return Err(Error::io(target, e));
        }
        step!(Step::Replaced(i));
    }
    sync_dir(out);
    let manifest = staging.join("manifest");
    if let Err(e) = std::fs::remove_file(&manifest) {
        let _ = roll_back(out);
        return Err(Error::io(manifest, e));
    }
    sync_dir(&staging);
    step!(Step::Committed);
    remove_staging(out)?;
    step!(Step::CleanedUp);
    drop(lock);
    Ok(ControlFlow::Continue(
        files.iter().map(|&(name, _)| out.join(name)).collect(),
    ))
}

/// Serializes [`write_set`] within this process, so that a lock file holding this process's
/// own PID can only be a stale one.
fn process_lock() -> std::sync::MutexGuard<'static, ()> {
    static WRITING: Mutex<()> = Mutex::new(());
    WRITING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `out/.amphi-lock`, held while this value lives.
struct FolderLock {
    path: PathBuf,
}

impl FolderLock {
    /// Takes the lock of `out`, taking over a stale one, waiting up to `wait` for a live one.
    fn acquire(out: &Path, wait: Duration) -> Result<FolderLock> {
        let me = std::process::id();
        let path = out.join(LOCK);
        // The lock appears whole: it is a hard link to a file that already holds the PID.
        let mine = out.join(format!("{LOCK}.{me}"));
        write_synced(&mine, format!("{me}\n").as_bytes(), false).map_err(|e| Error::io(out, e))?;
        let started = Instant::now();
        let taken = loop {
            match std::fs::hard_link(&mine, &path) {
                Ok(()) => break Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                // No hard links on this file system: create it in place instead.
                Err(_) => match create_lock(&path, me) {
                    Ok(true) => break Ok(()),
                    Ok(false) => {}
                    Err(e) => break Err(Error::io(out, e)),
                },
            }
            match read_pid(&path) {
                // Released meanwhile.
                None if !path.exists() => {}
                Some(pid) if pid != me && alive(pid) => {
                    if started.elapsed() >= wait {
                        break Err(Error::output(
                            out,
                            format!(
                                "another amphi run (pid {pid}) is writing here; try again when \
                                 it is done"
                            ),
                        ));
                    }
                    std::thread::sleep(LOCK_POLL);
                }
                // A process that is gone, or this one before a (simulated) kill: within this
                // process, write_set calls are serialized, so no live call holds it.
                stale => {
                    if let Err(e) = take_over(out, &path, stale) {
                        break Err(Error::io(&path, e));
                    }
                }
            }
        };
        let _ = std::fs::remove_file(&mine);
        taken.map(|()| FolderLock { path })
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if read_pid(&self.path) == Some(std::process::id()) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Creates the lock file in place; `false` if it exists.
fn create_lock(path: &Path, pid: u32) -> std::io::Result<bool> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(mut file) => file.write_all(format!("{pid}\n").as_bytes()).map(|()| true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes the stale lock at `path` that held `stale`. It is first renamed to a name of this
/// process's own, then read again: if another run took it over meanwhile, theirs is put back.
fn take_over(out: &Path, path: &Path, stale: Option<u32>) -> std::io::Result<()> {
    let grave = out.join(format!("{LOCK}.{}.stale", std::process::id()));
    match std::fs::rename(path, &grave) {
        Ok(()) => {}
        // Released or taken over meanwhile.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    if read_pid(&grave) != stale {
        let _ = std::fs::hard_link(&grave, path);
    }
    std::fs::remove_file(&grave)
}

/// The PID in a lock file; `None` if it is missing or holds no PID.
fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Whether process `pid` is running. On Linux, from `/proc` (a zombie is gone); elsewhere,
/// or without `/proc`, every process counts as alive.
fn alive(pid: u32) -> bool {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self/stat").exists() {
        return true;
    }
    if pid == 0 {
        return false;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state is the first field after the command name, which is in parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_none_or(|state| state != "Z" && state != "X"),
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    }
}

/// Finishes or undoes a transaction left in `out` and removes stale temporaries. The caller
/// holds the lock.
fn recover_locked(out: &Path) -> Result<()> {
    let staging = out.join(STAGING);
    if std::fs::symlink_metadata(&staging).is_ok() {
        roll_back(out)?;
    }
    let entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = stale_pid(name).is_some_and(|pid| !alive(pid))
            && entry.file_type().is_ok_and(|t| t.is_file());
        if stale {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// The PID of a temporary file's name: `.NAME.PID.tmp` (of [`write_atomic`] and of amphi's
/// earlier writer), or the lock's own `.amphi-lock.PID` and `.amphi-lock.PID.stale`.
fn stale_pid(name: &str) -> Option<u32> {
    if let Some(rest) = name.strip_prefix(LOCK).and_then(|r| r.strip_prefix('.')) {
        return rest.strip_suffix(".stale").unwrap_or(rest).parse().ok();
    }
    let stem = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (file, pid) = stem.rsplit_once('.')?;
    if file.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Puts back the old set: every old file renamed back from the staging, every target that had
/// none removed (per the manifest), then the staging removed. Without a manifest there is
/// nothing to put back: `out` was not touched, or the set was committed.
fn roll_back(out: &Path) -> Result<()> {
    let staging = out.join(STAGING);
    let manifest_path = staging.join("manifest");
    match std::fs::read_to_string(&manifest_path) {
        Ok(manifest) => {
            let mut lines = manifest.lines();
            if lines.next() != Some(MANIFEST_HEADER) {
                return Err(Error::output(
                    &manifest_path,
                    "is not a manifest of amphi's; remove the folder by hand",
                ));
            }
            for line in lines {
                let (had_old, name) = match line.split_once(' ') {
                    Some(("old", name)) => (true, name),
                    Some(("new", name)) => (false, name),
                    _ => {
                        return Err(Error::output(
                            &manifest_path,
                            format!("line \"{line}\" is not \"old NAME\" or \"new NAME\""),
                        ));
                    }
                };
                check_name(out, name)?;
                let target = out.join(name);
                if had_old {
                    let backup = staging.join("old").join(name);
                    if std::fs::symlink_metadata(&backup).is_ok() {
                        std::fs::rename(&backup, &target).map_err(|e| Error::io(&target, e))?;
                    }
                } else if std::fs::symlink_metadata(&target).is_ok_and(|m| !m.is_dir()) {
                    std::fs::remove_file(&target).map_err(|e| Error::io(&target, e))?;
                }
            }
            sync_dir(out);
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&manifest_path, e)),
    }
    remove_staging(out)
}

/// Removes the staging, its manifest first: were that removal stopped part way, a manifest
/// whose backups are partly gone would roll back only part of the set.
fn remove_staging(out: &Path) -> Result<()> {
    let staging = out.join(STAGING);
    let manifest = staging.join("manifest");
    match std::fs::remove_file(&manifest) {
        Ok(()) => sync_dir(&staging),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(manifest, e)),
    }
    std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    sync_dir(out);
    Ok(())
}

/// Makes `backup` a copy of `target`: a hard link where the file system allows, a copy
/// otherwise.
fn back_up(target: &Path, backup: &Path) -> std::io::Result<()> {
    if std::fs::hard_link(target, backup).is_ok() {
        return Ok(());
    }
    std::fs::copy(target, backup)?;
    std::fs::File::open(backup)?.sync_all()
}

/// Refuses a name that is not one plain file name, or that amphi keeps for itself.
fn check_name(out: &Path, name: &str) -> Result<()> {
    let mut components = Path::new(name).components();
    let plain = matches!(components.next(), Some(Component::Normal(n)) if n == OsStr::new(name))
        && components.next().is_none()
        && !name.chars().any(char::is_control);
    if !plain {
        return Err(Error::output(
            out.join(name),
            "is not a plain file name (one name, no folder)",
        ));
    }
    if name.starts_with(".amphi-") {
        return Err(Error::output(
            out.join(name),
            "is a name amphi keeps for its own files",
        ));
    }
    Ok(())
}

/// Creates `dir` and its parents; a file in the way is named as such.
fn create_folder(dir: &Path) -> Result<()> {
    if std::fs::metadata(dir).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::output(dir, "is a file, not a folder"));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        let file = dir
            .ancestors()
            .find(|a| std::fs::metadata(a).is_ok_and(|m| !m.is_dir()));
        match file {
            Some(file) => Error::output(file, "is a file, not a folder"),
            None => Error::io(dir, e),
        }
    })
}

/// The folder (`.` for a bare name) and the file name of `path`.
fn split(path: &Path) -> Result<(PathBuf, &OsStr)> {
    let name = path
        .file_name()
        .ok_or_else(|| Error::output(path, "is not a file name"))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((dir, name))
}

/// Whether `path` is a folder itself (not a link to one, which a rename replaces).
fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Writes `bytes` to a file and syncs it; `new` refuses an existing file.
fn write_synced(path: &Path, bytes: &[u8], new: bool) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .create_new(new)
        .truncate(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Syncs a folder's entries (renames, creations) to disk, where the platform allows.
fn sync_dir(dir: &Path) {
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}
