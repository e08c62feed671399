//! API tokens on the wire: made (a random secret shown once, stored as its SHA-256), and
//! checked on each call that sends `Authorization: Bearer …`. A missing, unknown or revoked
//! token is a 401; a token without the call's scope is a 403.

use crate::AppState;
use crate::error::ApiError;
use aurora_core::store::{StoreResult, TokenStore};
use aurora_core::tokens::{ApiToken, Scope};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use base64::Engine;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// What every secret starts with, so that a leaked one is recognisable (secret scanners).
pub const SECRET_PREFIX: &str = "aurora_";

/// The hash a secret is stored and looked up by. The secret is 256 random bits, so a fast hash
/// is enough: nobody can guess one to match.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Makes and stores a token; returns it with its secret, which is never stored and cannot be
/// shown again.
pub async fn create(
    store: &dyn TokenStore,
    name: &str,
    scopes: Vec<Scope>,
    user_id: Option<String>,
    now: DateTime<Utc>,
) -> StoreResult<(ApiToken, String)> {
    let bytes: [u8; 32] = rand::random();
    let secret = format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let token = ApiToken {
        id: format!("tok_{:016x}", rand::random::<u64>()),
        name: name.to_string(),
        scopes,
        user_id,
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    store.insert_token(&token, &hash(&secret)).await?;
    Ok((token, secret))
}

/// The caller of an integration route: a valid, unrevoked token.
#[derive(Debug, Clone)]
pub struct Caller(pub ApiToken);

impl Caller {
    /// Passes when the token has `scope`; 403 `insufficient_scope` otherwise.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.0.allows(scope) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "insufficient_scope",
                format!("This token does not have the {scope} scope."),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let unauthorized = || {
            ApiError::unauthorized("Send a valid API token: Authorization: Bearer aurora_…")
                .with_header(
                    "www-authenticate",
                    axum::http::HeaderValue::from_static("Bearer"),
                )
        };
        let secret = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, secret)| secret.trim())
            .filter(|s| s.starts_with(SECRET_PREFIX))
            .ok_or_else(unauthorized)?;
        let token = state
            .store
            .token_by_hash(&hash(secret))
            .await?
            .filter(|token| token.revoked_at.is_none())
            .ok_or_else(unauthorized)?;
        // Last use to the minute is enough, and saves a write per call.
        let now = state.now();
        if token
            .last_used_at
            .is_none_or(|at| now - at > chrono::Duration::minutes(1))
            && let Err(error) = state.store.token_used(&token.id, now).await
        {
            tracing::warn!(%error, token = token.id, "could not record the token's use");
        }
        Ok(Caller(token))
    }
}

#[cfg(test)]
mod tests {
    use super::hash;

    #[test]
    fn the_hash_is_sha256_in_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
