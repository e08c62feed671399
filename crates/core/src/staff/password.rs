//! Staff passwords: hashed with Argon2id (OWASP's parameters: 19 MiB, 2 passes, 1 lane) in
//! the PHC string format, which keeps its own salt and parameters. Hashing takes tens of
//! milliseconds of CPU on purpose: callers on an async runtime run it with `spawn_blocking`.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Fewest characters a password may have (NIST SP 800-63B asks for at least 8; we ask 12).
pub const MIN_LENGTH: usize = 12;
/// Most characters a password may have (so hashing cannot be made arbitrarily long).
pub const MAX_LENGTH: usize = 256;

/// A password that cannot be used, and why (shown to the person choosing it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("must have at least {MIN_LENGTH} characters")]
    TooShort,
    #[error("must have at most {MAX_LENGTH} characters")]
    TooLong,
}

/// Checks a new password's length (counted in characters, spaces allowed, as NIST advises).
pub fn check(password: &str) -> Result<(), WeakPassword> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        Err(WeakPassword::TooShort)
    } else if length > MAX_LENGTH {
        Err(WeakPassword::TooLong)
    } else {
        Ok(())
    }
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The password's hash, to store. Slow on purpose: call it off the async workers.
pub fn hash(password: &str) -> String {
    let salt_bytes: [u8; 16] = rand::random();
    // 16 random bytes always encode to a valid salt, and hashing a valid salt cannot fail.
    let hashed = SaltString::encode_b64(&salt_bytes).and_then(|salt| {
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    });
    hashed.unwrap_or_default()
}

/// Whether `password` is the one `stored` was made from. A malformed stored hash matches
/// nothing. Slow on purpose: call it off the async workers.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Spends the time a real check would, for a sign-in with an unknown email, so that the
/// answer's timing does not tell which emails have accounts.
pub fn verify_nothing(password: &str) {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let decoy = DECOY.get_or_init(|| hash("a decoy that is never a password"));
    let _ = verify(password, decoy);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery staple");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(verify("correct horse battery staple", &stored));
        assert!(!verify("correct horse battery stapler", &stored));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(stored, hash("correct horse battery staple"), "salted");
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert_eq!(check("short"), Err(WeakPassword::TooShort));
        assert_eq!(check(&"x".repeat(257)), Err(WeakPassword::TooLong));
        assert_eq!(check("twelve chars"), Ok(()));
    }
}
