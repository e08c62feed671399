//! Both backends behind one small interface, so that the SQL of every area is written once, as
//! plain functions: a [`Query`] is SQL text with `$N` placeholders (SQLite and PostgreSQL both
//! accept them) and typed [`Arg`]s; it runs on a [`Conn`] of either backend, taken from the
//! [`Pool`] or a [`Tx`]; rows decode with `#[derive(sqlx::FromRow)]`.
//!
//! Why not generic functions over `sqlx::Database`: every one of them would repeat a dozen
//! trait bounds (Rust does not carry a trait's where-clauses to its users). Why not
//! `sqlx::Any`: it has no timestamps and would change how existing data is read.

use crate::errors::store_error;
use aurora_core::store::{PoolStats, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{
    Arguments, Database, Encode, FromRow, PgConnection, Postgres, Sqlite, SqliteConnection,
};
use std::fmt::Write as _;

/// A query argument. Each variant keeps its SQL type when it is NULL: PostgreSQL checks the
/// type of a NULL too.
#[derive(Debug, Clone)]
pub(crate) enum Arg<'q> {
    Str(Option<&'q str>),
    String(Option<String>),
    I32(Option<i32>),
    I64(Option<i64>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
}

/// `From` for a type and its `Option`, as one `Arg` variant.
macro_rules! arg_from {
    ($($variant:ident: $type:ty),* $(,)?) => {$(
        impl<'q> From<$type> for Arg<'q> {
            fn from(value: $type) -> Self {
                Arg::$variant(Some(value))
            }
        }
        impl<'q> From<Option<$type>> for Arg<'q> {
            fn from(value: Option<$type>) -> Self {
                Arg::$variant(value)
            }
        }
    )*};
}

arg_from!(Str: &'q str, String: String, I32: i32, I64: i64, Bool: bool, Time: DateTime<Utc>);

impl<'q> From<&'q String> for Arg<'q> {
    fn from(value: &'q String) -> Self {
        Arg::Str(Some(value))
    }
}

/// SQL text and its arguments, built in order.
#[derive(Debug, Default)]
pub(crate) struct Query<'q> {
    sql: String,
    args: Vec<Arg<'q>>,
    /// Prepared once and kept by the connection (the default), or prepared for this run only.
    once: bool,
}

impl<'q> Query<'q> {
    /// A query whose placeholders `$1`, `$2`, … are written in `sql`; bind them in order.
    pub(crate) fn new(sql: impl Into<String>) -> Self {
        Query {
            sql: sql.into(),
            args: Vec::new(),
            once: false,
        }
    }

    /// Not kept by the connection once run: for statements whose text varies with their data
    /// (a multi-row insert of any number of rows), which would otherwise fill each connection's
    /// statement cache with large statements run once (150 MB in an import of 40,000 orders).
    pub(crate) fn once(mut self) -> Self {
        self.once = true;
        self
    }

    /// The value of the next placeholder written in the SQL.
    pub(crate) fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Appends SQL text.
    pub(crate) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Appends a placeholder for `value`.
    pub(crate) fn push_bind(&mut self, value: impl Into<Arg<'q>>) -> &mut Self {
        self.args.push(value.into());
        // Writing to a String cannot fail.
        let _ = write!(self.sql, "${}", self.args.len());
        self
    }

    /// Appends `VALUES (…), (…)`, one tuple per item with the placeholders `row` gives it.
    pub(crate) fn push_values<T, const N: usize>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut row: impl FnMut(T) -> [Arg<'q>; N],
    ) -> &mut Self {
        self.sql.push_str("VALUES ");
        for (i, item) in items.into_iter().enumerate() {
            self.sql.push_str(if i == 0 { "(" } else { ", (" });
            for (j, value) in row(item).into_iter().enumerate() {
                if j > 0 {
                    self.sql.push_str(", ");
                }
                self.push_bind(value);
            }
            self.sql.push(')');
        }
        self
    }

    /// Appends `(…)` with a placeholder for each of `values`, for `IN`.
    pub(crate) fn push_list<V: Into<Arg<'q>>>(
        &mut self,
        values: impl IntoIterator<Item = V>,
    ) -> &mut Self {
        self.sql.push('(');
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.push_bind(value);
        }
        self.sql.push(')');
        self
    }
}

