//! The application's use cases. Each one loads what it needs, applies the rules (who owns a
//! conversation, when it has ended, when to ask for a rating, what may be returned), persists,
//! and returns what the caller shows. Callers (the HTTP handlers, the CLI) only parse their
//! input, call one of these, and map the result; time and randomness are passed in.

pub mod catalog;
pub mod conversations;
pub mod flags;
pub mod import;
pub mod insight;
pub mod integrations;
pub mod knowledge;
pub mod orders;
pub mod shortlist;
pub mod staff;
pub mod support;
pub mod tickets;

use crate::concierge::forms::Invalid;
use crate::store::StoreError;

/// Why a use case refused. Each variant is one kind of answer (404, 422, 409, or a storage
/// failure).
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// What was asked for does not exist, or is not the caller's (which looks the same).
    #[error("{0}")]
    NotFound(&'static str),
    /// Fields are invalid, every one of them listed.
    #[error("invalid fields")]
    Invalid(Vec<Invalid>),
    /// The request conflicts with the state of things, with a stable code.
    #[error("{1}")]
    Conflict(&'static str, String),
    /// The caller may not do this (its role or token lacks the scope).
    #[error("this needs the {0} scope")]
    Forbidden(crate::tokens::Scope),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServiceError {
    /// The error of a write that carried an idempotency answer: a conflict there means the
    /// key's claim is no longer the caller's (a retry took it over after its lease).
    pub(crate) fn answering(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(_) => ServiceError::Conflict(
                "idempotency_key_in_use",
                "A retry with this Idempotency-Key took the request over; its answer is the one \
                 kept."
                    .to_string(),
            ),
            error => error.into(),
        }
    }
}
