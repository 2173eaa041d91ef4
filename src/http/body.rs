//! Bodies read chunk by chunk, refused as soon as they pass their cap.

use super::describe;

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BodyError {
    #[error("{0}")]
    Transport(String),
    #[error("the answer is larger than the {} cap; authdash stopped reading it", cap_text(*.cap))]
    TooLarge { cap: usize },
}

/// `1 MiB`, `4 MiB`, `512 KiB`, `100 bytes`.
pub(crate) fn cap_text(cap: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if cap >= MIB && cap.is_multiple_of(MIB) {
        format!("{} MiB", cap / MIB)
    } else if cap >= KIB && cap.is_multiple_of(KIB) {
        format!("{} KiB", cap / KIB)
    } else {
        format!("{cap} bytes")
    }
}

/// The body, read chunk by chunk, refused as soon as it would pass `cap`:
/// memory stays at most `cap` whatever the server streams.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> Result<Vec<u8>, BodyError> {
    // A declared length over the cap is refused before reading anything.
    if response
        .content_length()
        .is_some_and(|n| n > u64::try_from(cap).unwrap_or(u64::MAX))
    {
        return Err(BodyError::TooLarge { cap });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| BodyError::Transport(describe(e)))?
    {
        if body.len().saturating_add(chunk.len()) > cap {
            return Err(BodyError::TooLarge { cap });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