/// `sql` as SQLite binds it fastest. SQLite looks a named placeholder (`$7`) up by walking every
/// name of the statement, so a 500-row insert with `$1`…`$8000` spends its time looking names up
/// (quadratic); positional `?` need no lookup. When the placeholders stand in order, `$1` to
/// `$n`, each once (every generated query, most written ones), they become `?`; otherwise the
/// SQL is left as it is and binds by name.
fn positional(sql: String) -> String {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let (mut next, mut copied, mut at) = (1usize, 0, 0);
    while at < bytes.len() {
        if bytes[at] == b'$' {
            let digits = bytes[at + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            if digits > 0 {
                let number: usize = sql[at + 1..at + 1 + digits].parse().unwrap_or(0);
                if number != next {
                    return sql;
                }
                out.push_str(&sql[copied..at]);
                out.push('?');
                next += 1;
                at += 1 + digits;
                copied = at;
                continue;
            }
        }
        at += 1;
    }
    out.push_str(&sql[copied..]);
    out
}

/// The arguments as one backend takes them.
fn arguments<'q, DB: Database>(args: Vec<Arg<'q>>) -> StoreResult<DB::Arguments<'q>>
where
    Option<&'q str>: Encode<'q, DB> + sqlx::Type<DB>,
    Option<String>: Encode<'q, DB> + sqlx::Type<DB>,
    Option<i32>: Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: Encode<'q, DB> + sqlx::Type<DB>,
    Option<bool>: Encode<'q, DB> + sqlx::Type<DB>,
    Option<DateTime<Utc>>: Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut out = DB::Arguments::<'q>::default();
    for arg in args {
        match arg {
            Arg::Str(v) => out.add(v),
            Arg::String(v) => out.add(v),
            Arg::I32(v) => out.add(v),
            Arg::I64(v) => out.add(v),
            Arg::Bool(v) => out.add(v),
            Arg::Time(v) => out.add(v),
        }
        .map_err(|e| StoreError::Other(format!("cannot encode an argument: {e}")))?;
    }
    Ok(out)
}

