//! Who is calling the workspace: a session cookie (a random secret; the database keeps its
//! hash, so every instance knows it) or an API token. Sessions end when idle or old (settings),
//! and every state change made with a session carries its CSRF token (see [`csrf`]).

use crate::api_tokens::{Caller, hash};
use crate::error::ApiError;
use crate::{AppState, ServerSettings};
use aurora_core::staff::Actor;
use aurora_core::staff::session::Session;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use chrono::{DateTime, Utc};

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "aurora_session";
/// The cookie that carries the sign-in form's CSRF token before there is a session.
pub(crate) const FORM_COOKIE: &str = "aurora_form";

/// 256 random bits, URL-safe.
pub(crate) fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A cookie's value from the request's `Cookie` headers.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// Whether the request carries one of our API tokens (`Authorization: Bearer aurora_…`); any
/// other `Authorization` (a proxy's Basic gate) leaves the session cookie in charge.
fn has_api_token(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, secret)| {
            scheme.eq_ignore_ascii_case("bearer")
                && secret.trim().starts_with(crate::api_tokens::SECRET_PREFIX)
        })
}

/// Whether the browser reached us over HTTPS: the public URL says so, or a trusted proxy does.
fn https(parts: &Parts, settings: &ServerSettings) -> bool {
    if settings
        .public_url
        .as_deref()
        .is_some_and(|url| url.starts_with("https://"))
    {
        return true;
    }
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::IpAddr::from([127, 0, 0, 1]), |info| info.0.ip());
    settings.trusted_proxies.contains(peer)
        && parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` over HTTPS;
/// `max_age` 0 deletes it.
pub(crate) fn set_cookie(
    parts: &Parts,
    settings: &ServerSettings,
    name: &str,
    value: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = if https(parts, settings) {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or(HeaderValue::from_static("aurora_session=; Max-Age=0"))
}

/// A caller of the workspace: who acts, and the session when it came in with one.
#[derive(Debug, Clone)]
pub(crate) struct Staff {
    pub actor: Actor,
    pub session: Option<Session>,
}

impl Staff {
    /// The session's CSRF token, for the forms of a page.
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf_token.as_str())
    }
}

/// Why there is no caller: nobody signed in (or the session has ended), or a store failure.
#[derive(Debug)]
pub(crate) enum NoStaff {
    SignedOut,
    Failed(ApiError),
}

impl From<ApiError> for NoStaff {
    fn from(error: ApiError) -> Self {
        NoStaff::Failed(error)
    }
}

impl From<aurora_core::store::StoreError> for NoStaff {
    fn from(error: aurora_core::store::StoreError) -> Self {
        NoStaff::Failed(error.into())
    }
}

/// The live session a request's cookie names, with its account (active or not); an ended
/// session is deleted.
async fn session_of(
    parts: &Parts,
    state: &AppState,
    now: DateTime<Utc>,
) -> Result<Option<(Session, aurora_core::staff::StaffUser)>, NoStaff> {
    let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let id_hash = hash(secret);
    let Some(session) = state.store.session(&id_hash).await? else {
        return Ok(None);
    };
    if session.expired(now, &state.settings.sessions) {
        state.store.delete_session(&id_hash, None).await?;
        return Ok(None);
    }
    let Some(user) = state.store.user(&session.user_id).await? else {
        return Ok(None);
    };
    // Last use to the minute is enough for the idle expiry, and saves a write per request.
    if now - session.last_seen_at > chrono::Duration::minutes(1) {
        state.store.touch_session(&id_hash, now).await?;
    }
    Ok(Some((session, user)))
}

impl Staff {
    async fn find(parts: &mut Parts, state: &AppState) -> Result<Staff, NoStaff> {
        if let Some(staff) = parts.extensions.get::<Staff>() {
            return Ok(staff.clone());
        }
        let now = state.now();
        let staff =
            if has_api_token(&parts.headers) {
                let Caller(token) = Caller::from_request_parts(parts, state).await?;
                let user =
                    match &token.user_id {
                        Some(id) => Some(state.store.user(id).await?.ok_or_else(|| {
                            ApiError::unauthorized("This token's account is gone.")
                        })?),
                        None => None,
                    };
                Staff {
                    actor: Actor::token(&token, user),
                    session: None,
                }
            } else {
                match session_of(parts, state, now).await? {
                    Some((session, user)) if user.is_active() => Staff {
                        actor: Actor::user(user),
                        session: Some(session),
                    },
                    _ => return Err(NoStaff::SignedOut),
                }
            };
        parts.extensions.insert(staff.clone());
        Ok(staff)
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = NoStaff;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, NoStaff> {
        Staff::find(parts, state).await
    }
}

impl OptionalFromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        match Staff::find(parts, state).await {
            Ok(staff) => Ok(Some(staff)),
            Err(NoStaff::SignedOut) => Ok(None),
            Err(NoStaff::Failed(error)) => Err(error),
        }
    }
}

/// Middleware of every workspace route: a state change (any method but GET and HEAD) made with
/// a session cookie must carry the session's CSRF token, in the `X-CSRF-Token` header or, from
/// a page's form, in its `csrf` field. Calls with an API token carry no cookie and need none.
/// Refused with 403 `csrf`.
pub(crate) async fn csrf(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let method = request.method().clone();
    if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    if has_api_token(&parts.headers) || cookie(&parts.headers, SESSION_COOKIE).is_none() {
        return next
            .run(axum::extract::Request::from_parts(parts, body))
            .await;
    }
    let staff = match Staff::find(&mut parts, &state).await {
        Ok(staff) => staff,
        // Signed out: the handler answers (401 or a redirect to sign-in).
        Err(NoStaff::SignedOut) => {
            return next
                .run(axum::extract::Request::from_parts(parts, body))
                .await;
        }
        Err(NoStaff::Failed(error)) => return error.into_response(),
    };
    let expected = staff.csrf().to_string();
    let header_token = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let (body, given) = match header_token {
        Some(token) => (body, Some(token)),
        None => {
            let bytes = match axum::body::to_bytes(body, state.settings.max_body_bytes).await {
                Ok(bytes) => bytes,
                Err(_) => return crate::error::body_too_large().into_response(),
            };
            let given = form_field(&bytes, "csrf");
            (axum::body::Body::from(bytes), given)
        }
    };
    if given.is_some_and(|given| constant_time_eq(given.as_bytes(), expected.as_bytes())) {
        next.run(axum::extract::Request::from_parts(parts, body))
            .await
    } else {
        refused_csrf().into_response()
    }
}

/// 403 `csrf`.
pub(crate) fn refused_csrf() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::FORBIDDEN,
        "csrf",
        "This form has expired or did not come from the workspace. Reload the page and try again.",
    )
}

/// A field of a URL-encoded form body.
pub(crate) fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Compares secrets without leaking, through timing, how much of them matched.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && !b.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
