//! The client: no redirects, timeouts, a provider's own CA.

use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use super::HttpError;

/// Timeouts, proxy rules and extra trusted CAs for one provider.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HttpOptions<'a> {
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    /// The provider runs on this machine: never send its traffic to a proxy.
    pub(crate) loopback: bool,
    /// The provider's `ca_file`: PEM certificates trusted besides the OS
    /// store (or `SSL_CERT_FILE`/`SSL_CERT_DIR`, which replace it).
    pub(crate) ca_file: Option<&'a Path>,
    /// The hex SHA-256 `ca_file` was trusted with, when it was
    /// ([`crate::config::ProviderConfig::ca_file_sha256`]).
    pub(crate) ca_file_sha256: Option<&'a str>,
}

/// The largest `ca_file` read: a bundle of every public CA is ~250 KiB.
const MAX_CA_FILE: u64 = 4 * 1024 * 1024;

/// Said with every certificate failure: the fix is a setting.
pub(crate) const TLS_HINT: &str = "the provider's certificate is not trusted here. Behind a \
     TLS-inspecting proxy or with a private CA, set `ca_file = \"/path/to/ca.pem\"` for this \
     provider in the config (or SSL_CERT_FILE for every program); `authdash doctor` shows the \
     certificate chain";

/// The certificates of a `ca_file`, for reqwest and for doctor; when
/// `trusted` names the SHA-256 the config was trusted with, only bytes
/// that have it (read once: what is checked is what is used).
pub(crate) fn read_ca_file(path: &Path, trusted: Option<&str>) -> Result<Vec<u8>, HttpError> {
    let unusable = |reason: String| HttpError::Unusable {
        what: "the provider's ca_file",
        url: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|e| unusable(format!("cannot open it: {e}")))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_CA_FILE + 1), &mut bytes)
        .map_err(|e| unusable(format!("cannot read it: {e}")))?;
    if bytes.len() as u64 > MAX_CA_FILE {
        return Err(unusable(format!(
            "it is larger than {} MiB: not a CA file",
            MAX_CA_FILE / (1024 * 1024)
        )));
    }
    if let Some(trusted) = trusted {
        use sha2::Digest as _;
        let sha: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if sha != trusted {
            return Err(unusable(
                "it changed since you trusted the config that names it; run `authdash trust` \
                 again to read what it is now"
                    .to_owned(),
            ));
        }
    }
    Ok(bytes)
}

/// Redirects are off: OIDC endpoints never need them, and following them
/// would let a hostile response point us anywhere (SSRF).
pub(crate) fn client(options: HttpOptions<'_>) -> Result<reqwest::Client, HttpError> {
    let roots = native_roots();
    match build(&options, roots.loaded.certs.iter()) {
        Ok(client) => Ok(client),
        // A certificate of the store rustls cannot read fails the build:
        // leave such ones out, as reqwest leaves them out of its own.
        Err(first) => match roots.usable()? {
            usable if usable.len() < roots.loaded.certs.len() => {
                build(&options, usable.iter().map(|&i| &roots.loaded.certs[i]))
            }
            _ => Err(first),
        },
    }
}

fn build<'a>(
    options: &HttpOptions<'_>,
    roots: impl Iterator<Item = &'a rustls::pki_types::CertificateDer<'static>>,
) -> Result<reqwest::Client, HttpError> {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .user_agent(concat!("authdash/", env!("CARGO_PKG_VERSION")))
        .tls_built_in_root_certs(false);
    for der in roots {
        if let Ok(certificate) = reqwest::Certificate::from_der(der.as_ref()) {
            builder = builder.add_root_certificate(certificate);
        }
    }
    if options.loopback {
        builder = builder.no_proxy();
    }
    if let Some(path) = options.ca_file {
        let certificates =
            reqwest::Certificate::from_pem_bundle(&read_ca_file(path, options.ca_file_sha256)?)
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| HttpError::Unusable {
                    what: "the provider's ca_file",
                    url: path.display().to_string(),
                    reason: "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned(),
                })?;
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|e| HttpError::Unusable {
        what: "the HTTP client",
        url: String::new(),
        reason: e.to_string(),
    })
}

/// The OS store's CA certificates, read once per process: a client is
/// built per provider, and reading the store (some 300 PEM files or a
/// bundle, `SSL_CERT_FILE`/`SSL_CERT_DIR` when set) each time cost more
/// than the rest of building it.
struct NativeRoots {
    /// The store's certificates (DER, unparsed: a client's build parses
    /// them) and its read errors.
    loaded: rustls_native_certs::CertificateResult,
    /// Which of them rustls can use, sorted out only when a build met one
    /// it cannot (most stores hold none: parsing them twice would cost a
    /// start).
    usable: OnceLock<Result<Vec<usize>, String>>,
}

fn native_roots() -> &'static NativeRoots {
    static ROOTS: OnceLock<NativeRoots> = OnceLock::new();
    ROOTS.get_or_init(|| NativeRoots {
        loaded: rustls_native_certs::load_native_certs(),
        usable: OnceLock::new(),
    })
}

impl NativeRoots {
    /// The certificates rustls can use, by index; none among some is an
    /// error saying which store and what to set.
    fn usable(&self) -> Result<&[usize], HttpError> {
        let usable = self.usable.get_or_init(|| {
            let usable: Vec<usize> = (0..self.loaded.certs.len())
                .filter(|&i| {
                    rustls::RootCertStore::empty()
                        .add(self.loaded.certs[i].clone())
                        .is_ok()
                })
                .collect();
            let unusable = self.loaded.certs.len() - usable.len();
            if usable.is_empty() && unusable > 0 {
                let mut why = format!(
                    "rustls can use none of the certificates in it ({unusable} read; as reqwest, \
                     authdash then trusts no CA at all)"
                );
                for error in &self.loaded.errors {
                    why.push_str(&format!("; {error}"));
                }
                why.push_str(
                    "; set SSL_CERT_FILE to a PEM bundle of CA certificates (or unset \
                     SSL_CERT_FILE and SSL_CERT_DIR for the system's)",
                );
                return Err(why);
            }
            Ok(usable)
        });
        usable.as_deref().map_err(|reason| HttpError::Unusable {
            what: "the OS certificate store",
            url: store_location(),
            reason: reason.clone(),
        })
    }
}

/// Where rustls-native-certs reads the OS store: the variables that
/// replace it when set, else the system's own.
fn store_location() -> String {
    let named: Vec<String> = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .into_iter()
        .filter_map(|name| {
            std::env::var_os(name).map(|value| format!("{name}={}", Path::new(&value).display()))
        })
        .collect();
    if named.is_empty() {
        "the system's CA paths".to_owned()
    } else {
        named.join(" and ")
    }
}
