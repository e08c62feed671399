//! Runtime flag overrides and their audit log.

use super::StoreResult;
use crate::flags::FlagOverride;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// One change of a flag: who, when, the override before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagAuditEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub before: FlagOverride,
    pub after: FlagOverride,
}

/// Flag overrides.
#[async_trait]
pub trait FlagStore: Send + Sync {
    /// A flag's runtime override (empty when there is none).
    async fn flag_override(&self, key: &str) -> StoreResult<FlagOverride>;
    /// Replaces a flag's override (an empty one resets it) and writes the audit entry, in one
    /// transaction; returns the override before.
    async fn set_flag_override(
        &self,
        key: &str,
        change: &FlagOverride,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<FlagOverride>;
    /// Sets the fields `change` sets (the others keep their override), reading and writing in
    /// one transaction so that two changes of different fields at once both stay; writes the
    /// audit entries; returns the override before and after.
    async fn change_flag_override(
        &self,
        key: &str,
        change: &FlagOverride,
        actor: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<(FlagOverride, FlagOverride)>;
    /// A flag's changes, newest first.
    async fn flag_audit(&self, key: &str, limit: u32) -> StoreResult<Vec<FlagAuditEntry>>;
}
