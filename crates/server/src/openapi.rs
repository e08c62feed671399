//! What the API's OpenAPI description says besides its routes (`routes::document` adds them,
//! from the handlers' `#[utoipa::path]` annotations and the types they answer with). Served at `/api/openapi.json`; the committed copy
//! (docs/api/openapi.json, written by `aurora openapi`) is checked against it by a test.

use crate::error::Problem;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    Content, HeaderBuilder, ObjectBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder, Type,
};
use utoipa::{Modify, OpenApi as _, PartialSchema, ToSchema};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Aurora Concierge API",
        description = "The shopper API the widget uses (conversations, products, shortlist, forms), \
            the widget's flag in the OpenFeature Remote Evaluation Protocol, the operators' \
            health and metrics endpoints, what a store's platform calls, and the support \
            workspace's JSON (`/api/dashboard/*`). Errors are `application/problem+json` with a stable \
            `code`. Reply blocks are described in docs/api/blocks.md.",
        license(name = "MIT")
    ),
    tags(
        (name = "conversations", description = "Start a conversation, send messages and buttons, read the history, end it."),
        (name = "forms", description = "The forms the replies contain: order lookup, return or resize, stylist, CSAT."),
        (name = "products", description = "Product search and details; no visitor token needed."),
        (name = "shortlist", description = "The visitor's shortlist."),
        (name = "widget", description = "The widget's load, open and close counters."),
        (name = "flags", description = "The widget's flag, in the OpenFeature Remote Evaluation Protocol (OFREP)."),
        (name = "operations", description = "Health, metrics and this description."),
        (name = "integrations", description = "What a store's platform calls: Shopify's webhooks, and the orders API for any other platform."),
        (name = "workspace", description = "The support workspace's JSON: tickets, the widget's flag, staff accounts and the audit log, for a signed-in session or an API token with staff scopes."),
    ),
    components(schemas(Problem)),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

/// What the description says before any route is added: info, tags, security schemes.
pub(crate) fn base() -> OpenApi {
    ApiDoc::openapi()
}

/// Adds what every operation shares, once the routes are in.
pub(crate) fn finish(api: &mut OpenApi) {
    CommonAnswers.modify(api);
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "visitor",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Aurora-Visitor",
                "The visitor token the first `POST /api/support/conversations` returned.",
            ))),
        );
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token made with `aurora tokens create --scope …`; each call needs its scope.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "aurora_session",
                "A workspace session (sign in at /dashboard/login). Every change made with it \
                 carries the session's CSRF token in X-CSRF-Token (from GET /api/dashboard/session).",
            ))),
        );
        components.add_security_scheme(
            "metrics_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "`AURORA_METRICS_TOKEN`; without one set, only loopback callers are answered.",
                    ))
                    .build(),
            ),
        );
    }
}

/// What every shopper-API and flag operation may answer, written once: the `Idempotency-Key`
/// header on every shopper POST, 429 with its headers, and problem+json for every other error.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let limited = path.starts_with("/api/support/") || path.starts_with("/ofrep/");
            if let Some(post) = item.post.as_mut()
                && path.starts_with("/api/support/")
                && path != "/api/support/events"
            {
                idempotency_key(post);
            }
            for operation in [
                item.get.as_mut(),
                item.post.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                if limited {
                    answer(operation, "429", rate_limited());
                }
                if needs_visitor(operation) {
                    answer(
                        operation,
                        "401",
                        problem("No valid visitor token (`unauthorized`)."),
                    );
                }
                answer(
                    operation,
                    "default",
                    problem(
                        "Any other error, e.g. 413 `body_too_large`, 415 `unsupported_media_type`, \
                         503 `database_unavailable` or `timeout`.",
                    ),
                );
            }
        }
    }
}

fn idempotency_key(operation: &mut Operation) {
    operation.parameters.get_or_insert_with(Vec::new).push(
        ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "One per attempt: a retry with the same key and body gets the first answer \
                     (and no second ticket); another body is a 422, a retry while the first is \
                     running a 409. Scoped per visitor and route; kept 24 hours.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .max_length(Some(255)),
            ))
            .build()
            .into(),
    );
}

/// Only callers with a visitor token may call it (starting a conversation issues one).
fn needs_visitor(operation: &Operation) -> bool {
    operation.security.as_ref().is_some_and(|requirements| {
        let value = serde_json::to_value(requirements).unwrap_or_default();
        value
            .as_array()
            .is_some_and(|all| all.iter().all(|r| r.get("visitor").is_some()))
    })
}

/// Adds `response` as the answer with `status`, unless the operation documents its own.
fn answer(operation: &mut Operation, status: &str, response: ResponseBuilder) {
    operation
        .responses
        .responses
        .entry(status.to_string())
        .or_insert(response.build().into());
}

/// A problem+json answer.
fn problem(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        "application/problem+json",
        Content::new(Some(RefOr::Ref(Ref::from_schema_name(Problem::name())))),
    )
}

/// 429 with the headers that say when to come back.
fn rate_limited() -> ResponseBuilder {
    let header = |description: &str| {
        HeaderBuilder::new()
            .schema(Some(String::schema()))
            .description(Some(description))
            .build()
    };
    problem("Too many requests from this visitor or address (`rate_limited`).")
        .header("Retry-After", header("Seconds to wait."))
        .header("RateLimit", header("IETF draft: the remaining quota."))
        .header(
            "RateLimit-Policy",
            header("IETF draft: the limit and its window."),
        )
}
