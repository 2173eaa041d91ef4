use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use secrecy::SecretString;
use serde::Deserialize;

use super::crypto::{self, Envelope, KdfParams, OpenError};
use super::fsutil::{ensure_private_dir, read_private, remove_stale_temps, replace_atomically};
use super::key::{self, KEY_FILE_NAME, Key, KeySource};
use super::lock::{self, StoreLock};
use super::os_keyring::KeyringBackend;
use super::{Accounts, StoreError, TokenStore};
use crate::auth::Session;
use crate::http::HttpSettings;

/// The layout of the file: 1 was plain JSON keyed by provider (migrated
/// once, only into a folder without a key), 2 the encrypted envelope with
/// a `store_secret` stretched by HKDF (read), 3 the same with Argon2id and
/// a per-store salt (read), 4 the same with each session's API tokens
/// (written; a format 3 store reads as sessions holding none).
pub(crate) const FORMAT_VERSION: u32 = 4;
const FILE_NAME: &str = "sessions.json";
const LOCK_NAME: &str = "sessions.lock";

/// A test's hook between the temp file's flush and its rename.
#[derive(Clone)]
struct BeforeRename(Arc<dyn Fn() + Send + Sync>);

/// The encrypted session store in the data folder: folder 0700, files
/// 0600 and ours, never through a link, replaced atomically under an
/// exclusive lock.
#[derive(Clone)]
pub struct FileStore {
    dir: PathBuf,
    key: KeySource,
    lock_wait: Duration,
    /// Argon2id's key for the last parameters seen: deriving takes tens of
    /// milliseconds, and a read-modify-write would do it twice.
    derived: Arc<Mutex<Option<(KdfParams, Key)>>>,
    before_rename: Option<BeforeRename>,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStore")
            .field("dir", &self.dir)
            .field("key", &self.key)
            .field("lock_wait", &self.lock_wait)
            .finish_non_exhaustive()
    }
}

/// Read the format before the rest, so a newer file is reported as such
/// rather than as corrupt.
#[derive(Deserialize)]
struct FormatOnly {
    format: u32,
}

#[derive(Deserialize)]
struct FormatOne {
    #[serde(default)]
    sessions: BTreeMap<String, Session>,
}

/// What `FileStore::probe` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// No sessions file yet.
    Missing,
    /// It opens; this many accounts.
    Readable(usize),
    /// It does not open with the key in use: why.
    Unreadable(String),
}

enum Read {
    /// With the key derivation it was written with, to keep its salt.
    Fine(Accounts, Option<KdfParams>),
    /// A plaintext format-1 store, allowed to migrate (no key exists yet).
    Legacy(Accounts),
    /// Truly broken (not JSON, a malformed envelope, content that
    /// decrypts but is not sessions): the only thing ever moved aside.
    Corrupt(String),
}

/// The key kind an existing store says it was written with, if any.
pub(crate) fn recorded_key_source(dir: &Path) -> Option<String> {
    #[derive(Deserialize)]
    struct KeyKind {
        key_source: Option<String>,
    }
    let bytes = read_private(&dir.join(FILE_NAME)).ok()??;
    serde_json::from_slice::<KeyKind>(&bytes).ok()?.key_source
}

impl FileStore {
    /// A store that waits for the lock as long as a holder with the
    /// default HTTP timeouts may keep it (`lock::lock_wait`).
    pub fn new(dir: impl Into<PathBuf>, key: KeySource) -> Self {
        Self {
            dir: dir.into(),
            key,
            lock_wait: lock::lock_wait(&HttpSettings::default()),
            derived: Arc::new(Mutex::new(None)),
            before_rename: None,
        }
    }

    /// Wait for the lock as long as a holder using `http` may keep it:
    /// pass the config's settings, whose request timeout bounds a renewal.
    pub fn with_http(self, http: &HttpSettings) -> Self {
        self.with_lock_wait(lock::lock_wait(http))
    }

