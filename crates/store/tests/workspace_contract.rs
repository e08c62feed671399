//! The contract of the support workspace's storage: staff accounts (one per email, case
//! ignored), sessions and their purge, one-time set-password links, the audit log and its
//! pages, ticket workflows written only over what was read, notes, a shopper's tickets, and
//! the inbox's filters. Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::email::Email;
use aurora_core::flags::FlagOverride;
use aurora_core::staff::audit::{AuditAction, AuditEntry};
use aurora_core::staff::session::Session;
use aurora_core::staff::{Role, StaffUser, TicketVisibility};
use aurora_core::store::{Store, StoreError};
use aurora_core::tickets::inbox::{AssigneeFilter, InboxQuery, InboxSort, StatusFilter};
use aurora_core::tickets::workflow::{Note, TicketChange, TicketStatus};
use aurora_core::tickets::{Ticket, TicketKind};
use aurora_store::backend_tests;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use std::sync::Arc;

backend_tests!(
    an_email_has_one_account_whatever_its_case,
    sessions_are_found_touched_ended_and_purged,
    a_password_link_works_once_and_not_after_it_expires,
    the_audit_log_pages_newest_first_and_flag_changes_are_in_it,
    a_workflow_is_written_only_over_what_was_read,
    the_inbox_filters_by_every_field_and_a_stylist_sees_only_their_tickets,
);

fn at(hour: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap() + Duration::hours(hour)
}

fn user(id: &str, email: &str, role: Role) -> StaffUser {
    StaffUser {
        id: id.into(),
        email: Email::parse(email).unwrap(),
        role,
        created_at: at(0),
        disabled_at: None,
        password_set: true,
    }
}

fn audit(action: AuditAction, hour: i64) -> AuditEntry {
    AuditEntry::new(at(hour), "test via cli", action, "subject", "detail")
}

fn session(id_hash: &str, user_id: &str, hour: i64) -> Session {
    Session {
        id_hash: id_hash.into(),
        user_id: user_id.into(),
        csrf_token: "csrf".into(),
        created_at: at(hour),
        last_seen_at: at(hour),
    }
}

async fn an_email_has_one_account_whatever_its_case(store: Arc<dyn Store>) {
    let ana = user("usr_1", "ana@store.example", Role::Owner);
    store
        .insert_user(&ana, Some("hash"), &audit(AuditAction::UserAdded, 0))
        .await
        .unwrap();
    let twin = user("usr_2", "ANA@Store.Example", Role::Agent);
    let error = store
        .insert_user(&twin, None, &audit(AuditAction::UserAdded, 0))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Conflict(_)), "{error:?}");
    let (found, hash) = store
        .user_by_email(" Ana@STORE.example ")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id.as_str(), hash.as_deref()),
        ("usr_1", Some("hash"))
    );
    assert!(found.password_set);
    // The only owner can be neither demoted nor disabled: nothing is written.
    let mut changed = found.clone();
    changed.role = Role::Admin;
    changed.disabled_at = Some(at(2));
    let refused = store
        .update_user(&changed, &audit(AuditAction::UserDisabled, 2))
        .await
        .unwrap_err();
    assert!(matches!(refused, StoreError::Conflict(_)), "{refused:?}");
    assert_eq!(store.user("usr_1").await.unwrap().unwrap(), found);
    let bo = user("usr_3", "bo@store.example", Role::Owner);
    store
        .insert_user(&bo, None, &audit(AuditAction::UserAdded, 2))
        .await
        .unwrap();
    store
        .update_user(&changed, &audit(AuditAction::UserDisabled, 2))
        .await
        .unwrap();
    assert_eq!(store.user("usr_1").await.unwrap().unwrap(), changed);
    assert_eq!(store.users().await.unwrap().len(), 2);
    // The failed writes wrote no audit entry; the others did.
    assert_eq!(store.audit_log(10, None).await.unwrap().len(), 3);
}

