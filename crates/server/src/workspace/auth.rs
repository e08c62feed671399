//! Signing in and out of the workspace, and setting a password from a one-time link. Sign-in
//! gives a new session (and a new id) every time; an unknown email and a wrong password get
//! the same answer; attempts are limited per account and per IP.

use super::session::{
    FORM_COOKIE, SESSION_COOKIE, Staff, constant_time_eq, cookie, new_secret, set_cookie,
};
use super::views::{LoginPage, SetPasswordPage};
use super::{error_page, render, see_other};
use crate::AppState;
use crate::api_tokens::hash;
use crate::client_ip::ClientIp;
use crate::error::ApiError;
use aurora_core::services::{ServiceError, staff};
use aurora_core::staff::audit::{AuditAction, AuditEntry};
use aurora_core::staff::session::Session;
use aurora_core::staff::{Actor, StaffUser};
use aurora_core::store::StaffStore;
use axum::Form;
use axum::extract::{FromRequest, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// Makes `who`'s one-time set-password link (the previous one stops working) under `base_url`
/// (the service's public address), as `actor` (who needs `users:write`; the audit log names
/// them). The secret is in the link only; the store keeps its hash.
pub async fn password_link(
    store: &dyn StaffStore,
    actor: &Actor,
    who: &str,
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<(StaffUser, String), ServiceError> {
    let secret = new_secret();
    let user = staff::make_password_link(store, actor, who, &hash(&secret), now).await?;
    let link = format!(
        "{}/dashboard/set-password?token={secret}",
        base_url.trim_end_matches('/')
    );
    Ok((user, link))
}

/// Where to go after signing in: a workspace path only (never another site).
fn next_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with("/dashboard")
                && !path.starts_with("/dashboard/login")
                && !path.contains("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_string()
        }
        _ => "/dashboard".to_string(),
    }
}

/// The sign-in page's form cookie: its value is the form's CSRF token (double submit), as
/// there is no session yet to keep one in.
fn form_cookie(parts: &Parts, state: &AppState, token: &str) -> HeaderValue {
    set_cookie(parts, &state.settings, FORM_COOKIE, token, 60 * 60)
}

fn with_cookies(
    mut response: Response,
    cookies: impl IntoIterator<Item = HeaderValue>,
) -> Response {
    for value in cookies {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize)]
pub(super) struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

/// `GET /dashboard/login`.
pub(super) async fn login_page(
    State(state): State<AppState>,
    staff: Option<Staff>,
    Query(query): Query<LoginQuery>,
    request: axum::extract::Request,
) -> Response {
    if staff.is_some() {
        return see_other(&next_path(query.next.as_deref()));
    }
    let (parts, _) = request.into_parts();
    let token = new_secret();
    let page = LoginPage {
        chrome: None,
        csrf: token.clone(),
        email: String::new(),
        error: None,
        notice: (query.done.as_deref() == Some("password"))
            .then(|| "Your password is set. Sign in with it.".to_string()),
        next: next_path(query.next.as_deref()),
    };
    with_cookies(
        render(StatusCode::OK, &page),
        [form_cookie(&parts, &state, &token)],
    )
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

/// `POST /dashboard/login`.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let form = match Form::<LoginForm>::from_request(
        axum::extract::Request::from_parts(parts.clone(), body),
        &state,
    )
    .await
    {
        Ok(Form(form)) => form,
        Err(_) => {
            return error_page(
                None,
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_form",
                    "The sign-in form could not be read.",
                ),
            );
        }
    };
    let again = |error: &str, status: StatusCode| {
        let token = new_secret();
        with_cookies(
            render(
                status,
                &LoginPage {
                    chrome: None,
                    csrf: token.clone(),
                    email: form.email.clone(),
                    error: Some(error.to_string()),
                    notice: None,
                    next: next_path(form.next.as_deref()),
                },
            ),
            [form_cookie(&parts, &state, &token)],
        )
    };
    let expected = cookie(&parts.headers, FORM_COOKIE).unwrap_or_default();
    if !constant_time_eq(form.csrf.as_bytes(), expected.as_bytes()) {
        return again(
            "This form had expired. Please sign in again.",
            StatusCode::FORBIDDEN,
        );
    }
    let limited = state
        .limits
        .sign_in(state.store.as_ref(), ip, &form.email)
        .await;
    if let Err(limited) = limited {
        let error = ApiError::from(limited);
        let mut response = again(error.detail(), StatusCode::TOO_MANY_REQUESTS);
        for (name, value) in error.headers() {
            response.headers_mut().insert(*name, value.clone());
        }
        return response;
    }
    let now = state.now();
    let user = match staff::sign_in(state.store.as_ref(), &form.email, &form.password, now).await {
        Ok(Some(user)) => user,
        Ok(None) => {
            return again("Wrong email or password.", StatusCode::UNAUTHORIZED);
        }
        Err(error) => return error_page(None, error.into()),
    };
    // A new session id at every sign-in: a session the browser had before is ended.
    if let Some(old) = cookie(&parts.headers, SESSION_COOKIE)
        && let Err(error) = state.store.delete_session(&hash(old), None).await
    {
        return error_page(None, error.into());
    }
    let secret = new_secret();
    let session = Session {
        id_hash: hash(&secret),
        user_id: user.id.clone(),
        csrf_token: new_secret(),
        created_at: now,
        last_seen_at: now,
    };
    let audit = AuditEntry::new(
        now,
        format!("{} via workspace", user.email.as_str()),
        AuditAction::SignIn,
        user.email.as_str(),
        format!("from {ip}"),
    );
    if let Err(error) = state.store.insert_session(&session, &audit).await {
        return error_page(None, error.into());
    }
    let lifetime = state.settings.sessions.absolute.num_seconds();
    with_cookies(
        see_other(&next_path(form.next.as_deref())),
        [
            set_cookie(&parts, &state.settings, SESSION_COOKIE, &secret, lifetime),
            set_cookie(&parts, &state.settings, FORM_COOKIE, "", 0),
        ],
    )
}

