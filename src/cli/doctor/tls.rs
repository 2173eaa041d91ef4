//! `doctor`'s look at a provider's TLS: the certificate chain it sends
//! (subject, issuer, expiry of each), whether this machine trusts it (the
//! OS store, or `SSL_CERT_FILE`/`SSL_CERT_DIR` when set, plus the
//! provider's `ca_file`), and, when it does not, the plain reason a person
//! behind a corporate proxy needs: the chain ends in a private CA — a
//! TLS-inspecting proxy or an in-house CA — and `ca_file` fixes it.
//!
//! The handshake records the chain whatever it is (nothing but the
//! handshake is sent, and the connection is closed at once); trust is then
//! decided by rustls's own WebPKI verifier, as the real requests do.

use std::sync::Arc;

use rustls::DigitallySignedStruct;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::TcpStream;
use url::Url;
use x509_cert::der::Decode;

use super::Check;
use crate::config::{HttpSettings, ProviderConfig};
use crate::http;
use crate::identity::visible;

/// Issuer names of TLS-inspecting products, said by name when seen.
const INSPECTING_PROXIES: &[&str] = &[
    "zscaler",
    "netskope",
    "palo alto",
    "fortinet",
    "fortigate",
    "blue coat",
    "bluecoat",
    "symantec web",
    "forcepoint",
    "websense",
    "mcafee web",
    "sophos",
    "cisco umbrella",
    "checkpoint",
    "check point",
    "kaspersky",
    "avast",
    "eset ssl",
];

/// A certificate as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CertSummary {
    subject: String,
    issuer: String,
    not_after: String,
    /// Seconds since the epoch, for "expires soon".
    not_after_unix: u64,
}

/// Subject, issuer and expiry of a DER certificate.
fn summarize(der: &[u8]) -> Option<CertSummary> {
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let tbs = &cert.tbs_certificate;
    let not_after = tbs.validity.not_after;
    Some(CertSummary {
        subject: visible(&tbs.subject.to_string()).into_owned(),
        issuer: visible(&tbs.issuer.to_string()).into_owned(),
        not_after: not_after.to_string(),
        not_after_unix: not_after.to_unix_duration().as_secs(),
    })
}

/// Records nothing and accepts any chain: only to see what the server
/// sends. Signatures are still checked, so the chain is really the
/// server's.
#[derive(Debug)]
struct SeeAnything(Arc<CryptoProvider>);

impl ServerCertVerifier for SeeAnything {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The chain `url`'s server sends, as DER, end entity first.
async fn fetch_chain(
    url: &Url,
    settings: &HttpSettings,
) -> Result<Vec<CertificateDer<'static>>, String> {
    let host = url.host_str().ok_or("the URL has no host")?.to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(SeeAnything(provider)))
        .with_no_client_auth();
    let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned())
        .map_err(|e| e.to_string())?;
    let tcp = tokio::time::timeout(
        settings.connect_timeout,
        TcpStream::connect((host.trim_matches(['[', ']']), port)),
    )
    .await
    .map_err(|_| {
        format!(
            "no connection within {} s",
            settings.connect_timeout.as_secs()
        )
    })?
    .map_err(|e| e.to_string())?;
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tls = tokio::time::timeout(settings.request_timeout, connector.connect(name, tcp))
        .await
        .map_err(|_| "the TLS handshake timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    let chain = tls
        .get_ref()
        .1
        .peer_certificates()
        .map(|c| c.iter().map(|c| c.clone().into_owned()).collect())
        .unwrap_or_default();
    Ok(chain)
}

/// Whether `roots` make `chain` trusted for `host` now; the error says why
/// not.
fn verify(
    chain: &[CertificateDer<'static>],
    host: &str,
    roots: rustls::RootCertStore,
) -> Result<(), String> {
    let (end_entity, intermediates) = chain
        .split_first()
        .ok_or("the server sent no certificate")?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| e.to_string())?;
    let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned())
        .map_err(|e| e.to_string())?;
    verifier
        .verify_server_cert(end_entity, intermediates, &name, &[], UnixTime::now())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// The OS store (or `SSL_CERT_FILE`/`SSL_CERT_DIR`, which rustls-native-certs
/// reads in its place), as reqwest loads it.
fn system_roots() -> rustls::RootCertStore {
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(found.certs);
    roots
}

