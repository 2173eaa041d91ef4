//! Owner-only folders and files. Every open refuses a symbolic link
//! (`O_NOFOLLOW`) and checks the mode and owner on the open descriptor
//! (`fstat`), so what is checked is what is read; files are replaced by a
//! temp file created exclusively under a random name, then renamed.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::Path;

use super::StoreError;

pub(crate) const DIR_MODE: u32 = 0o700;
pub(crate) const FILE_MODE: u32 = 0o600;
/// No store file is anywhere near this; a bigger one is not read whole.
const MAX_FILE: u64 = 16 * 1024 * 1024;

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Called between writing the temp file and renaming it over the store:
/// a test hook, so a test can kill a writer at that very moment.
pub(crate) type BeforeRename<'a> = Option<&'a (dyn Fn() + Send + Sync)>;

/// Open `path` without following a final symbolic link. `None` when it
/// does not exist.
fn open_nofollow(
    path: &Path,
    options: &mut fs::OpenOptions,
    action: &'static str,
) -> Result<Option<File>, StoreError> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NOFOLLOW | libc::O_CLOEXEC);
    match options.open(path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        // ELOOP on Linux and macOS, EMLINK on FreeBSD: ask the link itself.
        Err(_) if is_symlink(path) => Err(StoreError::Symlink {
            path: path.to_owned(),
        }),
        Err(e) => Err(io(action, path)(e)),
    }
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Mode and owner of what `file` is: others no access, owned by us.
fn check_open(file: &File, path: &Path, wanted: u32, dir: bool) -> Result<(), StoreError> {
    let meta = file.metadata().map_err(io("inspect", path))?;
    if dir != meta.is_dir() || (!dir && !meta.is_file()) {
        return Err(StoreError::NotRegular {
            path: path.to_owned(),
            wanted: if dir { "a folder" } else { "a regular file" },
        });
    }
    check_meta(&meta, path, wanted)
}

#[cfg(unix)]
fn check_meta(meta: &fs::Metadata, path: &Path, wanted: u32) -> Result<(), StoreError> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let you = unsafe { libc::geteuid() };
    if meta.uid() != you {
        return Err(StoreError::Owner {
            path: path.to_owned(),
            owner: meta.uid(),
            you,
        });
    }
    let mode = meta.mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(StoreError::Permissions {
            path: path.to_owned(),
            mode,
            wanted,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_meta(_: &fs::Metadata, _: &Path, _: u32) -> Result<(), StoreError> {
    Ok(())
}

/// The folder, checked: `false` when it does not exist (yet).
pub(crate) fn check_dir(dir: &Path) -> Result<bool, StoreError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_DIRECTORY);
    match open_nofollow(dir, &mut options, "open") {
        Ok(Some(f)) => check_open(&f, dir, DIR_MODE, true).map(|()| true),
        Ok(None) => Ok(false),
        Err(StoreError::Io { source, .. }) if source.raw_os_error() == Some(libc::ENOTDIR) => {
            Err(StoreError::NotRegular {
                path: dir.to_owned(),
                wanted: "a folder",
            })
        }
        Err(e) => Err(e),
    }
}

/// Create the folder (0700) if needed; refuse one others can read, one
/// owned by someone else, or a link.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<(), StoreError> {
    if !check_dir(dir)? {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
        builder.create(dir).map_err(io("create", dir))?;
        check_dir(dir)?;
    }
    Ok(())
}

/// Open an existing store file for reading, checked. `None` when absent.
pub(crate) fn open_private(path: &Path) -> Result<Option<File>, StoreError> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    let Some(file) = open_nofollow(path, &mut options, "open")? else {
        return Ok(None);
    };
    check_open(&file, path, FILE_MODE, false)?;
    Ok(Some(file))
}

/// Open (creating, 0600) a file to lock or write in place, checked.
pub(crate) fn open_private_rw(path: &Path) -> Result<File, StoreError> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let file = open_nofollow(path, &mut options, "open")?
        .ok_or_else(|| io("open", path)(std::io::Error::from(std::io::ErrorKind::NotFound)))?;
    check_open(&file, path, FILE_MODE, false)?;
    Ok(file)
}

/// The file's bytes, or `None` when it does not exist. When it exists its
/// folder is checked too: a private file in a folder others can write (or
/// swap) is not private.
pub(crate) fn read_private(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    let Some(file) = open_private(path)? else {
        return Ok(None);
    };
    if let Some(dir) = path.parent() {
        check_dir(dir)?;
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(io("read", path))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(StoreError::Corrupt {
            path: path.to_owned(),
            reason: format!("it is larger than {} MiB", MAX_FILE / 1024 / 1024),
        });
    }
    Ok(Some(bytes))
}

/// A temp file beside `path`, created exclusively (`O_EXCL`, 0600) under a
/// random name: nothing planted in the folder can be written through.
pub(crate) fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, StoreError> {
    let dir = parent(path);
    tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io("create a temp file in", dir))
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.")
}

/// Temp files a killed writer left behind. Only the lock holder writes,
/// so under the lock any of them is stale.
pub(crate) fn remove_stale_temps(path: &Path) {
    let prefix = temp_prefix(path);
    let Ok(entries) = fs::read_dir(parent(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(&prefix) && name.ends_with(".tmp") {
            // remove_file removes a link itself, never its target.
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Write `bytes` to a fresh temp file beside `path`, flush it to disk,
/// then rename it over `path`: readers see the old file or the new one.
pub(crate) fn replace_atomically(
    path: &Path,
    bytes: &[u8],
    before_rename: BeforeRename<'_>,
) -> Result<(), StoreError> {
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes).map_err(io("write", tmp.path()))?;
    tmp.as_file().sync_all().map_err(io("flush", tmp.path()))?;
    if let Some(hook) = before_rename {
        hook();
    }
    // On failure the temp file is removed when `tmp` drops.
    tmp.persist(path)
        .map_err(|e| io("replace", path)(e.error))?;
    // The rename itself must survive a crash too.
    if let Ok(d) = File::open(parent(path)) {
        let _ = d.sync_all();
    }
    Ok(())
}