/// A row type both backends decode.
pub(crate) trait Decoded:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Decoded for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A connection of either backend: from the pool, inside a transaction, or one of its own.
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// Runs `query`; returns how many rows it changed.
    pub(crate) async fn execute(&mut self, query: Query<'_>) -> StoreResult<u64> {
        let Query { sql, args, once } = query;
        let done = match self {
            Conn::Sqlite(c) => sqlx::query_with(&positional(sql), arguments::<Sqlite>(args)?)
                .persistent(!once)
                .execute(&mut **c)
                .await
                .map(|r| r.rows_affected()),
            Conn::Postgres(c) => sqlx::query_with(&sql, arguments::<Postgres>(args)?)
                .persistent(!once)
                .execute(&mut **c)
                .await
                .map(|r| r.rows_affected()),
        };
        done.map_err(store_error)
    }

    /// Every row `query` returns.
    pub(crate) async fn fetch_all<R: Decoded>(&mut self, query: Query<'_>) -> StoreResult<Vec<R>> {
        let Query { sql, args, once } = query;
        let rows = match self {
            Conn::Sqlite(c) => {
                sqlx::query_as_with::<_, R, _>(&positional(sql), arguments::<Sqlite>(args)?)
                    .persistent(!once)
                    .fetch_all(&mut **c)
                    .await
            }
            Conn::Postgres(c) => {
                sqlx::query_as_with::<_, R, _>(&sql, arguments::<Postgres>(args)?)
                    .persistent(!once)
                    .fetch_all(&mut **c)
                    .await
            }
        };
        rows.map_err(store_error)
    }

    /// The first row `query` returns, if any.
    pub(crate) async fn fetch_optional<R: Decoded>(
        &mut self,
        query: Query<'_>,
    ) -> StoreResult<Option<R>> {
        let Query { sql, args, once } = query;
        let row = match self {
            Conn::Sqlite(c) => {
                sqlx::query_as_with::<_, R, _>(&positional(sql), arguments::<Sqlite>(args)?)
                    .persistent(!once)
                    .fetch_optional(&mut **c)
                    .await
            }
            Conn::Postgres(c) => {
                sqlx::query_as_with::<_, R, _>(&sql, arguments::<Postgres>(args)?)
                    .persistent(!once)
                    .fetch_optional(&mut **c)
                    .await
            }
        };
        row.map_err(store_error)
    }

    /// The one row `query` returns.
    pub(crate) async fn fetch_one<R: Decoded>(&mut self, query: Query<'_>) -> StoreResult<R> {
        self.fetch_optional(query)
            .await?
            .ok_or_else(|| StoreError::Other("a query returned no row".to_string()))
    }

    /// The count `query` (a `SELECT COUNT(*) …`) returns.
    pub(crate) async fn count(&mut self, query: Query<'_>) -> StoreResult<u64> {
        let (n,): (i64,) = self.fetch_one(query).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// The pool of either backend.
#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Pool {
    /// A connection of the pool for a few queries.
    pub(crate) async fn acquire(&self) -> StoreResult<Pooled> {
        Ok(match self {
            Pool::Sqlite(pool) => Pooled::Sqlite(pool.acquire().await.map_err(store_error)?),
            Pool::Postgres(pool) => Pooled::Postgres(pool.acquire().await.map_err(store_error)?),
        })
    }

    /// A transaction on a connection of the pool.
    pub(crate) async fn begin(&self) -> StoreResult<Tx> {
        Ok(match self {
            Pool::Sqlite(pool) => Tx::Sqlite(pool.begin().await.map_err(store_error)?),
            Pool::Postgres(pool) => Tx::Postgres(pool.begin().await.map_err(store_error)?),
        })
    }

    /// Runs `query` on a pooled connection; returns how many rows it changed.
    pub(crate) async fn execute(&self, query: Query<'_>) -> StoreResult<u64> {
        self.acquire().await?.conn().execute(query).await
    }

    /// Every row `query` returns, from a pooled connection.
    pub(crate) async fn fetch_all<R: Decoded>(&self, query: Query<'_>) -> StoreResult<Vec<R>> {
        self.acquire().await?.conn().fetch_all(query).await
    }

    /// The first row `query` returns, if any, from a pooled connection.
    pub(crate) async fn fetch_optional<R: Decoded>(
        &self,
        query: Query<'_>,
    ) -> StoreResult<Option<R>> {
        self.acquire().await?.conn().fetch_optional(query).await
    }

    /// The count `query` returns, from a pooled connection.
    pub(crate) async fn count(&self, query: Query<'_>) -> StoreResult<u64> {
        self.acquire().await?.conn().count(query).await
    }

    /// Connections in use and idle.
    pub(crate) fn stats(&self) -> PoolStats {
        let (size, idle) = match self {
            Pool::Sqlite(pool) => (pool.size(), pool.num_idle()),
            Pool::Postgres(pool) => (pool.size(), pool.num_idle()),
        };
        let idle = u64::try_from(idle).unwrap_or(0);
        PoolStats {
            in_use: u64::from(size).saturating_sub(idle),
            idle,
        }
    }
}

/// A connection taken from the [`Pool`]; it goes back when dropped.
pub(crate) enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Pooled {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c),
            Pooled::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// A transaction of either backend; dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(tx) => Conn::Sqlite(tx),
            Tx::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
        .map_err(store_error)
    }
}

#[cfg(test)]
mod tests {
    use super::positional;

    #[test]
    fn placeholders_in_order_become_positional_and_others_stay_named() {
        assert_eq!(
            positional("INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)".into()),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(positional("SELECT 1".into()), "SELECT 1");
        for kept in [
            "UPDATE t SET a = $2 WHERE b = $1",
            "SELECT * FROM t WHERE a = $1 OR b = $1",
        ] {
            assert_eq!(positional(kept.into()), kept);
        }
    }
}