fn ca_file_roots(p: &ProviderConfig) -> Result<Vec<CertificateDer<'static>>, String> {
    let Some(path) = &p.ca_file else {
        return Ok(Vec::new());
    };
    let bytes = http::read_ca_file(path, p.ca_file_sha256.as_deref()).map_err(|e| e.to_string())?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(format!(
            "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(certs)
}

/// The inspecting product a name mentions, if any.
fn inspecting_proxy(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    INSPECTING_PROXIES
        .iter()
        .copied()
        .find(|p| lower.contains(p))
}

pub(super) async fn check(
    s: &str,
    p: &ProviderConfig,
    settings: &HttpSettings,
    out: &mut Vec<Check>,
) {
    let url = &p.server_metadata_url;
    if url.scheme() != "https" {
        return;
    }
    let host = url.host_str().unwrap_or_default().to_owned();
    let chain = match fetch_chain(url, settings).await {
        Ok(chain) if !chain.is_empty() => chain,
        Ok(_) => {
            out.push(Check::warn(
                s,
                "tls chain",
                "the server sent no certificate",
                "check the server",
            ));
            return;
        }
        Err(e) => {
            out.push(Check::warn(
                s,
                "tls chain",
                format!(
                    "no TLS handshake with {host} (connecting directly, not through a proxy): {}",
                    visible(&e)
                ),
                "check the address, or whether only a proxy reaches it",
            ));
            return;
        }
    };
    let summaries: Vec<CertSummary> = chain.iter().filter_map(|c| summarize(c)).collect();
    let lines: Vec<String> = summaries
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "{}. subject {}; issuer {}; expires {}",
                i + 1,
                c.subject,
                c.issuer,
                c.not_after
            )
        })
        .collect();
    out.push(Check::ok(s, "tls chain", lines.join("\n")));
    let top_issuer = summaries
        .last()
        .map(|c| c.issuer.clone())
        .unwrap_or_default();
    let extra = match ca_file_roots(p) {
        Ok(extra) => extra,
        Err(e) => {
            out.push(Check::fail(
                s,
                "tls trust",
                format!("ca_file: {e}"),
                "point `ca_file` at the PEM file of the CA that signs the provider's certificate",
            ));
            Vec::new()
        }
    };
    let system = verify(&chain, &host, system_roots());
    let with_ca_file = if extra.is_empty() {
        None
    } else {
        let mut roots = system_roots();
        roots.add_parsable_certificates(extra);
        Some(verify(&chain, &host, roots))
    };
    let proxy = inspecting_proxy(&top_issuer).or_else(|| {
        summaries
            .iter()
            .find_map(|c| inspecting_proxy(&c.issuer).or_else(|| inspecting_proxy(&c.subject)))
    });
    match (&system, &with_ca_file) {
        (Ok(()), _) => out.push(match proxy {
            Some(name) => Check::warn(
                s,
                "tls trust",
                format!(
                    "trusted by this machine's certificates, but issued by a TLS-inspecting proxy \
                     ({name}): the proxy reads this traffic"
                ),
                "nothing to change in authdash; this is your network's policy",
            ),
            None => Check::ok(s, "tls trust", "trusted by this machine's certificates"),
        }),
        (Err(_), Some(Ok(()))) => out.push(Check::ok(
            s,
            "tls trust",
            format!(
                "trusted through ca_file ({}): the chain ends in a private CA ({top_issuer}){}",
                p.ca_file
                    .as_deref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                proxy
                    .map(|n| format!(", a TLS-inspecting proxy ({n})"))
                    .unwrap_or_default()
            ),
        )),
        (Err(e), _) => {
            let what = match proxy {
                Some(name) => format!("a TLS-inspecting proxy ({name})"),
                None => {
                    "a private CA — typically a TLS-inspecting corporate proxy, or an in-house CA"
                        .to_owned()
                }
            };
            out.push(Check::fail(
                s,
                "tls trust",
                format!(
                    "not trusted here ({}): the chain ends in `{top_issuer}`, {what}",
                    visible(e)
                ),
                format!(
                    "get that CA's certificate (PEM) from your IT department and set \
                     `ca_file = \"/path/to/ca.pem\"` in the provider's table ([auth.{}]), or \
                     SSL_CERT_FILE for every program",
                    p.name
                ),
            ));
        }
    }
    let soon = UnixTime::now().as_secs() + 14 * 24 * 3600;
    if let Some(leaf) = summaries.first()
        && leaf.not_after_unix < soon
    {
        out.push(Check::warn(
            s,
            "tls expiry",
            format!("the server's certificate expires {}", leaf.not_after),
            "tell the provider's operators",
        ));
    }
}
