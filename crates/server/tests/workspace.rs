//! The workspace through the real router: signing in (cookies, the same answer for an unknown
//! email and a wrong password, limits, a new session each time, signing out everywhere), CSRF
//! on every change, API tokens with staff scopes, working a ticket, hostile shopper text shown
//! inert, and the kill switch turned off in the workspace reaching the widget's flag.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use aurora_core::staff::Role;
use aurora_core::store::Store;
use aurora_core::tickets::TicketKind;
use aurora_core::tokens::Scope;
use aurora_server::ServerSettings;
use aurora_store::backend_tests;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::staff::{PASSWORD, Staffer, add_user, sign_in, sign_in_at, ticket};
use common::{Answer, send};
use serde_json::json;
use std::sync::Arc;

backend_tests!(
    signing_in_sets_a_strict_cookie_and_a_new_session_each_time,
    an_unknown_email_and_a_wrong_password_get_the_same_answer_and_are_audited,
    sign_in_attempts_are_limited_per_account,
    the_cookie_is_secure_behind_https,
    a_change_without_the_csrf_token_is_refused_and_changes_nothing,
    signing_out_everywhere_ends_every_session,
    a_ticket_is_worked_through_its_workflow_with_the_audit_log,
    the_inbox_filters_sorts_and_pages,
    tokens_act_within_their_scopes_and_their_persons_role,
    hostile_shopper_text_is_shown_as_text,
    a_set_password_link_works_once,
    the_last_owner_cannot_be_demoted_or_disabled,
    the_kill_switch_turned_off_in_the_workspace_hides_the_widget,
    ended_sessions_are_purged,
);

/// The demo app, a person of `role` (`ana@store.example`, or `mia@…` for a stylist) signed in,
/// and a stylist ticket `reference`.
async fn desk(
    store: &Arc<dyn Store>,
    role: Role,
    reference: &str,
) -> (Router, aurora_core::staff::StaffUser, Staffer) {
    let app = common::demo_app(store.clone()).await;
    let email = if role == Role::Stylist {
        "mia@store.example"
    } else {
        "ana@store.example"
    };
    let user = add_user(store.as_ref(), email, role).await;
    let staff = sign_in(store.as_ref(), &user).await;
    let now = chrono::Utc::now();
    ticket(
        store.as_ref(),
        reference,
        TicketKind::Stylist,
        "ava@example.com",
        now,
    )
    .await;
    (app, user, staff)
}

