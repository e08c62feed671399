//! An email address, checked once where it comes in (a form, an identity token, an import).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest address accepted (RFC 5321's limit for a path).
pub const EMAIL_MAX: usize = 254;

/// A plausible email address, trimmed: one `@`, a local part, a dotted domain, no spaces,
/// at most [`EMAIL_MAX`] characters. Kept as given; [`Email::matches`] ignores case, as shops
/// do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Text that is not an email address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an email address")]
pub struct InvalidEmail;

impl Email {
    /// Parses `text` (surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<Email, InvalidEmail> {
        let text = text.trim();
        let Some((local, domain)) = text.split_once('@') else {
            return Err(InvalidEmail);
        };
        let plausible = !local.is_empty()
            && text.len() <= EMAIL_MAX
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control());
        if plausible {
            Ok(Email(text.to_string()))
        } else {
            Err(InvalidEmail)
        }
    }

    /// The address as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same address in lower case (how identities and allow-lists compare it).
    pub fn to_lowercase(&self) -> Email {
        Email(self.0.to_lowercase())
    }

    /// Whether both name the same mailbox, ignoring case.
    pub fn matches(&self, other: &Email) -> bool {
        self.0.eq_ignore_ascii_case(&other.0)
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidEmail;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl std::ops::Deref for Email {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_address_is_trimmed_kept_as_given_and_matched_without_case() {
        let typed = Email::parse("  Ava.Thompson@Example.com ").unwrap();
        assert_eq!(typed.as_str(), "Ava.Thompson@Example.com");
        let stored = Email::parse("ava.thompson@example.com").unwrap();
        assert!(typed.matches(&stored));
        assert_eq!(typed.to_lowercase(), stored);
    }

    #[test]
    fn implausible_addresses_are_refused() {
        for bad in [
            "",
            "ava",
            "@example.com",
            "ava@",
            "ava@example",
            "ava@.com",
            "ava@com.",
            "a b@example.com",
            "ava@ex@ample.com",
        ] {
            assert_eq!(Email::parse(bad), Err(InvalidEmail), "{bad:?}");
        }
        let long = format!("{}@example.com", "a".repeat(EMAIL_MAX));
        assert_eq!(Email::parse(&long), Err(InvalidEmail));
    }
}