    /// Wait exactly this long for the lock. Shorter than
    /// [`lock::lock_wait`] only in tests: a waiter must never give up on a
    /// holder that is still within its bounds.
    #[doc(hidden)]
    pub fn with_lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// Tests only: run `hook` after each write's temp file is on disk and
    /// before it is renamed over the store, so a test can kill a writer
    /// exactly there.
    #[doc(hidden)]
    pub fn with_before_rename_hook(mut self, hook: Arc<dyn Fn() + Send + Sync>) -> Self {
        self.before_rename = Some(BeforeRename(hook));
        self
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    pub(crate) fn lock_path(&self) -> PathBuf {
        self.dir.join(LOCK_NAME)
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn key_source(&self) -> &KeySource {
        &self.key
    }

    /// How long a locker waits (the tests' view of [`Self::with_http`]).
    #[cfg(test)]
    pub(crate) fn lock_wait(&self) -> Duration {
        self.lock_wait
    }

    /// Whether the sessions file opens with the key in use, without
    /// changing anything (no key made, nothing moved aside): for
    /// `authdash doctor`.
    pub(crate) fn probe(&self) -> Result<Probe, StoreError> {
        if std::fs::symlink_metadata(self.path()).is_err() {
            return Ok(Probe::Missing);
        }
        Ok(match self.read() {
            Ok(Read::Fine(a, _)) => Probe::Readable(a.sessions.len()),
            Ok(Read::Legacy(a)) => Probe::Readable(a.sessions.len()),
            Ok(Read::Corrupt(why)) => Probe::Unreadable(why),
            Err(e @ StoreError::KeyMismatch { .. }) => Probe::Unreadable(e.to_string()),
            Err(e) => return Err(e),
        })
    }

    fn read(&self) -> Result<Read, StoreError> {
        let path = self.path();
        let Some(bytes) = read_private(&path)? else {
            return Ok(Read::Fine(Accounts::default(), None));
        };
        let format = match serde_json::from_slice::<FormatOnly>(&bytes) {
            Ok(f) => f.format,
            Err(e) => return Ok(Read::Corrupt(format!("not JSON with a format: {e}"))),
        };
        match format {
            1 => {
                if let Some(key) = self.key.existing_key_name(&self.dir) {
                    return Err(StoreError::LegacyRefused { path, key });
                }
                match serde_json::from_slice::<FormatOne>(&bytes) {
                    Ok(one) => {
                        let sessions: Vec<Session> = one.sessions.into_values().collect();
                        Ok(Read::Legacy(Accounts {
                            active: sessions.first().map(super::AccountId::of),
                            sessions,
                            recovered: None,
                        }))
                    }
                    Err(e) => Ok(Read::Corrupt(e.to_string())),
                }
            }
            2 | 3 | FORMAT_VERSION => {
                let envelope: Envelope = match serde_json::from_slice(&bytes) {
                    Ok(e) => e,
                    Err(e) => return Ok(Read::Corrupt(e.to_string())),
                };
                self.open_envelope(envelope)
            }
            found if found > FORMAT_VERSION => Err(StoreError::UnsupportedFormat {
                path,
                found,
                supported: FORMAT_VERSION,
            }),
            found => Ok(Read::Corrupt(format!("unknown format {found}"))),
        }
    }

    fn open_envelope(&self, envelope: Envelope) -> Result<Read, StoreError> {
        if envelope.key_source != self.key.kind() {
            return Err(self.mismatch(
                &envelope.key_source,
                match &self.key {
                    KeySource::Secret(_) => "the config in use sets `store_secret` (or \
                                             `cookie_secret`), which comes before any other key"
                        .to_owned(),
                    _ if envelope.key_source == "store_secret" => {
                        "the config in use sets no `store_secret` or `cookie_secret`".to_owned()
                    }
                    other => format!("this run uses {} instead", other.describe()),
                },
            ));
        }
        let key = match (&self.key, envelope.format, &envelope.kdf) {
            (KeySource::Secret(secret), 2, _) => {
                key::derive_legacy(secret).map_err(StoreError::Key)?
            }
            (KeySource::Secret(secret), _, Some(params)) => match self.argon2(secret, params) {
                Ok(k) => k,
                Err(why) => return Ok(Read::Corrupt(why)),
            },
            (KeySource::Secret(_), _, None) => {
                return Ok(Read::Corrupt("no key derivation is recorded".into()));
            }
            (source, _, _) => match source.existing_key()? {
                Some(k) => k,
                None => {
                    return Err(self.mismatch(
                        &envelope.key_source,
                        format!("{} does not exist any more", source.describe()),
                    ));
                }
            },
        };
        let plain = match crypto::open(&key, &envelope) {
            Ok(p) => p,
            Err(OpenError::Malformed(why)) => return Ok(Read::Corrupt(why)),
            Err(OpenError::WrongKey) => {
                return Err(self.mismatch(
                    &envelope.key_source,
                    "it does not decrypt with that key (a different key than it was written \
                     with, or the file was altered)"
                        .into(),
                ));
            }
        };
        match serde_json::from_slice::<Accounts>(&plain) {
            Ok(a) => Ok(Read::Fine(a, envelope.kdf)),
            Err(e) => Ok(Read::Corrupt(format!("its content is not valid: {e}"))),
        }
    }

    fn argon2(&self, secret: &secrecy::SecretString, params: &KdfParams) -> Result<Key, String> {
        let mut cached = self.derived.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((p, k)) = cached.as_ref()
            && p == params
        {
            return Ok(k.clone());
        }
        let key = key::derive_argon2(secret, params)?;
        *cached = Some((params.clone(), key.clone()));
        Ok(key)
    }

    /// The store is fine; the key in use is not its key. Say which key it
    /// wants and how to give it.
    fn mismatch(&self, recorded: &str, problem: String) -> StoreError {
        let path = self.path();
        let key_file = self.dir.join(KEY_FILE_NAME);
        let fresh_start = format!(
            "only if that key is lost for good, move {} away and log in again",
            path.display()
        );
        let fix = match recorded {
            "store_secret" => format!(
                "set `store_secret` (or `cookie_secret`) in the config you use to the value the \
                 store was written with, or run authdash with the config that has it (--config); \
                 {fresh_start}"
            ),
            "key_file" => format!(
                "remove `store_secret` and `cookie_secret` from the config you use, so authdash \
                 opens it with the key file {} (restore that file if it was moved); {fresh_start}",
                key_file.display()
            ),
            "keyring" => format!(
                "remove `store_secret` and `cookie_secret` from the config you use, so authdash \
                 opens it with its key in the OS keyring (unlock the keyring if it is locked); \
                 {fresh_start}"
            ),
            _ => fresh_start,
        };
        StoreError::KeyMismatch {
            path,
            in_use: self.key.describe(),
            written_with: recorded_name(recorded),
            problem,
            fix,
        }
    }

    /// Move a truly corrupt store aside (never delete it) and start empty.
    fn set_aside(&self, _lock: &StoreLock, why: &str) -> Result<Accounts, StoreError> {
        let path = self.path();
        let stamp = Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = self.dir.join(format!("{FILE_NAME}.unreadable-{stamp}"));
        std::fs::rename(&path, &aside).map_err(|source| StoreError::Io {
            action: "move aside",
            path: path.clone(),
            source,
        })?;
        let message = format!(
            "The stored sessions could not be read ({why}); the file was moved to {} and you need to log in again.",
            aside.display()
        );
        tracing::warn!("{message}");
        Ok(Accounts {
            recovered: Some(message),
            ..Accounts::default()
        })
    }

    fn seal(&self, accounts: &Accounts, kdf: Option<KdfParams>) -> Result<Vec<u8>, StoreError> {
        let path = self.path();
        let corrupt = |e: serde_json::Error| StoreError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        };
        let plain = zeroize::Zeroizing::new(serde_json::to_vec(accounts).map_err(corrupt)?);
        let (key, kdf) = match &self.key {
            KeySource::Secret(secret) => {
                // Keep the store's salt; a store without one gets its own.
                let params = kdf.unwrap_or_else(key::new_kdf_params);
                (
                    self.argon2(secret, &params).map_err(StoreError::Key)?,
                    Some(params),
                )
            }
            source => match source.key_or_create()? {
                Some(k) => (k, None),
                None => {
                    return Err(StoreError::Key(format!(
                        "{} gave no key",
                        source.describe()
                    )));
                }
            },
        };
        let envelope = crypto::seal(&key, FORMAT_VERSION, self.key.kind(), kdf, &plain)
            .map_err(StoreError::Key)?;
        serde_json::to_vec_pretty(&envelope).map_err(corrupt)
    }

    fn replace(&self, accounts: &Accounts, kdf: Option<KdfParams>) -> Result<(), StoreError> {
        let bytes = self.seal(accounts, kdf)?;
        remove_stale_temps(&self.path());
        let hook = self.before_rename.as_ref().map(|h| &*h.0);
        replace_atomically(&self.path(), &bytes, hook)
    }
}

/// A recorded key kind, said for a person.
fn recorded_name(kind: &str) -> String {
    match kind {
        "store_secret" => "a store_secret (or cookie_secret) from a config".into(),
        "key_file" => format!("the key file {KEY_FILE_NAME} beside it"),
        "keyring" => "a key in the OS keyring".into(),
        other => format!("an unknown key source `{other}`"),
    }
}

impl TokenStore for FileStore {
    fn lock(&self) -> Result<StoreLock, StoreError> {
        self.lock_for("reading or writing the sessions")
    }

