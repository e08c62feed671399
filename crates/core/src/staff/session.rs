//! Workspace sessions, kept in the database so that every instance knows them. The browser
//! holds a random secret; the store holds only its hash. A session ends after a time without
//! use (idle) and, used or not, a fixed time after sign-in (absolute).

use chrono::{DateTime, Duration, Utc};

/// A signed-in session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The hash of the cookie's secret.
    pub id_hash: String,
    pub user_id: String,
    /// The token every state change from this session must carry (CSRF).
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// How long sessions last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionRules {
    /// Ends a session not used for this long.
    pub idle: Duration,
    /// Ends a session this long after sign-in, however busy.
    pub absolute: Duration,
}

impl Default for SessionRules {
    fn default() -> Self {
        SessionRules {
            idle: Duration::hours(2),
            absolute: Duration::hours(12),
        }
    }
}

impl Session {
    /// Whether it has ended by `now`.
    pub fn expired(&self, now: DateTime<Utc>, rules: &SessionRules) -> bool {
        now - self.last_seen_at >= rules.idle || now - self.created_at >= rules.absolute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_when_idle_or_old() {
        let start = Utc::now();
        let rules = SessionRules::default();
        let mut session = Session {
            id_hash: "h".into(),
            user_id: "u".into(),
            csrf_token: "c".into(),
            created_at: start,
            last_seen_at: start,
        };
        assert!(!session.expired(start + Duration::minutes(119), &rules));
        assert!(session.expired(start + Duration::hours(2), &rules));
        session.last_seen_at = start + Duration::hours(11);
        assert!(!session.expired(start + Duration::hours(11) + Duration::minutes(59), &rules));
        assert!(session.expired(start + Duration::hours(12), &rules));
    }
}