/// `POST /dashboard/logout`: ends this session.
pub(super) async fn sign_out(
    State(state): State<AppState>,
    staff: Option<Staff>,
    request: axum::extract::Request,
) -> Response {
    end_sessions(state, staff, request, false).await
}

/// `POST /dashboard/logout-everywhere`: ends every session of the signed-in person.
pub(super) async fn sign_out_everywhere(
    State(state): State<AppState>,
    staff: Option<Staff>,
    request: axum::extract::Request,
) -> Response {
    end_sessions(state, staff, request, true).await
}

/// Ends the caller's session, or all of the person's, and sends the browser to sign in.
async fn end_sessions(
    state: AppState,
    staff: Option<Staff>,
    request: axum::extract::Request,
    everywhere: bool,
) -> Response {
    let (parts, _) = request.into_parts();
    if let Some(Staff {
        actor,
        session: Some(session),
    }) = staff
    {
        let (action, detail) = if everywhere {
            (AuditAction::SignOutEverywhere, "every session ended")
        } else {
            (AuditAction::SignOut, "")
        };
        let audit = AuditEntry::new(
            state.now(),
            actor.audit_name(),
            action,
            actor.name.as_str(),
            detail,
        );
        let ended = if everywhere {
            state
                .store
                .delete_sessions_of(&session.user_id, &audit)
                .await
        } else {
            state
                .store
                .delete_session(&session.id_hash, Some(&audit))
                .await
        };
        if let Err(error) = ended {
            return error_page(None, error.into());
        }
    }
    with_cookies(
        see_other("/dashboard/login"),
        [set_cookie(&parts, &state.settings, SESSION_COOKIE, "", 0)],
    )
}

#[derive(Deserialize)]
pub(super) struct LinkQuery {
    #[serde(default)]
    token: String,
}

fn link_expired() -> ApiError {
    ApiError::not_found(
        "This set-password link has expired or was used already. Ask the store's owner for a new one.",
    )
}

/// `GET /dashboard/set-password?token=…`.
pub(super) async fn set_password_page(
    State(state): State<AppState>,
    Query(query): Query<LinkQuery>,
    request: axum::extract::Request,
) -> Response {
    let (parts, _) = request.into_parts();
    match state
        .store
        .password_link_user(&hash(&query.token), state.now())
        .await
    {
        Ok(Some(user)) => {
            let csrf = new_secret();
            with_cookies(
                render(
                    StatusCode::OK,
                    &SetPasswordPage {
                        chrome: None,
                        csrf: csrf.clone(),
                        token: query.token,
                        email: Some(user.email.as_str().to_string()),
                        error: None,
                    },
                ),
                [form_cookie(&parts, &state, &csrf)],
            )
        }
        Ok(None) => error_page(None, link_expired()),
        Err(error) => error_page(None, error.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct SetPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /dashboard/set-password`.
pub(super) async fn set_password(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(Form(form)) = Form::<SetPasswordForm>::from_request(
        axum::extract::Request::from_parts(parts.clone(), body),
        &state,
    )
    .await
    else {
        return error_page(None, link_expired());
    };
    let again = |error: String, status: StatusCode| {
        let csrf = new_secret();
        with_cookies(
            render(
                status,
                &SetPasswordPage {
                    chrome: None,
                    csrf: csrf.clone(),
                    token: form.token.clone(),
                    email: None,
                    error: Some(error),
                },
            ),
            [form_cookie(&parts, &state, &csrf)],
        )
    };
    let expected = cookie(&parts.headers, FORM_COOKIE).unwrap_or_default();
    if !constant_time_eq(form.csrf.as_bytes(), expected.as_bytes()) {
        return again(
            "This form had expired. Please try again.".into(),
            StatusCode::FORBIDDEN,
        );
    }
    if form.password != form.repeat {
        return again(
            "The two passwords are not the same.".into(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    match staff::set_password_from_link(
        state.store.as_ref(),
        &hash(&form.token),
        &form.password,
        state.now(),
    )
    .await
    {
        Ok(Some(_)) => with_cookies(
            see_other("/dashboard/login?done=password"),
            [set_cookie(&parts, &state.settings, FORM_COOKIE, "", 0)],
        ),
        Ok(None) => error_page(None, link_expired()),
        Err(ServiceError::Invalid(problems)) => again(
            problems
                .iter()
                .map(|p| format!("The password {}.", p.message))
                .collect::<Vec<_>>()
                .join(" "),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(error) => error_page(None, error.into()),
    }
}

impl IntoResponse for super::session::NoStaff {
    fn into_response(self) -> Response {
        match self {
            super::session::NoStaff::SignedOut => {
                ApiError::unauthorized("Sign in to the workspace first.").into_response()
            }
            super::session::NoStaff::Failed(error) => error.into_response(),
        }
    }
}