    fn lock_for(&self, doing: &str) -> Result<StoreLock, StoreError> {
        lock::acquire(&self.lock_path(), self.lock_wait, doing)
    }

    fn accounts(&self) -> Result<Accounts, StoreError> {
        match self.read()? {
            Read::Fine(a, _) => Ok(a),
            // Decide under the lock: a writer may have just replaced it.
            Read::Legacy(_) | Read::Corrupt(_) => {
                let lock = self.lock_for("migrating or setting aside the sessions file")?;
                self.accounts_locked(&lock)
            }
        }
    }

    fn accounts_locked(&self, lock: &StoreLock) -> Result<Accounts, StoreError> {
        match self.read()? {
            Read::Fine(a, _) => Ok(a),
            // Migrate at once, so it happens once: afterwards a key exists
            // and a plaintext file is refused.
            Read::Legacy(a) => {
                self.replace(&a, None)?;
                tracing::info!("migrated the plaintext sessions file to an encrypted one");
                Ok(a)
            }
            Read::Corrupt(why) => self.set_aside(lock, &why),
        }
    }

    /// Never over a store this key cannot open: that is someone else's
    /// sessions, and the error says whose.
    fn write(&self, lock: &StoreLock, accounts: &Accounts) -> Result<(), StoreError> {
        ensure_private_dir(&self.dir)?;
        let kdf = match self.read()? {
            Read::Fine(_, kdf) => kdf,
            Read::Legacy(_) => None,
            Read::Corrupt(why) => {
                self.set_aside(lock, &why)?;
                None
            }
        };
        self.replace(accounts, kdf)
    }

