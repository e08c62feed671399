use aurora_core::store::StoreError;

/// Sorts a sqlx error into what callers act on: unavailable, conflict, or anything else.
pub(crate) fn store_error(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(error.to_string()),
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(db.message().to_string())
        }
        // SQLITE_FULL: the disk (or the file's size limit) is full. Nothing was written; the
        // service answers 503 until space is freed.
        sqlx::Error::Database(db) if db.code().as_deref() == Some("13") => {
            StoreError::Unavailable(format!("the database's disk is full: {}", db.message()))
        }
        _ => StoreError::Other(error.to_string()),
    }
}

/// A migration failure, for `open` and `aurora migrate`.
pub(crate) fn migrate_error(error: sqlx::migrate::MigrateError) -> StoreError {
    match error {
        sqlx::migrate::MigrateError::Execute(inner) => store_error(inner),
        other => StoreError::Other(format!("migration failed: {other}")),
    }
}
