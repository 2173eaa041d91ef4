//! Why a folder config is not used: not trusted (yet), unreadable, or the
//! list of trusted configs itself damaged.

use super::*;

#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("{0}")]
    Untrusted(Box<Untrusted>),
    #[error("cannot read the config {}: {source}", shown(path))]
    ReadConfig {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the config {} is larger than {MAX_FILE_BYTES} bytes; it is not a config",
        shown(path)
    )]
    TooLarge { path: PathBuf },
    #[error(
        "the path {} is not UTF-8; move the config to a path that is, or name it with --config",
        shown(path)
    )]
    PathNotUtf8 { path: PathBuf },
    /// A file that cannot be parsed whole cannot be summarised whole: it
    /// is not trusted on a part of it.
    #[error(
        "authdash cannot read the config {} whole, so it cannot show all it would do, and does \
         not trust it:\n{}",
        shown(path),
        visible_lines(error)
    )]
    Unreadable { path: PathBuf, error: String },
    /// What `Summary::problems` says.
    #[error(
        "the config {} cannot be trusted as it is:\n{}",
        shown(path),
        problems.iter().map(|p| format!("  {}", visible(p))).collect::<Vec<_>>().join("\n")
    )]
    Refused {
        path: PathBuf,
        problems: Vec<String>,
    },
    #[error(
        "the config {} has command panels: trusted, it runs the programs it names with your \
         access token; if you mean to let it, run:\n  {}",
        shown(path),
        trust_command(path, true)
    )]
    CommandsNotAllowed { path: PathBuf },
    #[error(
        "cannot {action} the list of trusted configs {}: {source}",
        shown(path)
    )]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// Anyone else able to write it could trust a file for the person.
    #[error(
        "the list of trusted configs {} {problem}; remove it (authdash then asks to trust \
         again) or fix its owner and mode (0600)",
        shown(path)
    )]
    Unsafe { path: PathBuf, problem: String },
    #[error(
        "the list of trusted configs {} is damaged ({message}); remove it, then trust your \
         configs again",
        shown(path)
    )]
    Damaged { path: PathBuf, message: String },
}

impl TrustError {
    /// About the config file (fix it or name another), not about the list
    /// of trusted configs.
    pub(crate) fn is_about_the_file(&self) -> bool {
        matches!(
            self,
            Self::Untrusted(_)
                | Self::ReadConfig { .. }
                | Self::TooLarge { .. }
                | Self::PathNotUtf8 { .. }
                | Self::Unreadable { .. }
                | Self::Refused { .. }
                | Self::CommandsNotAllowed { .. }
        )
    }
}

/// A config refused or loaded: either trust said no, or the file did.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Trust(#[from] TrustError),
    #[error(transparent)]
    Config(#[from] ConfigError),
}
