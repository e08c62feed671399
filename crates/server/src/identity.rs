//! Who is asking: the visitor token the service issues (HMAC-signed, no personal data), and the
//! store's signed identity of a logged-in shopper (an HS256 JWT with `email` and `exp`).

use aurora_core::email::Email;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const VISITOR_PREFIX: &str = "v1";
/// Identity tokens may not be valid for longer than this from now.
const IDENTITY_MAX_LIFETIME: Duration = Duration::hours(24);

/// Signs and checks tokens with the store's secrets. Each secret may have previous values, kept
/// while it is rotated: tokens they signed still verify, new tokens are signed with the current
/// one only.
pub struct Tokens {
    /// The current visitor key first, then the previous ones.
    visitor_keys: Vec<Vec<u8>>,
    /// The current identity secret first, then the previous ones; empty when not configured.
    identity_keys: Vec<Vec<u8>>,
}

/// A verified signed identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// Trimmed, lowercased.
    pub email: Email,
    pub name: Option<String>,
}

/// Why an identity token was not accepted (logged and counted, never shown to the shopper).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityRejected {
    NotConfigured,
    Malformed,
    Algorithm,
    Signature,
    Expired,
    TooLongLived,
    NoEmail,
}

impl IdentityRejected {
    /// A stable reason, for logs and metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            IdentityRejected::NotConfigured => "not_configured",
            IdentityRejected::Malformed => "malformed",
            IdentityRejected::Algorithm => "algorithm",
            IdentityRejected::Signature => "signature",
            IdentityRejected::Expired => "expired",
            IdentityRejected::TooLongLived => "too_long_lived",
            IdentityRejected::NoEmail => "no_email",
        }
    }
}

impl Tokens {
    /// `secret_key` signs visitor tokens; `identity_secret` is shared with the store's backend.
    pub fn new(secret_key: &str, identity_secret: Option<&str>) -> Self {
        Tokens {
            visitor_keys: vec![secret_key.as_bytes().to_vec()],
            identity_keys: identity_secret
                .map(|s| s.as_bytes().to_vec())
                .into_iter()
                .collect(),
        }
    }

    /// Also accepts tokens signed with these previous secrets (for verification only).
    pub fn with_previous(mut self, secret_keys: &[String], identity_secrets: &[String]) -> Self {
        let bytes = |keys: &[String]| {
            keys.iter()
                .map(|k| k.as_bytes().to_vec())
                .collect::<Vec<_>>()
        };
        self.visitor_keys.extend(bytes(secret_keys));
        // Previous identity secrets count only alongside a current one.
        if !self.identity_keys.is_empty() {
            self.identity_keys.extend(bytes(identity_secrets));
        }
        self
    }

    #[allow(clippy::expect_used)]
    fn mac(key: &[u8]) -> HmacSha256 {
        HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length")
    }

    /// A new visitor: a random id and the token that proves it.
    pub fn new_visitor(&self) -> (String, String) {
        let id = format!("{:032x}", rand::random::<u128>());
        let token = self.visitor_token(&id);
        (id, token)
    }