/// The sign-in page: its form cookie and the form's token.
async fn login_form(app: &Router) -> (String, String) {
    let page = common::get(app, "/dashboard/login").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains(r#"<label for="email">Email</label>"#),
        "{html}"
    );
    assert!(html.contains(r#"<label for="password">Password</label>"#));
    let cookie = page
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let token = html
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    (cookie, token)
}

async fn post_login(
    app: &Router,
    cookie: &str,
    fields: &[(&str, &str)],
    extra: &[(&str, &str)],
) -> Answer {
    let mut body = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        body.append_pair(name, value);
    }
    let mut request = Request::post("/dashboard/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::from(body.finish())).unwrap()).await
}

/// Signs in through the form; the session cookie's value.
async fn sign_in_with_form(app: &Router, email: &str, password: &str) -> Answer {
    let (cookie, token) = login_form(app).await;
    post_login(
        app,
        &cookie,
        &[
            ("email", email),
            ("password", password),
            ("csrf", &token),
            ("next", "/dashboard/flags"),
        ],
        &[],
    )
    .await
}

fn session_cookie(answer: &Answer) -> String {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("aurora_session="))
        .expect("a session cookie")
}

async fn signing_in_sets_a_strict_cookie_and_a_new_session_each_time(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    add_user(store.as_ref(), "ana@store.example", Role::Admin).await;
    let first = sign_in_with_form(&app, "Ana@Store.example ", PASSWORD).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
    assert_eq!(first.header("location"), "/dashboard/flags");
    let cookie = session_cookie(&first);
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");
    let secret = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("aurora_session=")
        .to_string();
    let staff = Staffer {
        secret: Some(secret.clone()),
        csrf: String::new(),
    };
    assert_eq!(
        staff.get(&app, "/dashboard/flags").await.status,
        StatusCode::OK
    );
    // Signing in again from the same browser ends the old session and makes a new one.
    let (form_cookie, token) = login_form(&app).await;
    let again = post_login(
        &app,
        &format!("{form_cookie}; aurora_session={secret}"),
        &[
            ("email", "ana@store.example"),
            ("password", PASSWORD),
            ("csrf", &token),
        ],
        &[],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_ne!(session_cookie(&again), cookie);
    let old = staff.get(&app, "/dashboard/flags").await;
    assert_eq!(old.status, StatusCode::SEE_OTHER);
    assert!(old.header("location").starts_with("/dashboard/login"));
    // A sign-in form posted without its own cookie's token is refused.
    let forged = post_login(
        &app,
        "aurora_form=attacker",
        &[
            ("email", "ana@store.example"),
            ("password", PASSWORD),
            ("csrf", "other"),
        ],
        &[],
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // `next` never leads off the workspace.
    let (c, t) = login_form(&app).await;
    let outside = post_login(
        &app,
        &c,
        &[
            ("email", "ana@store.example"),
            ("password", PASSWORD),
            ("csrf", &t),
            ("next", "//evil.example/"),
        ],
        &[],
    )
    .await;
    assert_eq!(outside.header("location"), "/dashboard");
}

async fn an_unknown_email_and_a_wrong_password_get_the_same_answer_and_are_audited(
    store: Arc<dyn Store>,
) {
    let app = common::demo_app(store.clone()).await;
    add_user(store.as_ref(), "ana@store.example", Role::Owner).await;
    let wrong = sign_in_with_form(&app, "ana@store.example", "not the password").await;
    let unknown = sign_in_with_form(&app, "nobody@store.example", PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    let message = |a: &Answer| {
        a.text()
            .split("role=\"alert\"")
            .nth(1)
            .unwrap()
            .split("</p>")
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(message(&wrong), message(&unknown));
    assert!(message(&wrong).contains("Wrong email or password."));
    let log = store.audit_log(10, None).await.unwrap();
    let failed: Vec<_> = log
        .iter()
        .filter(|e| e.action.as_str() == "sign_in_failed")
        .map(|e| e.subject.as_str())
        .collect();
    assert_eq!(failed, ["nobody@store.example", "ana@store.example"]);
}

async fn sign_in_attempts_are_limited_per_account(store: Arc<dyn Store>) {
    let mut settings = ServerSettings::default();
    settings.limits.sign_ins_per_15_minutes = 3;
    let app = common::demo_app_with(store.clone(), settings).await;
    add_user(store.as_ref(), "ana@store.example", Role::Owner).await;
    for _ in 0..3 {
        let answer = sign_in_with_form(&app, "ana@store.example", "guess guess guess").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password waits now: the account is locked for a while.
    let limited = sign_in_with_form(&app, "ANA@store.example", PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key("retry-after"));
    assert!(limited.text().contains("Too many sign-in attempts"));
}

async fn the_cookie_is_secure_behind_https(store: Arc<dyn Store>) {
    add_user(store.as_ref(), "ana@store.example", Role::Owner).await;
    let public = ServerSettings {
        public_url: Some("https://concierge.example.com".into()),
        ..ServerSettings::default()
    };
    let app = common::demo_app_with(store.clone(), public).await;
    let answer = sign_in_with_form(&app, "ana@store.example", PASSWORD).await;
    assert!(session_cookie(&answer).contains("; Secure"));

    // Behind a proxy: only a trusted proxy's X-Forwarded-Proto counts (in-process requests come
    // from loopback).
    for (proxies, secure) in [("127.0.0.1", true), ("10.0.0.0/8", false)] {
        let settings = ServerSettings {
            trusted_proxies: proxies.parse().unwrap(),
            ..ServerSettings::default()
        };
        let app = aurora_server::app(common::state(store.clone(), settings).await);
        let (cookie, token) = login_form(&app).await;
        let answer = post_login(
            &app,
            &cookie,
            &[
                ("email", "ana@store.example"),
                ("password", PASSWORD),
                ("csrf", &token),
            ],
            &[("x-forwarded-proto", "https")],
        )
        .await;
        assert_eq!(
            session_cookie(&answer).contains("; Secure"),
            secure,
            "{proxies}"
        );
    }
}

async fn a_change_without_the_csrf_token_is_refused_and_changes_nothing(store: Arc<dyn Store>) {
    let (app, _, staff) = desk(&store, Role::Owner, "ST-200001").await;
    let forged = Staffer {
        csrf: "not-the-token".into(),
        ..staff.clone()
    };
    let form = forged
        .form(
            &app,
            "/dashboard/tickets/ST-200001",
            &[("action", "status"), ("status", "resolved")],
        )
        .await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    let json = forged
        .json(
            &app,
            "PATCH",
            "/api/dashboard/flags",
            &json!({"enabled": false}),
        )
        .await;
    assert_eq!(json.status, StatusCode::FORBIDDEN);
    assert_eq!(json.json()["code"], "csrf");
    let missing = Staffer {
        csrf: String::new(),
        ..staff.clone()
    };
    let none = missing
        .json(
            &app,
            "POST",
            "/api/dashboard/tickets/ST-200001/notes",
            &json!({"text": "x"}),
        )
        .await;
    assert_eq!(none.status, StatusCode::FORBIDDEN);
    let (_, workflow, notes) = store.ticket_record("ST-200001").await.unwrap().unwrap();
    assert_eq!(workflow.status.as_str(), "new");
    assert!(notes.is_empty());
    assert!(
        store
            .flag_override("concierge-widget")
            .await
            .unwrap()
            .is_empty()
    );
    // With the token, the same change goes through.
    let ok = staff
        .form(
            &app,
            "/dashboard/tickets/ST-200001",
            &[("action", "status"), ("status", "resolved")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
}

async fn signing_out_everywhere_ends_every_session(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let agent = add_user(store.as_ref(), "li@store.example", Role::Agent).await;
    let laptop = sign_in(store.as_ref(), &agent).await;
    let phone = sign_in(store.as_ref(), &agent).await;
    let out = laptop.form(&app, "/dashboard/logout", &[]).await;
    assert_eq!(out.header("location"), "/dashboard/login");
    assert!(session_cookie(&out).contains("Max-Age=0"));
    assert_eq!(
        laptop.get(&app, "/dashboard").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(phone.get(&app, "/dashboard").await.status, StatusCode::OK);
    let tablet = sign_in(store.as_ref(), &agent).await;
    tablet.form(&app, "/dashboard/logout-everywhere", &[]).await;
    assert_eq!(
        phone.get(&app, "/dashboard").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        tablet.get(&app, "/api/dashboard/tickets").await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_ticket_is_worked_through_its_workflow_with_the_audit_log(store: Arc<dyn Store>) {
    let (app, stylist, staff) = desk(&store, Role::Stylist, "ST-300001").await;
    let path = "/dashboard/tickets/ST-300001";
    for (fields, done) in [
        (
            vec![("action", "assign"), ("assignee", stylist.id.as_str())],
            "assignee",
        ),
        (vec![("action", "status"), ("status", "open")], "status"),
        (
            vec![("action", "note"), ("text", "Sent three halo rings")],
            "note",
        ),
        (
            vec![("action", "tags"), ("tags", "VIP, engagement")],
            "tags",
        ),
        (vec![("action", "status"), ("status", "resolved")], "status"),
    ] {
        let answer = staff.form(&app, path, &fields).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{fields:?}: {}",
            answer.text()
        );
        assert_eq!(answer.header("location"), format!("{path}?done={done}"));
    }
    let page = staff.get(&app, path).await.text();
    assert!(page.contains("Sent three halo rings") && page.contains("vip, engagement"));
    assert!(
        page.contains(
            "mailto:ava@example.com?subject=Re%3A%20your%20stylist%20request%20ST-300001"
        ),
        "{page}"
    );
    // A page shown before a colleague's change does not overwrite it: 409, nothing written.
    let (_, current, _) = store.ticket_record("ST-300001").await.unwrap().unwrap();
    let stale = (current.updated_at - chrono::Duration::seconds(5)).to_rfc3339();
    let overwrite = staff
        .form(
            &app,
            path,
            &[("action", "tags"), ("tags", "oops"), ("version", &stale)],
        )
        .await;
    assert_eq!(overwrite.status, StatusCode::CONFLICT);
    assert!(
        overwrite
            .text()
            .contains("changed this ticket since it was shown")
    );
    let api_overwrite = staff
        .json(
            &app,
            "PATCH",
            "/api/dashboard/tickets/ST-300001",
            &json!({"tags": ["oops"], "expected_updated_at": stale}),
        )
        .await;
    assert_eq!(api_overwrite.status, StatusCode::CONFLICT);
    assert_eq!(api_overwrite.json()["code"], "ticket_changed");
    let (_, unchanged, _) = store.ticket_record("ST-300001").await.unwrap().unwrap();
    assert_eq!(unchanged, current);
    // The page's own version is the current one, so its forms go through.
    assert!(page.contains(&format!(
        r#"name="version" value="{}""#,
        current.updated_at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    )));
    // Back to new is refused with the reason on the page; reopening starts the clock again.
    let back = staff
        .form(&app, path, &[("action", "status"), ("status", "new")])
        .await;
    assert_eq!(back.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(back.text().contains("cannot go back to new"));
    let reopened = staff
        .json(
            &app,
            "PATCH",
            "/api/dashboard/tickets/ST-300001",
            &json!({"status": "open"}),
        )
        .await;
    assert_eq!(reopened.status, StatusCode::OK, "{}", reopened.text());
    assert!(reopened.json()["awaiting_since"].is_string());
    let log = store.audit_log(20, None).await.unwrap();
    let details: Vec<String> = log
        .iter()
        .filter(|e| e.subject == "ST-300001")
        .map(|e| format!("{} {}", e.action.as_str(), e.detail))
        .collect();
    assert_eq!(
        details,
        [
            "ticket_status_changed reopened: Resolved → Open",
            "ticket_status_changed Open → Resolved",
            "ticket_status_changed New → Open",
            "ticket_assigned nobody → mia@store.example",
        ]
    );
    assert!(
        log.iter()
            .all(|e| e.subject != "ST-300001" || e.actor == "mia@store.example via workspace")
    );
}

async fn the_inbox_filters_sorts_and_pages(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let owner = add_user(store.as_ref(), "ana@store.example", Role::Owner).await;
    let staff = sign_in(store.as_ref(), &owner).await;
    let now = chrono::Utc::now();
    for i in 0..30 {
        let kind = [TicketKind::Return, TicketKind::Resize, TicketKind::Stylist][i % 3];
        let prefix = kind.prefix();
        ticket(
            store.as_ref(),
            &format!("{prefix}-4000{i:02}"),
            kind,
            &format!("shopper{i}@example.com"),
            now - chrono::Duration::hours(i as i64),
        )
        .await;
    }
    let list = |query: &'static str| {
        let staff = staff.clone();
        let app = app.clone();
        async move {
            let answer = staff
                .get(&app, &format!("/api/dashboard/tickets?{query}"))
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text());
            answer.json()
        }
    };
    let first = list("").await;
    assert_eq!(first["total"], 30);
    assert_eq!(first["tickets"].as_array().unwrap().len(), 25);
    // Due first: the longest waiting (the oldest) ticket leads.
    assert_eq!(first["tickets"][0]["reference"], "ST-400029");
    let newest = list("sort=newest&per_page=5&page=2").await;
    assert_eq!(newest["tickets"][0]["reference"], "ST-400005");
    let stylists = list("kind=stylist").await;
    assert_eq!(stylists["total"], 10);
    let text = list("q=SHOPPER17%40").await;
    assert_eq!(text["total"], 1);
    assert_eq!(
        list("q=gg-104233").await["total"],
        20,
        "order numbers of returns and resizes"
    );
    let bad = staff
        .get(
            &app,
            "/api/dashboard/tickets?status=closed&page=0&from=yesterday",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = bad.json();
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["status", "page", "from"]);
    // The page shows the same tickets, overdue first, and pages.
    let page = staff.get(&app, "/dashboard").await.text();
    assert!(page.contains("30 tickets"));
    assert!(page.find("ST-400029").unwrap() < page.find("RT-400027").unwrap());
    assert!(
        page.contains("overdue by 5 h"),
        "the 29-hour-old ticket is 5 h past its 24 h promise"
    );
    assert!(page.contains(r#"aria-current="page">1</a>"#));
}

async fn tokens_act_within_their_scopes_and_their_persons_role(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let agent = add_user(store.as_ref(), "li@store.example", Role::Agent).await;
    ticket(
        store.as_ref(),
        "ST-500001",
        TicketKind::Stylist,
        "ava@example.com",
        chrono::Utc::now(),
    )
    .await;
    let token = |scopes: Vec<Scope>, user: Option<String>| {
        let store = store.clone();
        async move {
            aurora_server::create_api_token(store.as_ref(), "zap", scopes, user, chrono::Utc::now())
                .await
                .unwrap()
                .1
        }
    };
    let call = |secret: String,
                method: &'static str,
                path: &'static str,
                body: Option<serde_json::Value>| {
        let app = app.clone();
        async move {
            let auth = format!("Bearer {secret}");
            common::call(
                &app,
                method,
                path,
                &[("authorization", &auth)],
                body.as_ref(),
            )
            .await
        }
    };
    let reader = token(vec![Scope::TicketsRead], None).await;
    assert_eq!(
        call(reader.clone(), "GET", "/api/dashboard/tickets", None)
            .await
            .status,
        StatusCode::OK
    );
    let patch = call(
        reader,
        "PATCH",
        "/api/dashboard/tickets/ST-500001",
        Some(json!({"status": "open"})),
    )
    .await;
    assert_eq!(
        patch.status,
        StatusCode::FORBIDDEN,
        "no tickets:write, and no CSRF needed to say so"
    );
    // Bound to an agent, flags:write is not enough: agents cannot change flags.
    let bound = token(
        vec![Scope::FlagsWrite, Scope::TicketsWrite],
        Some(agent.id.clone()),
    )
    .await;
    let flags = call(
        bound.clone(),
        "PATCH",
        "/api/dashboard/flags",
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(flags.status, StatusCode::FORBIDDEN);
    let mine = call(
        bound.clone(),
        "PATCH",
        "/api/dashboard/tickets/ST-500001",
        Some(json!({"assignee": "me", "status": "open"})),
    )
    .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text());
    assert_eq!(mine.json()["assignee_id"], agent.id.as_str());
    let log = store.audit_log(5, None).await.unwrap();
    assert!(
        log[0].actor.starts_with("li@store.example (token tok_")
            && log[0].actor.ends_with("via api"),
        "{}",
        log[0].actor
    );
    // An unbound token with flags:write may change the flag; the actor says which token.
    let ops = token(vec![Scope::FlagsWrite, Scope::FlagsRead], None).await;
    let changed = call(
        ops,
        "PATCH",
        "/api/dashboard/flags",
        Some(json!({"rollout_percentage": 40})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    assert_eq!(changed.json()["effective"]["rollout_percentage"], 40);
    // Disabling the person stops their token.
    aurora_core::services::staff::disable(
        store.as_ref(),
        &aurora_core::staff::Actor::cli("t"),
        "li@store.example",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let after = call(bound, "GET", "/api/dashboard/tickets", None).await;
    assert_eq!(after.status, StatusCode::FORBIDDEN);
    assert_eq!(
        call("aurora_nope".into(), "GET", "/api/dashboard/tickets", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

async fn hostile_shopper_text_is_shown_as_text(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let owner = add_user(store.as_ref(), "ana@store.example", Role::Owner).await;
    let staff = sign_in(store.as_ref(), &owner).await;
    let hostile = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let mut shopper_ticket = ticket(
        store.as_ref(),
        "RT-600001",
        TicketKind::Return,
        "x@example.com",
        chrono::Utc::now(),
    )
    .await;
    shopper_ticket.reference = "RT-600002".into();
    shopper_ticket.name = Some(hostile.into());
    shopper_ticket.details = json!({"order_number": hostile, "reason": hostile});
    shopper_ticket.transcript[0].text = hostile.into();
    shopper_ticket.shortlist = vec![hostile.into()];
    aurora_core::tickets::create(store.as_ref(), &shopper_ticket, None)
        .await
        .unwrap();
    staff
        .form(
            &app,
            "/dashboard/tickets/RT-600002",
            &[("action", "note"), ("text", hostile)],
        )
        .await;
    for path in [
        "/dashboard/tickets/RT-600002",
        "/dashboard?status=any",
        "/dashboard?q=%3Cscript",
    ] {
        let page = staff.get(&app, path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = page.text();
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{path}: {html}"
        );
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{path}: {html}"
        );
        let csp = page.header("content-security-policy");
        assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
        assert_eq!(page.header("cache-control"), "no-store");
    }
}

async fn a_set_password_link_works_once(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let owner = add_user(store.as_ref(), "ana@store.example", Role::Owner).await;
    let staff = sign_in(store.as_ref(), &owner).await;
    let added = staff
        .json(
            &app,
            "POST",
            "/api/dashboard/users",
            &json!({"email": "New@Store.example", "role": "agent"}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let body = added.json();
    assert_eq!(body["user"]["email"], "new@store.example");
    assert_eq!(body["user"]["password_set"], false);
    let link = body["set_password_link"].as_str().unwrap();
    let path = link
        .split_once("localhost")
        .map_or(link, |(_, p)| p)
        .to_string();
    assert!(path.starts_with("/dashboard/set-password?token="), "{link}");
    let token = path.split("token=").nth(1).unwrap().to_string();
    let page = common::get(&app, &path).await;
    assert_eq!(page.status, StatusCode::OK);
    let cookie = page
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let csrf = page
        .text()
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let set = |password: &'static str| {
        let (app, cookie, csrf, token) = (app.clone(), cookie.clone(), csrf.clone(), token.clone());
        async move {
            let body = form_urlencoded::Serializer::new(String::new())
                .append_pair("csrf", &csrf)
                .append_pair("token", &token)
                .append_pair("password", password)
                .append_pair("repeat", password)
                .finish();
            send(
                &app,
                Request::post("/dashboard/set-password")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", cookie)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };
    let short = set("short").await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(short.text().contains("at least 12 characters"));
    let done = set("a long enough passphrase").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(
        set("another long passphrase").await.status,
        StatusCode::NOT_FOUND,
        "a link works once"
    );
    let signed_in = sign_in_with_form(&app, "new@store.example", "a long enough passphrase").await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    // Who made the link is in the audit log, and only the owner may make one: an agent cannot,
    // and cannot tell whether an account exists by trying.
    let log = store.audit_log(10, None).await.unwrap();
    let made = log
        .iter()
        .find(|e| e.action.as_str() == "password_link_created")
        .unwrap();
    assert_eq!(
        (made.actor.as_str(), made.subject.as_str()),
        ("ana@store.example via workspace", "new@store.example")
    );
    let agent = add_user(store.as_ref(), "li@store.example", Role::Agent).await;
    let agent = sign_in(store.as_ref(), &agent).await;
    for who in ["new@store.example", "nobody@store.example"] {
        let tried = agent
            .form(
                &app,
                &format!("/dashboard/users/{who}"),
                &[("action", "link")],
            )
            .await;
        assert_eq!(tried.status, StatusCode::FORBIDDEN, "{who}");
    }
    // A proxy's own Authorization (Basic) leaves the session in charge.
    let behind_gate = common::call(
        &app,
        "GET",
        "/api/dashboard/session",
        &[
            ("authorization", "Basic b3BzOmdhdGU="),
            (
                "cookie",
                &format!("aurora_session={}", agent.secret.clone().unwrap()),
            ),
        ],
        None,
    )
    .await;
    assert_eq!(behind_gate.status, StatusCode::OK);
}

async fn the_last_owner_cannot_be_demoted_or_disabled(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let owner = add_user(store.as_ref(), "ana@store.example", Role::Owner).await;
    let staff = sign_in(store.as_ref(), &owner).await;
    let path = format!("/api/dashboard/users/{}", owner.id);
    let demote = staff
        .json(&app, "PATCH", &path, &json!({"role": "admin"}))
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    assert_eq!(demote.json()["code"], "last_owner");
    let page = staff
        .form(
            &app,
            &format!("/dashboard/users/{}", owner.id),
            &[("action", "disable")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().contains("needs an active owner"));
    add_user(store.as_ref(), "bo@store.example", Role::Owner).await;
    let now_ok = staff
        .json(&app, "PATCH", &path, &json!({"role": "admin"}))
        .await;
    assert_eq!(now_ok.status, StatusCode::OK);
}

async fn the_kill_switch_turned_off_in_the_workspace_hides_the_widget(store: Arc<dyn Store>) {
    let app = common::demo_app(store.clone()).await;
    let admin = add_user(store.as_ref(), "ana@store.example", Role::Admin).await;
    let staff = sign_in(store.as_ref(), &admin).await;
    let evaluate = || async {
        let answer = common::call(
            &app,
            "POST",
            "/ofrep/v1/evaluate/flags/concierge-widget",
            &[],
            Some(&json!({"context": {"targetingKey": "visitor-1"}})),
        )
        .await;
        answer.json()["value"].as_bool().unwrap()
    };
    assert!(evaluate().await);
    // Turning it off first asks for a confirmation, and changes nothing until then.
    let ask = staff
        .form(
            &app,
            "/dashboard/flags",
            &[("action", "enabled"), ("enabled", "off")],
        )
        .await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(
        ask.text()
            .contains("Turn the widget off for every shopper?")
    );
    assert!(evaluate().await);
    let confirmed = staff
        .form(
            &app,
            "/dashboard/flags",
            &[
                ("action", "enabled"),
                ("enabled", "off"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(confirmed.header("location"), "/dashboard/flags?done=flags");
    assert!(!evaluate().await);
    let page = staff.get(&app, "/dashboard/flags?done=flags").await.text();
    assert!(page.contains("ana@store.example via workspace"));
    assert!(page.contains("kill switch: environment → off"));
}

async fn ended_sessions_are_purged(store: Arc<dyn Store>) {
    let state = common::state(store.clone(), ServerSettings::default()).await;
    let agent = add_user(store.as_ref(), "li@store.example", Role::Agent).await;
    let now = chrono::Utc::now();
    let idle = sign_in_at(store.as_ref(), &agent, now - chrono::Duration::hours(3)).await;
    let fresh = sign_in(store.as_ref(), &agent).await;
    aurora_server::purge_once(&state, chrono::Duration::days(730)).await;
    let stored = |staffer: &Staffer| {
        let hash = aurora_server::hash_api_token(staffer.secret.as_deref().unwrap());
        let store = store.clone();
        async move { store.session(&hash).await.unwrap().is_some() }
    };
    assert!(
        !stored(&idle).await,
        "idle for 3 hours, past the 2-hour setting"
    );
    assert!(stored(&fresh).await);
}
