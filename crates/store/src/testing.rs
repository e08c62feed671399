//! Fresh databases for tests: a temporary SQLite file, or a new PostgreSQL database on the
//! server at `AURORA_TEST_POSTGRES_URL` (dropped afterwards). Enabled by the `testing` feature.
#![allow(clippy::expect_used, clippy::panic)]

use crate::ConnectOptions;
use aurora_core::store::Store;
use sqlx::Connection;
use std::sync::Arc;

/// Set to the admin URL of a PostgreSQL server to run the PostgreSQL half of the tests.
pub const POSTGRES_URL_VAR: &str = "AURORA_TEST_POSTGRES_URL";
/// Set to `1` to make a missing PostgreSQL a failure instead of a skip (CI sets it).
pub const REQUIRE_POSTGRES_VAR: &str = "AURORA_REQUIRE_POSTGRES";

/// A database that exists for one test.
pub struct TestDb {
    /// The URL to open it with.
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A new SQLite file in a temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("test.db").display());
        TestDb {
            url,
            postgres: None,
            _dir: Some(dir),
        }
    }

    /// A new, empty PostgreSQL database, or `None` (after saying so loudly) when no server is
    /// configured. Panics when `AURORA_REQUIRE_POSTGRES=1` and none is.
    pub async fn postgres() -> Option<TestDb> {
        let Some(admin) = postgres_admin_url() else {
            eprintln!(
                "SKIPPED: PostgreSQL half of this test: {POSTGRES_URL_VAR} is not set (run the README test command)"
            );
            return None;
        };
        let name = format!("aurora_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let url = database_url(&admin, &name);
        Some(TestDb {
            url,
            postgres: Some((admin, name)),
            _dir: None,
        })
    }

    /// Opens (and migrates) the database.
    pub async fn open(&self) -> Arc<dyn Store> {
        crate::open(&self.url, &ConnectOptions::default())
            .await
            .unwrap_or_else(|e| panic!("open {}: {e}", self.url))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside a test's runtime; a thread of its own may block on a fresh one.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

fn postgres_admin_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var(REQUIRE_POSTGRES_VAR).as_deref() == Ok("1") => {
            panic!("{REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set")
        }
        _ => None,
    }
}

/// The admin URL with its database name replaced by `name`.
fn database_url(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (admin, None),
    };
    let authority_end = base
        .find("://")
        .map(|i| i + 3)
        .and_then(|start| base[start..].find('/').map(|j| start + j))
        .unwrap_or(base.len());
    let mut url = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// Declares each named `async fn(Arc<dyn Store>)` as two tests, `NAME::sqlite` and
/// `NAME::postgres`, each on a fresh database.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    let db = $crate::testing::TestDb::sqlite();
                    super::$name(db.open().await).await;
                }

                #[tokio::test]
                async fn postgres() {
                    let Some(db) = $crate::testing::TestDb::postgres().await else {
                        return;
                    };
                    super::$name(db.open().await).await;
                }
            }
        )*
    };
}

#[cfg(test)]
mod tests {
    use super::database_url;

    #[test]
    fn the_test_database_replaces_only_the_path_of_the_admin_url() {
        assert_eq!(
            database_url("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            database_url("postgres://u:p@h:1?sslmode=disable", "t2"),
            "postgres://u:p@h:1/t2?sslmode=disable"
        );
    }
}