    /// The token of visitor `id`, signed with the current key.
    pub fn visitor_token(&self, id: &str) -> String {
        let mut mac = Self::mac(&self.visitor_keys[0]);
        mac.update(format!("aurora-visitor:{VISITOR_PREFIX}:{id}").as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{VISITOR_PREFIX}.{id}.{signature}")
    }

    /// The visitor id a token proves, or `None` for a forged or malformed one.
    pub fn verify_visitor(&self, token: &str) -> Option<String> {
        self.visitor_key_of(token).map(|(id, _)| id)
    }

    /// The same visitor's token signed with the current key, when `token` is valid but signed
    /// with a previous one: given back to the widget so that the old key can be retired.
    pub fn renewed_visitor_token(&self, token: &str) -> Option<String> {
        match self.visitor_key_of(token) {
            Some((id, key)) if key > 0 => Some(self.visitor_token(&id)),
            _ => None,
        }
    }

    /// The visitor id a token proves and the index of the key that signed it.
    fn visitor_key_of(&self, token: &str) -> Option<(String, usize)> {
        let mut parts = token.split('.');
        let (Some(VISITOR_PREFIX), Some(id), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signed = format!("aurora-visitor:{VISITOR_PREFIX}:{id}");
        let key = self.visitor_keys.iter().position(|key| {
            let mut mac = Self::mac(key);
            mac.update(signed.as_bytes());
            mac.verify_slice(&signature).is_ok()
        })?;
        Some((id.to_string(), key))
    }

    /// Checks a store-signed identity JWT (HS256 only; `email`, `exp` at most 24 h ahead).
    pub fn verify_identity(
        &self,
        jwt: &str,
        now: DateTime<Utc>,
    ) -> Result<VerifiedIdentity, IdentityRejected> {
        if self.identity_keys.is_empty() {
            return Err(IdentityRejected::NotConfigured);
        }
        let mut parts = jwt.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(IdentityRejected::Malformed);
        };
        let decode = |part: &str| -> Result<serde_json::Value, IdentityRejected> {
            let bytes = URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| IdentityRejected::Malformed)?;
            serde_json::from_slice(&bytes).map_err(|_| IdentityRejected::Malformed)
        };
        if decode(header)?["alg"] != "HS256" {
            return Err(IdentityRejected::Algorithm);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| IdentityRejected::Malformed)?;
        let signed = format!("{header}.{payload}");
        let genuine = self.identity_keys.iter().any(|key| {
            let mut mac = Self::mac(key);
            mac.update(signed.as_bytes());
            mac.verify_slice(&signature).is_ok()
        });
        if !genuine {
            return Err(IdentityRejected::Signature);
        }
        let claims = decode(payload)?;
        let exp = claims["exp"].as_i64().ok_or(IdentityRejected::Malformed)?;
        if exp <= now.timestamp() {
            return Err(IdentityRejected::Expired);
        }
        if exp > (now + IDENTITY_MAX_LIFETIME).timestamp() {
            return Err(IdentityRejected::TooLongLived);
        }
        let email = claims["email"]
            .as_str()
            .and_then(|e| Email::parse(e).ok())
            .ok_or(IdentityRejected::NoEmail)?
            .to_lowercase();
        let name = claims["name"]
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| n.chars().take(100).collect());
        Ok(VerifiedIdentity { email, name })
    }
}

