//! One GET to a provider as doctor makes it: the answer's status,
//! redirect, date and body (capped as the engine caps it), and when it
//! came.

use std::time::{Duration, Instant, SystemTime};

use url::Url;

use crate::http::PROVIDER_BODY_CAP;

/// An HTTP answer with what the checks need from it.
pub(super) struct Fetched {
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) body: Vec<u8>,
    /// This machine's clock when the answer arrived.
    pub(crate) received: SystemTime,
    pub(crate) elapsed: Duration,
    /// The body passed the 1 MiB cap: reading stopped and `body` is empty.
    pub(crate) over_cap: bool,
}

pub(super) async fn fetch(
    client: &reqwest::Client,
    url: &Url,
    accept: &str,
) -> Result<Fetched, reqwest::Error> {
    let started = Instant::now();
    let response = client
        .get(url.clone())
        .header(reqwest::header::ACCEPT, accept)
        .send()
        .await?;
    let received = SystemTime::now();
    let elapsed = started.elapsed();
    let header = |name| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let status = response.status().as_u16();
    let location = header(reqwest::header::LOCATION);
    let date = header(reqwest::header::DATE);
    // Read as the engine reads: chunk by chunk, never past the cap.
    let mut response = response;
    let mut body = Vec::new();
    let mut over_cap = false;
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > PROVIDER_BODY_CAP {
            over_cap = true;
            body.clear();
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        status,
        location,
        date,
        body,
        received,
        elapsed,
        over_cap,
    })
}