    fn describe_key(&self) -> String {
        self.key.describe()
    }

    fn describe(&self) -> String {
        format!(
            "{}, encrypted with {}",
            self.path().display(),
            self.key.describe()
        )
    }
}

/// Which key protects the store in `dir`: the config's secret when set;
/// else whatever the existing store was written with (a keyring appearing
/// or vanishing later must never orphan it); else, for a new store, the OS
/// keyring when one answers, or a key file.
///
/// A store written with a `store_secret`, opened without one, gets the key
/// file here, and the store reports the mismatch with its fix (it never
/// makes a key for it).
pub fn choose_key_source(
    store_secret: Option<&SecretString>,
    dir: &std::path::Path,
    keyring: Arc<dyn KeyringBackend>,
) -> KeySource {
    let key_file = KeySource::KeyFile(dir.join(KEY_FILE_NAME));
    if let Some(secret) = store_secret {
        return KeySource::Secret(secret.clone());
    }
    match recorded_key_source(dir).as_deref() {
        Some("keyring") => return KeySource::Keyring(keyring),
        Some(_) => return key_file,
        None => {}
    }
    if std::fs::symlink_metadata(dir.join(KEY_FILE_NAME)).is_ok() {
        return key_file;
    }
    match keyring.get() {
        Ok(_) => KeySource::Keyring(keyring),
        Err(e) => {
            tracing::info!("no OS keyring ({e}); the store key goes in a key file");
            key_file
        }
    }
}