async fn sessions_are_found_touched_ended_and_purged(store: Arc<dyn Store>) {
    for (id, email) in [("usr_1", "a@s.example"), ("usr_2", "b@s.example")] {
        store
            .insert_user(
                &user(id, email, Role::Agent),
                Some("h"),
                &audit(AuditAction::UserAdded, 0),
            )
            .await
            .unwrap();
    }
    for (hash, user_id, hour) in [("s1", "usr_1", 0), ("s2", "usr_1", 1), ("s3", "usr_2", 5)] {
        store
            .insert_session(
                &session(hash, user_id, hour),
                &audit(AuditAction::SignIn, hour),
            )
            .await
            .unwrap();
    }
    store.touch_session("s1", at(6)).await.unwrap();
    assert_eq!(
        store.session("s1").await.unwrap().unwrap().last_seen_at,
        at(6)
    );
    store.delete_session("s2", None).await.unwrap();
    assert!(store.session("s2").await.unwrap().is_none());
    // Started before hour 1, or unused since hour 4: s1 (started at 0) goes, s3 stays.
    assert_eq!(store.purge_sessions(at(1), at(4)).await.unwrap(), 1);
    assert!(store.session("s1").await.unwrap().is_none());
    assert!(store.session("s3").await.unwrap().is_some());
    store
        .delete_sessions_of("usr_2", &audit(AuditAction::SignOutEverywhere, 7))
        .await
        .unwrap();
    assert!(store.session("s3").await.unwrap().is_none());
    // Disabling an account ends its sessions too.
    store
        .insert_session(&session("s4", "usr_1", 8), &audit(AuditAction::SignIn, 8))
        .await
        .unwrap();
    let mut gone = user("usr_1", "a@s.example", Role::Agent);
    gone.disabled_at = Some(at(9));
    store
        .update_user(&gone, &audit(AuditAction::UserDisabled, 9))
        .await
        .unwrap();
    assert!(store.session("s4").await.unwrap().is_none());
}

