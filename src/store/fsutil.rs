//! Owner-only folders and files, replaced atomically.

use std::fs;
use std::io::Write;
use std::path::Path;

use super::StoreError;

pub(crate) const DIR_MODE: u32 = 0o700;
pub(crate) const FILE_MODE: u32 = 0o600;

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Create the folder (0700) if needed; refuse one others can read.
pub(crate) fn ensure_private_dir(dir: &Path) -> Result<(), StoreError> {
    if !dir.exists() {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
        builder.create(dir).map_err(io("create", dir))?;
    }
    check_private(dir, DIR_MODE)
}

/// Others must have no access at all.
pub(crate) fn check_private(path: &Path, wanted: u32) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(io("inspect", path))?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            return Err(StoreError::Permissions {
                path: path.to_owned(),
                mode,
                wanted,
            });
        }
    }
    #[cfg(not(unix))]
    let _ = (path, wanted);
    Ok(())
}

/// Write `bytes` to a temporary file beside `path` (0600), flush it to disk,
/// then rename it over `path`: readers see the old file or the new one.
pub(crate) fn replace_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    let result = (|| {
        let mut file = options.open(&tmp).map_err(io("create", &tmp))?;
        file.write_all(bytes).map_err(io("write", &tmp))?;
        file.sync_all().map_err(io("flush", &tmp))?;
        fs::rename(&tmp, path).map_err(io("replace", path))?;
        // The rename itself must survive a crash too.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// The file's bytes, or `None` when it does not exist.
pub(crate) fn read_private(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => {
            check_private(path, FILE_MODE)?;
            Ok(Some(bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io("read", path)(e)),
    }
}