/// Signs an identity JWT the way a store's backend would (tests and docs examples).
pub fn sign_identity(secret: &str, claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let mut mac = Tokens::mac(secret.as_bytes());
    mac.update(format!("{header}.{payload}").as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{header}.{payload}.{signature}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use serde_json::json;

    fn tokens() -> Tokens {
        Tokens::new(
            "visitor-secret-0123456789abcdef0123456789",
            Some("identity-secret"),
        )
    }

    #[test]
    fn a_visitor_token_proves_its_id_and_survives_a_restart() {
        let (id, token) = tokens().new_visitor();
        assert_eq!(tokens().verify_visitor(&token), Some(id));
    }

    #[test]
    fn a_forged_or_mangled_visitor_token_is_rejected() {
        let (id, token) = tokens().new_visitor();
        let other = Tokens::new("another-secret-0123456789abcdef012345678", None);
        assert_eq!(other.verify_visitor(&token), None);
        let swapped = token.replacen(&id, &"0".repeat(32), 1);
        assert_eq!(tokens().verify_visitor(&swapped), None);
        for bad in [
            "",
            "v1",
            "v1..",
            "v2.abc.def",
            &format!("{token}.x"),
            "v1.zz.zz",
        ] {
            assert_eq!(tokens().verify_visitor(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_valid_identity_gives_its_lowercased_email() {
        let now = Utc::now();
        let jwt = sign_identity(
            "identity-secret",
            &json!({"email": " Ava@Example.com ", "exp": now.timestamp() + 3600, "name": "Ava"}),
        );
        let identity = tokens().verify_identity(&jwt, now).unwrap();
        assert_eq!(identity.email.as_str(), "ava@example.com");
        assert_eq!(identity.name.as_deref(), Some("Ava"));
    }

    #[test]
    fn bad_identities_are_rejected_for_a_reason() {
        let now = Utc::now();
        let exp = now.timestamp() + 3600;
        let cases = [
            (
                sign_identity("wrong", &json!({"email": "a@b.co", "exp": exp})),
                IdentityRejected::Signature,
            ),
            (
                sign_identity(
                    "identity-secret",
                    &json!({"email": "a@b.co", "exp": now.timestamp() - 1}),
                ),
                IdentityRejected::Expired,
            ),
            (
                sign_identity(
                    "identity-secret",
                    &json!({"email": "a@b.co", "exp": now.timestamp() + 25 * 3600}),
                ),
                IdentityRejected::TooLongLived,
            ),
            (
                sign_identity("identity-secret", &json!({"email": "nobody", "exp": exp})),
                IdentityRejected::NoEmail,
            ),
            ("a.b".to_string(), IdentityRejected::Malformed),
        ];
        for (jwt, expected) in cases {
            assert_eq!(tokens().verify_identity(&jwt, now), Err(expected));
        }
        // alg "none" with an empty signature is refused before anything else.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(json!({"email": "a@b.co", "exp": exp}).to_string())
        );
        assert_eq!(
            tokens().verify_identity(&none, now),
            Err(IdentityRejected::Algorithm)
        );
        let unconfigured = Tokens::new("visitor-secret-0123456789abcdef0123456789", None);
        let jwt = sign_identity("identity-secret", &json!({"email": "a@b.co", "exp": exp}));
        assert_eq!(
            unconfigured.verify_identity(&jwt, now),
            Err(IdentityRejected::NotConfigured)
        );
    }

    #[test]
    fn after_a_rotation_old_tokens_still_verify_and_are_renewed_with_the_new_key() {
        let old = tokens();
        let (id, old_token) = old.new_visitor();
        let now = Utc::now();
        let old_jwt = sign_identity(
            "identity-secret",
            &json!({"email": "a@b.co", "exp": now.timestamp() + 60}),
        );
        let rotated = Tokens::new(
            "new-visitor-secret-0123456789abcdef0123",
            Some("new-identity-secret"),
        )
        .with_previous(
            &["visitor-secret-0123456789abcdef0123456789".to_string()],
            &["identity-secret".to_string()],
        );
        assert_eq!(rotated.verify_visitor(&old_token), Some(id.clone()));
        assert!(rotated.verify_identity(&old_jwt, now).is_ok());
        // The renewed token is the same visitor, signed with the current key only.
        let renewed = rotated.renewed_visitor_token(&old_token).unwrap();
        assert_ne!(renewed, old_token);
        assert_eq!(rotated.verify_visitor(&renewed), Some(id.clone()));
        assert_eq!(rotated.renewed_visitor_token(&renewed), None);
        assert_eq!(old.verify_visitor(&renewed), None);
        let (_, fresh) = rotated.new_visitor();
        assert_eq!(
            old.verify_visitor(&fresh),
            None,
            "new tokens use the new key"
        );
        // Once the old key is retired, its tokens are refused.
        let retired = Tokens::new(
            "new-visitor-secret-0123456789abcdef0123",
            Some("new-identity-secret"),
        );
        assert_eq!(retired.verify_visitor(&old_token), None);
        assert_eq!(
            retired.verify_identity(&old_jwt, now),
            Err(IdentityRejected::Signature)
        );
        // A previous identity secret alone does not switch identities on.
        let no_identity = Tokens::new("visitor-secret-0123456789abcdef0123456789", None)
            .with_previous(&[], &["identity-secret".to_string()]);
        assert_eq!(
            no_identity.verify_identity(&old_jwt, now),
            Err(IdentityRejected::NotConfigured)
        );
    }
}