async fn a_password_link_works_once_and_not_after_it_expires(store: Arc<dyn Store>) {
    let mut mia = user("usr_1", "mia@s.example", Role::Stylist);
    mia.password_set = false;
    store
        .insert_user(&mia, None, &audit(AuditAction::UserAdded, 0))
        .await
        .unwrap();
    assert!(!store.user("usr_1").await.unwrap().unwrap().password_set);
    store
        .set_password_link(
            "usr_1",
            "link1",
            at(72),
            &audit(AuditAction::PasswordLinkCreated, 1),
        )
        .await
        .unwrap();
    assert!(
        store
            .password_link_user("link1", at(72))
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert_eq!(
        store
            .password_link_user("link1", at(71))
            .await
            .unwrap()
            .unwrap()
            .id,
        "usr_1"
    );
    store
        .insert_session(&session("old", "usr_1", 1), &audit(AuditAction::SignIn, 1))
        .await
        .unwrap();
    let used = store
        .use_password_link(
            "link1",
            "newhash",
            at(2),
            &audit(AuditAction::PasswordSet, 2),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(used.password_set);
    assert!(
        store.session("old").await.unwrap().is_none(),
        "sessions end with a new password"
    );
    let again = store
        .use_password_link("link1", "other", at(3), &audit(AuditAction::PasswordSet, 3))
        .await
        .unwrap();
    assert!(again.is_none());
    assert_eq!(
        store
            .user_by_email("mia@s.example")
            .await
            .unwrap()
            .unwrap()
            .1
            .as_deref(),
        Some("newhash")
    );
    // A new link replaces the old one.
    store
        .set_password_link(
            "usr_1",
            "link2",
            at(80),
            &audit(AuditAction::PasswordLinkCreated, 1),
        )
        .await
        .unwrap();
    store
        .set_password_link(
            "usr_1",
            "link3",
            at(80),
            &audit(AuditAction::PasswordLinkCreated, 1),
        )
        .await
        .unwrap();
    assert!(
        store
            .password_link_user("link2", at(4))
            .await
            .unwrap()
            .is_none()
    );
}

async fn the_audit_log_pages_newest_first_and_flag_changes_are_in_it(store: Arc<dyn Store>) {
    for hour in 0..5 {
        store
            .record_audit(&audit(AuditAction::SignInFailed, hour))
            .await
            .unwrap();
    }
    let first = store.audit_log(2, None).await.unwrap();
    assert_eq!(
        first.iter().map(|e| e.at).collect::<Vec<_>>(),
        [at(4), at(3)]
    );
    let next = store.audit_log(2, Some(first[1].at)).await.unwrap();
    assert_eq!(
        next.iter().map(|e| e.at).collect::<Vec<_>>(),
        [at(2), at(1)]
    );
    let off = FlagOverride {
        enabled: Some(false),
        ..FlagOverride::default()
    };
    store
        .set_flag_override("concierge-widget", &off, "ana via workspace", at(6))
        .await
        .unwrap();
    let newest = &store.audit_log(1, None).await.unwrap()[0];
    assert_eq!(newest.action, AuditAction::FlagChanged);
    assert_eq!(newest.actor, "ana via workspace");
    assert_eq!(newest.subject, "concierge-widget");
    assert_eq!(newest.detail, "kill switch: environment → off");
    // A change of another field keeps the kill switch: the merge is made in the transaction.
    let rollout = FlagOverride {
        rollout_percentage: Some(30),
        ..FlagOverride::default()
    };
    let (before, after) = store
        .change_flag_override("concierge-widget", &rollout, "bo via api", at(7))
        .await
        .unwrap();
    assert_eq!(before, off);
    assert_eq!(
        (after.enabled, after.rollout_percentage),
        (Some(false), Some(30))
    );
    assert_eq!(
        store.flag_override("concierge-widget").await.unwrap(),
        after
    );
    assert_eq!(
        store.audit_log(1, None).await.unwrap()[0].detail,
        "rollout: environment → 30%"
    );
}

fn ticket(reference: &str, kind: TicketKind, email: &str, name: &str, hour: i64) -> Ticket {
    Ticket {
        reference: reference.into(),
        kind,
        created_at: at(hour),
        conversation_id: None,
        name: Some(name.into()),
        email: Email::parse(email).unwrap(),
        details: if kind == TicketKind::Stylist {
            json!({"message": "ideas"})
        } else {
            json!({"order_number": format!("GG-10{hour:04}")})
        },
        transcript: Vec::new(),
        shortlist: Vec::new(),
        filters: json!({}),
        products_shown: Vec::new(),
    }
}

async fn a_workflow_is_written_only_over_what_was_read(store: Arc<dyn Store>) {
    aurora_core::tickets::create(
        store.as_ref(),
        &ticket("ST-1", TicketKind::Stylist, "a@x.example", "Ava", 1),
        None,
    )
    .await
    .unwrap();
    let (_, read, _) = store.ticket_record("ST-1").await.unwrap().unwrap();
    assert_eq!(read.status, TicketStatus::New);
    assert_eq!(read.awaiting_since, Some(at(1)));
    let open = read
        .apply(&TicketChange::Status(TicketStatus::Open), at(2))
        .unwrap();
    let entry = audit(AuditAction::TicketStatusChanged, 2);
    assert!(
        store
            .update_workflow("ST-1", read.updated_at, &open, std::slice::from_ref(&entry))
            .await
            .unwrap()
    );
    // A second writer that read before the first wrote changes nothing, nor logs anything.
    let tags = read
        .apply(&TicketChange::Tags(vec!["vip".into()]), at(2))
        .unwrap();
    assert!(
        !store
            .update_workflow("ST-1", read.updated_at, &tags, &[entry])
            .await
            .unwrap()
    );
    let (_, stored, _) = store.ticket_record("ST-1").await.unwrap().unwrap();
    assert_eq!(stored, open);
    assert_eq!(store.audit_log(10, None).await.unwrap().len(), 1);
    let note = Note {
        at: at(3),
        author: "ana@s.example".into(),
        text: "Called her".into(),
        emailed: None,
    };
    assert!(store.add_note("ST-1", &note).await.unwrap());
    assert!(!store.add_note("ST-404", &note).await.unwrap());
    assert_eq!(
        store.ticket_record("ST-1").await.unwrap().unwrap().2,
        [note]
    );
    assert!(
        !store
            .update_workflow("ST-404", at(1), &open, &[])
            .await
            .unwrap()
    );
}

async fn the_inbox_filters_by_every_field_and_a_stylist_sees_only_their_tickets(
    store: Arc<dyn Store>,
) {
    store
        .insert_user(
            &user("usr_s", "mia@s.example", Role::Stylist),
            Some("h"),
            &audit(AuditAction::UserAdded, 0),
        )
        .await
        .unwrap();
    let tickets = [
        ticket(
            "RT-1",
            TicketKind::Return,
            "ava@x.example",
            "Ava Thompson",
            1,
        ),
        ticket(
            "RT-2",
            TicketKind::Resize,
            "Liam@X.example",
            "Liam Carter",
            2,
        ),
        ticket(
            "ST-3",
            TicketKind::Stylist,
            "sofia@x.example",
            "Sofia 100%_off",
            3,
        ),
        ticket(
            "RT-4",
            TicketKind::Return,
            "ava@x.example",
            "Ava Thompson",
            30,
        ),
    ];
    for t in &tickets {
        aurora_core::tickets::create(store.as_ref(), t, None)
            .await
            .unwrap();
    }
    let (_, w, _) = store.ticket_record("RT-2").await.unwrap().unwrap();
    let assigned = w
        .apply(&TicketChange::Assign(Some("usr_s".into())), at(4))
        .unwrap();
    store
        .update_workflow("RT-2", w.updated_at, &assigned, &[])
        .await
        .unwrap();
    let (_, w, _) = store.ticket_record("RT-1").await.unwrap().unwrap();
    let resolved = w
        .apply(&TicketChange::Status(TicketStatus::Resolved), at(5))
        .unwrap();
    store
        .update_workflow("RT-1", w.updated_at, &resolved, &[])
        .await
        .unwrap();

    let refs = |query: InboxQuery| {
        let store = store.clone();
        async move {
            let page = store.inbox(&query).await.unwrap();
            let refs: Vec<String> = page.tickets.iter().map(|t| t.reference.clone()).collect();
            (refs, page.total)
        }
    };
    let base = InboxQuery::default;
    // Unresolved by default; awaiting an answer first, the longest waiting first (assigning a
    // ticket does not answer it), then the rest newest first.
    assert_eq!(
        refs(base()).await,
        (vec!["RT-2".into(), "ST-3".into(), "RT-4".into()], 3)
    );
    let (_, w, _) = store.ticket_record("RT-2").await.unwrap().unwrap();
    let answered = w
        .apply(&TicketChange::Status(TicketStatus::Waiting), at(6))
        .unwrap();
    store
        .update_workflow("RT-2", w.updated_at, &answered, &[])
        .await
        .unwrap();
    assert_eq!(refs(base()).await.0, ["ST-3", "RT-4", "RT-2"]);
    assert_eq!(
        refs(InboxQuery {
            status: StatusFilter::Any,
            sort: InboxSort::Oldest,
            ..base()
        })
        .await
        .0,
        ["RT-1", "RT-2", "ST-3", "RT-4"]
    );
    assert_eq!(
        refs(InboxQuery {
            status: StatusFilter::Is(TicketStatus::Resolved),
            ..base()
        })
        .await
        .0,
        ["RT-1"]
    );
    assert_eq!(
        refs(InboxQuery {
            kind: Some(TicketKind::Return),
            status: StatusFilter::Any,
            sort: InboxSort::Newest,
            ..base()
        })
        .await
        .0,
        ["RT-4", "RT-1"]
    );
    assert_eq!(
        refs(InboxQuery {
            assignee: AssigneeFilter::User("usr_s".into()),
            ..base()
        })
        .await
        .0,
        ["RT-2"]
    );
    assert_eq!(
        refs(InboxQuery {
            assignee: AssigneeFilter::Nobody,
            sort: InboxSort::Newest,
            ..base()
        })
        .await
        .0,
        ["RT-4", "ST-3"]
    );
    assert_eq!(
        refs(InboxQuery {
            created_from: Some(at(2)),
            created_before: Some(at(4)),
            sort: InboxSort::Oldest,
            ..base()
        })
        .await
        .0,
        ["RT-2", "ST-3"]
    );
    for (text, expected) in [
        ("liam@x", vec!["RT-2"]),
        ("gg-100030", vec!["RT-4"]),
        ("ava thom", vec!["RT-4"]),
        ("rt-2", vec!["RT-2"]),
        ("100%_", vec!["ST-3"]),
        ("1%0", vec![]),
        ("a_a", vec![]),
    ] {
        let found = refs(InboxQuery {
            text: Some(text.into()),
            ..base()
        })
        .await
        .0;
        assert_eq!(found, expected, "{text}");
    }
    // A stylist sees stylist tickets and what is assigned to them, however else filtered.
    let stylist = TicketVisibility::StylistOrAssignedTo("usr_s".into());
    assert_eq!(
        refs(InboxQuery {
            visibility: stylist.clone(),
            status: StatusFilter::Any,
            sort: InboxSort::Oldest,
            ..base()
        })
        .await,
        (vec!["RT-2".into(), "ST-3".into()], 2)
    );
    // Pages.
    let second = refs(InboxQuery {
        status: StatusFilter::Any,
        sort: InboxSort::Oldest,
        per_page: 3,
        page: 2,
        ..base()
    })
    .await;
    assert_eq!(second, (vec!["RT-4".into()], 4));
    // A shopper's tickets, by email whatever its case.
    let theirs = store.tickets_by_email("AVA@x.example", 10).await.unwrap();
    assert_eq!(
        theirs
            .iter()
            .map(|t| t.reference.as_str())
            .collect::<Vec<_>>(),
        ["RT-4", "RT-1"]
    );
}
