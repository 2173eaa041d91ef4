//! The process's own setup, before any command runs: how it allocates and
//! where it logs (the TUI owns the terminal, so nothing is printed).

use std::path::{Path, PathBuf};

/// The log file's name, in the state folder.
const LOG_NAME: &str = "authdash.log";

/// Where the log is: the state folder (the data folder where there is none).
pub(crate) fn log_path(dirs: &directories::ProjectDirs) -> PathBuf {
    dirs.state_dir().unwrap_or(dirs.data_dir()).join(LOG_NAME)
}

/// One malloc arena for the whole process (glibc): with one per thread,
/// the peaks of a large login (a userinfo with 1,000 orgs parsed on a
/// worker, copied on the UI thread) stay resident in several arenas at
/// once; measured, the TUI's peak RSS after such a login drops by a quarter
/// (69 → 53 MiB, debug build). authdash's threads rarely allocate at the
/// same time, so contention costs nothing noticeable.
pub(crate) fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: called first thing in main, before any other thread exists;
    // it only tunes the allocator, and a refusal (0) changes nothing.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// The log file, for appending, readable by its owner only: its lines name
/// people, issuers and organizations. Opened with `O_APPEND`, each line
/// written at once, so two authdash processes sharing it do not tear each
/// other's lines. A file an older authdash created with the umask's mode
/// is narrowed too; a symbolic link in its place is refused.
fn open_log_file(dir: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
    folder.create(dir)?;
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(dir.join(LOG_NAME))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if file.metadata()?.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(file)
}

/// The shared log file as the writer thread's `Write` (one handle, the
/// same one commands write through directly).
struct LogFile(std::sync::Arc<std::fs::File>);

impl std::io::Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        (&*self.0).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        (&*self.0).flush()
    }
}

/// Lines the log's writer thread may have queued.
const LOG_QUEUE_LINES: usize = 4096;

/// Log to a file in the state folder: the TUI owns the terminal.
pub(crate) fn init_logging(
    log: &Path,
    level: &str,
    background: bool,
) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    // `Targets`, not `EnvFilter`: the same `authdash=LEVEL,warn` without
    // the regex engine EnvFilter brings into the binary.
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let dir = log.parent()?;
    // A log that cannot be opened means no log, not a failed start
    // (tracing_appender's own opener panics).
    let appender = std::sync::Arc::new(open_log_file(dir).ok()?);
    let filter = format!("authdash={level},warn")
        .parse::<Targets>()
        .unwrap_or_else(|_| {
            Targets::new()
                .with_target("authdash", tracing::Level::INFO)
                .with_default(tracing::Level::WARN)
        });
    let fmt = tracing_subscriber::fmt().with_ansi(false);
    if !background {
        fmt.with_writer(appender)
            .finish()
            .with(filter)
            .try_init()
            .ok()?;
        return None;
    }
    // The default queue holds 128,000 lines, allocated and initialised up
    // front: about 5 MB and 3 ms of every start (measured). A few thousand
    // lines are plenty for a log that gets a handful a second; past them a
    // line is dropped rather than the UI blocked.
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(LogFile(appender));
    fmt.with_writer(writer)
        .finish()
        .with(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
