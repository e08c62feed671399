//! Staff accounts: signing in, adding people, changing their role, disabling them, setting a
//! password from a one-time link, and reading the staff audit log. Only an actor with the
//! `users:write` scope (the owner) manages accounts; the store never loses its last owner.

use super::ServiceError;
use crate::concierge::forms::Invalid;
use crate::email::Email;
use crate::staff::audit::{AuditAction, AuditEntry};
use crate::staff::{Actor, Role, StaffUser, password};
use crate::store::{StaffStore, StoreError};
use crate::tokens::Scope;
use chrono::{DateTime, Utc};

/// Argon2id runs at most this many at once (19 MiB each): a flood of sign-ins from many
/// addresses queues here instead of taking the machine's memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Hashes a password on a blocking thread (Argon2id takes tens of milliseconds of CPU).
pub async fn hash_password(password: &str) -> Result<String, ServiceError> {
    let password = password.to_string();
    let _turn = HASHING.acquire().await;
    tokio::task::spawn_blocking(move || password::hash(&password))
        .await
        .map_err(|e| ServiceError::Store(StoreError::Other(format!("hashing stopped: {e}"))))
}

/// Checks a password against a stored hash on a blocking thread; without a hash it spends the
/// same time and says no.
async fn verify_password(password: &str, stored: Option<String>) -> bool {
    let password = password.to_string();
    let _turn = HASHING.acquire().await;
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => password::verify(&password, &stored),
        None => {
            password::verify_nothing(&password);
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// A new password, checked, as the field error to show.
fn strong(new_password: &str) -> Result<(), ServiceError> {
    password::check(new_password)
        .map_err(|weak| ServiceError::Invalid(vec![Invalid::new("password", weak.to_string())]))
}

/// Signs a person in: the active account with this email and password, or `None`, the same
/// answer (and about the same time) for an unknown email, a wrong password, a disabled account
/// or one without a password yet. A failure is written to the audit log.
pub async fn sign_in(
    store: &dyn StaffStore,
    email: &str,
    given_password: &str,
    now: DateTime<Utc>,
) -> Result<Option<StaffUser>, ServiceError> {
    let email = email.trim();
    let found = store.user_by_email(email).await?;
    let (user, stored) = match found {
        Some((user, stored)) => (Some(user), stored),
        None => (None, None),
    };
    let matches = verify_password(given_password, stored).await;
    match user {
        Some(user) if matches && user.is_active() => Ok(Some(user)),
        _ => {
            let subject: String = email.chars().take(crate::email::EMAIL_MAX).collect();
            store
                .record_audit(&AuditEntry::new(
                    now,
                    "(not signed in) via workspace",
                    AuditAction::SignInFailed,
                    subject,
                    "unknown email, wrong password or disabled account",
                ))
                .await?;
            Ok(None)
        }
    }
}

/// Every account.
pub async fn users(store: &dyn StaffStore, actor: &Actor) -> Result<Vec<StaffUser>, ServiceError> {
    actor.require(Scope::UsersWrite)?;
    Ok(store.users().await?)
}

/// The staff audit log, newest first.
pub async fn audit_log(
    store: &dyn StaffStore,
    actor: &Actor,
    limit: u32,
    before: Option<DateTime<Utc>>,
) -> Result<Vec<AuditEntry>, ServiceError> {
    actor.require(Scope::UsersWrite)?;
    Ok(store.audit_log(limit.clamp(1, 500), before).await?)
}

/// Adds an account, with a password (checked, then hashed) or without one (to be set from a
/// link). `Conflict` `user_exists` when the email has an account.
pub async fn add_user(
    store: &dyn StaffStore,
    actor: &Actor,
    email: &str,
    role: Role,
    new_password: Option<&str>,
    now: DateTime<Utc>,
) -> Result<StaffUser, ServiceError> {
    actor.require(Scope::UsersWrite)?;
    let email = Email::parse(email)
        .map_err(|_| ServiceError::Invalid(vec![Invalid::new("email", "not an email address")]))?
        .to_lowercase();
    let hash = match new_password {
        Some(p) => {
            strong(p)?;
            Some(hash_password(p).await?)
        }
        None => None,
    };
    let user = StaffUser {
        id: StaffUser::new_id(),
        email,
        role,
        created_at: now,
        disabled_at: None,
        password_set: hash.is_some(),
    };
    let audit = AuditEntry::new(
        now,
        actor.audit_name(),
        AuditAction::UserAdded,
        user.email.as_str(),
        format!("as {role}"),
    );
    match store.insert_user(&user, hash.as_deref(), &audit).await {
        Ok(()) => Ok(user),
        Err(StoreError::Conflict(_)) => Err(ServiceError::Conflict(
            "user_exists",
            format!("{} has an account already.", user.email.as_str()),
        )),
        Err(error) => Err(error.into()),
    }
}

/// An account by id, or by email when `who` has an `@`.
pub async fn find_user(store: &dyn StaffStore, who: &str) -> Result<StaffUser, ServiceError> {
    let found = if who.contains('@') {
        store.user_by_email(who.trim()).await?.map(|(user, _)| user)
    } else {
        store.user(who.trim()).await?
    };
    found.ok_or(ServiceError::NotFound("There is no such account."))
}

/// Writes an account's change; the store refuses one that would leave no owner even when two
/// are made at once (the check before it cannot see the other).
async fn update(
    store: &dyn StaffStore,
    user: &StaffUser,
    audit: &AuditEntry,
) -> Result<(), ServiceError> {
    match store.update_user(user, audit).await {
        Err(StoreError::Conflict(_)) => Err(last_owner()),
        other => Ok(other?),
    }
}

fn last_owner() -> ServiceError {
    ServiceError::Conflict(
        "last_owner",
        "The store needs an active owner: make someone else owner first.".into(),
    )
}

/// Refuses a change of an active owner (`before` → `after`) that would leave no active owner.
async fn keeps_an_owner(
    store: &dyn StaffStore,
    before: &StaffUser,
    after: &StaffUser,
) -> Result<(), ServiceError> {
    let owner = |u: &StaffUser| u.role == Role::Owner && u.is_active();
    if !owner(before) || owner(after) {
        return Ok(());
    }
    let other_owner = store
        .users()
        .await?
        .iter()
        .any(|u| u.id != after.id && owner(u));
    if other_owner {
        Ok(())
    } else {
        Err(last_owner())
    }
}

/// Changes an account's role.
pub async fn change_role(
    store: &dyn StaffStore,
    actor: &Actor,
    who: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<StaffUser, ServiceError> {
    actor.require(Scope::UsersWrite)?;
    let before = find_user(store, who).await?;
    let mut after = before.clone();
    after.role = role;
    if before.role == role {
        return Ok(after);
    }
    keeps_an_owner(store, &before, &after).await?;
    let audit = AuditEntry::new(
        now,
        actor.audit_name(),
        AuditAction::UserRoleChanged,
        after.email.as_str(),
        format!("{} → {}", before.role, role),
    );
    update(store, &after, &audit).await?;
    Ok(after)
}

/// Disables an account: it can no longer sign in, its sessions end, and tokens bound to it stop
/// working.
pub async fn disable(
    store: &dyn StaffStore,
    actor: &Actor,
    who: &str,
    now: DateTime<Utc>,
) -> Result<StaffUser, ServiceError> {
    actor.require(Scope::UsersWrite)?;
    let before = find_user(store, who).await?;
    if !before.is_active() {
        return Ok(before);
    }
    let mut after = before.clone();
    after.disabled_at = Some(now);
    keeps_an_owner(store, &before, &after).await?;
    let audit = AuditEntry::new(
        now,
        actor.audit_name(),
        AuditAction::UserDisabled,
        after.email.as_str(),
        format!("was {}", after.role),
    );
    update(store, &after, &audit).await?;
    Ok(after)
}

/// How long a set-password link works.
pub const LINK_LIFETIME: chrono::Duration = chrono::Duration::hours(72);

/// Makes `who`'s one-time set-password link (`link_hash`, the hash of its secret; the previous
/// link stops working), written to the audit log with who made it.
pub async fn make_password_link(
    store: &dyn StaffStore,
    actor: &Actor,
    who: &str,
    link_hash: &str,
    now: DateTime<Utc>,
) -> Result<StaffUser, ServiceError> {
    actor.require(Scope::UsersWrite)?;
    let user = find_user(store, who).await?;
    if !user.is_active() {
        return Err(ServiceError::Invalid(vec![Invalid::new(
            "account",
            "a disabled account gets no link",
        )]));
    }
    let audit = AuditEntry::new(
        now,
        actor.audit_name(),
        AuditAction::PasswordLinkCreated,
        user.email.as_str(),
        "valid 3 days; earlier links stop working",
    );
    store
        .set_password_link(&user.id, link_hash, now + LINK_LIFETIME, &audit)
        .await?;
    Ok(user)
}

/// Sets a password from a one-time link (`link_hash`, the hash of its secret). `None` when the
/// link is unknown, used or expired.
pub async fn set_password_from_link(
    store: &dyn StaffStore,
    link_hash: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<Option<StaffUser>, ServiceError> {
    strong(new_password)?;
    let Some(user) = store.password_link_user(link_hash, now).await? else {
        return Ok(None);
    };
    let hash = hash_password(new_password).await?;
    let audit = AuditEntry::new(
        now,
        format!("{} via workspace", user.email.as_str()),
        AuditAction::PasswordSet,
        user.email.as_str(),
        "from a set-password link",
    );
    Ok(store
        .use_password_link(link_hash, &hash, now, &audit)
        .await?)
}

/// Sets an account's password directly (the command line, with the password on stdin).
pub async fn set_password(
    store: &dyn StaffStore,
    actor: &Actor,
    who: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<StaffUser, ServiceError> {
    actor.require(Scope::UsersWrite)?;
    strong(new_password)?;
    let user = find_user(store, who).await?;
    let hash = hash_password(new_password).await?;
    let audit = AuditEntry::new(
        now,
        actor.audit_name(),
        AuditAction::PasswordSet,
        user.email.as_str(),
        "set directly",
    );
    store.set_password(&user.id, &hash, &audit).await?;
    Ok(user)
}
