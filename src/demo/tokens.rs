//! Signing ID tokens and shaping token responses.

use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreGenderClaim, CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, Audience, ClientId, EmptyAdditionalClaims, EndUserEmail, EndUserFamilyName,
    EndUserGivenName, EndUserName, EndUserPictureUrl, EndUserUsername, IssuerUrl, Nonce,
    StandardClaims, SubjectIdentifier,
};

use super::DEMO_CLIENT_ID;
use super::context::Ctx;
use super::directory::User;

/// Signs an ID token for `user`. `nonce` is `None` on refresh (OIDC Core
/// §12.2). `at_hash` is set from the access token issued with it.
pub(crate) fn id_token(
    ctx: &Ctx,
    user: &User,
    nonce: Option<&str>,
    auth_time: DateTime<Utc>,
    access_token: &str,
) -> Result<String, String> {
    let now = Utc::now();
    let ttl = chrono::Duration::from_std(ctx.settings.id_token_ttl).map_err(|e| e.to_string())?;
    let issuer = IssuerUrl::new(ctx.issuer.clone()).map_err(|e| e.to_string())?;
    let mut standard =
        StandardClaims::<CoreGenderClaim>::new(SubjectIdentifier::new(user.user_id.clone()))
            .set_email(Some(EndUserEmail::new(user.email.clone())))
            .set_email_verified(Some(true))
            .set_name(Some(EndUserName::new(user.name()).into()))
            .set_given_name(Some(EndUserGivenName::new(user.first_name.clone()).into()))
            .set_family_name(Some(EndUserFamilyName::new(user.last_name.clone()).into()));
    if let Some(username) = &user.username {
        standard = standard.set_preferred_username(Some(EndUserUsername::new(username.clone())));
    }
    if let Some(picture) = &user.picture_url {
        standard = standard.set_picture(Some(EndUserPictureUrl::new(picture.clone()).into()));
    }
    let claims = CoreIdTokenClaims::new(
        issuer,
        vec![Audience::new(DEMO_CLIENT_ID.to_string())],
        now + ttl,
        now,
        standard,
        EmptyAdditionalClaims {},
    )
    .set_authorized_party(Some(ClientId::new(DEMO_CLIENT_ID.to_string())))
    .set_auth_time(Some(auth_time))
    .set_nonce(nonce.map(|n| Nonce::new(n.to_string())));
    let access_token = AccessToken::new(access_token.to_string());
    CoreIdToken::new(
        claims,
        &ctx.key.key,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        Some(&access_token),
        None,
    )
    .map(|token| token.to_string())
    .map_err(|e| e.to_string())
}

/// Signs an access token for one demo API (RFC 9068's JWT profile): its
/// `aud` is the API, so that the API can refuse a token made for another
/// one, and so that a client can see where it may go.
pub(crate) fn api_access_token(
    ctx: &Ctx,
    user: &User,
    audience: &str,
    scope: &str,
    ttl: std::time::Duration,
) -> Result<String, String> {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use openidconnect::PrivateSigningKey as _;

    let now = Utc::now().timestamp();
    let ttl = i64::try_from(ttl.as_secs()).map_err(|e| e.to_string())?;
    let header = serde_json::json!({
        "alg": "RS256",
        "typ": "at+jwt",
        "kid": ctx.key.kid(),
    });
    let claims = serde_json::json!({
        "iss": ctx.issuer,
        "sub": user.user_id,
        "aud": audience,
        "client_id": DEMO_CLIENT_ID,
        "scope": scope,
        "iat": now,
        "exp": now.saturating_add(ttl),
        "jti": super::state::random_token(),
    });
    let part = |v: &serde_json::Value| URL_SAFE_NO_PAD.encode(v.to_string());
    let signed = format!("{}.{}", part(&header), part(&claims));
    let signature = ctx
        .key
        .key
        .sign(
            &CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            signed.as_bytes(),
        )
        .map_err(|e| e.to_string())?;
    Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature)))
}
