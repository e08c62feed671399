//! The support workspace: staff sign in (roles, sessions in the database, CSRF on every change)
//! and work tickets, the widget's flag and staff accounts. Pages are server-rendered askama
//! templates with no script; `/api/dashboard/*` is the same, as JSON, for a session or an API
//! token. Both call the same core use cases, which check the caller's scopes.

mod analytics_page;
pub(crate) mod api;
mod auth;
mod charts;
mod csv;
mod inbox_query;
pub(crate) mod insight_api;
mod insight_exports;
mod insight_pages;
mod insight_query;
mod pages;
pub(crate) mod session;
mod views;

pub use auth::password_link;

use crate::AppState;
use crate::assets::{Asset, asset};
use crate::error::ApiError;
use askama::Template;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use session::{NoStaff, Staff};
use std::sync::LazyLock;

/// The stylesheet may change with a release: cached for an hour.
static STYLESHEET: LazyLock<Asset> = LazyLock::new(|| {
    asset!(
        "workspace.css",
        "text/css; charset=utf-8",
        "public, max-age=3600"
    )
});

/// The workspace's pages. Signing in and setting a password come before any session: their
/// forms carry a token bound to their own cookie, not the session's.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let before_session = Router::new()
        .route(
            "/dashboard/login",
            get(auth::login_page).post(auth::sign_in),
        )
        .route(
            "/dashboard/set-password",
            get(auth::set_password_page).post(auth::set_password),
        )
        .route("/dashboard/assets/workspace.css", get(stylesheet));
    Router::new()
        .route("/dashboard", get(pages::inbox))
        .route(
            "/dashboard/tickets/{reference}",
            get(pages::ticket).post(pages::change_ticket),
        )
        .route(
            "/dashboard/conversations",
            get(insight_pages::conversations),
        )
        .route(
            "/dashboard/conversations/{id}",
            get(insight_pages::conversation).post(insight_pages::mark),
        )
        .route(
            "/dashboard/conversations.csv",
            get(insight_exports::conversations),
        )
        .route("/dashboard/csat", get(insight_pages::csat))
        .route("/dashboard/csat.csv", get(insight_exports::csat))
        .route("/dashboard/analytics", get(analytics_page::analytics))
        .route("/dashboard/analytics.csv", get(analytics_page::export))
        .route(
            "/dashboard/flags",
            get(pages::flags).post(pages::change_flags),
        )
        .route("/dashboard/users", get(pages::users).post(pages::add_user))
        .route("/dashboard/users/{id}", post(pages::change_user))
        .route("/dashboard/logout", post(auth::sign_out))
        .route(
            "/dashboard/logout-everywhere",
            post(auth::sign_out_everywhere),
        )
        .route_layer(from_fn_with_state(state.clone(), session::csrf))
        .merge(before_session)
}

async fn stylesheet(headers: HeaderMap) -> Response {
    STYLESHEET.respond(&headers, &[])
}

/// A page's answer: the page, never cached (it shows customer data).
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (
            status,
            [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
            Html(html),
        )
            .into_response(),
        Err(error) => {
            ApiError::internal(format!("workspace page failed to render: {error}")).into_response()
        }
    }
}

/// 303 to `location` (after a form: the browser then GETs it).
pub(crate) fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// An error as a page: its status, a title and the detail, with the navigation when signed in.
pub(crate) fn error_page(chrome: Option<views::Chrome>, error: ApiError) -> Response {
    let status = error.status();
    let title = match status {
        StatusCode::FORBIDDEN => "Not for your role",
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::CONFLICT => "Changed meanwhile",
        s if s.is_server_error() => "Something went wrong",
        _ => "That did not work",
    };
    let detail = if status.is_server_error() {
        // The cause is logged where the error was made; the page says only what to do.
        "The workspace could not do this just now. Please try again in a moment.".to_string()
    } else {
        error.detail().to_string()
    };
    let mut response = render(
        status,
        &views::ErrorPage {
            chrome,
            status: status.as_u16(),
            title,
            detail,
            problems: views::problems(error.field_errors()),
        },
    );
    for (name, value) in error.headers() {
        response.headers_mut().insert(*name, value.clone());
    }
    response
}

/// A page's caller: signed out, the browser is sent to sign in and brought back after.
pub(crate) struct PageStaff(pub Staff);

impl FromRequestParts<AppState> for PageStaff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match Staff::from_request_parts(parts, state).await {
            Ok(staff) => Ok(PageStaff(staff)),
            Err(NoStaff::SignedOut) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or("/dashboard", |p| p.as_str());
                let query = form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", next)
                    .finish();
                Err(see_other(&format!("/dashboard/login?{query}")))
            }
            Err(NoStaff::Failed(error)) => Err(error_page(None, error)),
        }
    }
}

/// A JSON call's caller: signed out, 401 problem+json.
pub(crate) struct ApiStaff(pub Staff);

impl FromRequestParts<AppState> for ApiStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match Staff::from_request_parts(parts, state).await {
            Ok(staff) => Ok(ApiStaff(staff)),
            Err(NoStaff::SignedOut) => Err(ApiError::unauthorized(
                "Sign in to the workspace, or send an API token: Authorization: Bearer aurora_…",
            )),
            Err(NoStaff::Failed(error)) => Err(error),
        }
    }
}
