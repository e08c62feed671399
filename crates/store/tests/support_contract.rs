//! The shopper-support half of the Store contract: conversations, tickets, shortlist, CSAT,
//! idempotency keys and the webhook outbox. Each test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::catalog::Category;
use aurora_core::conversations::{Conversation, ConversationState, Message, Role};
use aurora_core::email::Email;
use aurora_core::money::Money;
use aurora_core::store::{Appended, ClaimedKey, IdempotencyClaim, KeyAnswer, Store, StoreError};
use aurora_core::tickets::{Ticket, TicketKind, TranscriptLine, create as create_ticket};
use aurora_store::backend_tests;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use std::sync::Arc;

backend_tests!(
    a_conversation_keeps_its_messages_in_order_and_its_state,
    concurrent_appends_and_reads_each_get_their_own_answer,
    ending_a_conversation_twice_reports_the_second_time,
    a_ticket_round_trips_marks_its_conversation_and_queues_one_webhook,
    a_ticket_reference_is_never_reused,
    the_shortlist_adds_once_and_removes_once_per_visitor,
    csat_is_recorded_once_per_conversation,
    an_idempotency_key_is_new_then_in_progress_then_replayed,
    an_idempotency_key_with_another_body_is_a_mismatch,
    a_released_or_expired_idempotency_key_can_be_claimed_again,
    a_claim_unanswered_after_its_lease_is_taken_over_and_only_the_new_holder_answers,
    messages_and_a_form_answer_commit_with_their_idempotency_answer,
    a_failed_webhook_is_retried_later_and_a_delivered_one_is_not,
    a_transaction_commits_the_ticket_its_webhook_and_its_idempotency_answer_together,
    a_transaction_dropped_or_failed_halfway_writes_nothing,
);

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 10, minute, 0).unwrap()
}

fn conversation(id: &str) -> Conversation {
    Conversation {
        id: id.into(),
        visitor_id: "visitor-1".into(),
        started_at: at(0),
        last_activity_at: at(0),
        ended_at: None,
        replies: 1,
        has_ticket: false,
        last_reply_answered: false,
        state: ConversationState::default(),
    }
}

fn message(role: Role, text: &str, minute: u32) -> Message {
    Message {
        role,
        text: Some(text.into()),
        blocks: serde_json::value::to_raw_value(&json!([{"type": "text", "text": text}])).unwrap(),
        at: at(minute),
        understood: None,
    }
}

async fn a_conversation_keeps_its_messages_in_order_and_its_state(store: Arc<dyn Store>) {
    store
        .create_conversation(
            &conversation("c1"),
            &[message(Role::Concierge, "Welcome", 0)],
        )
        .await
        .unwrap();
    let mut state = ConversationState::default();
    state.query.category = Some(Category::Rings);
    let exchange = vec![
        message(Role::Shopper, "rings", 1),
        message(Role::Concierge, "Here are rings", 1),
    ];
    store
        .append_messages(
            "c1",
            exchange.clone(),
            &Appended::reply(&state, false, at(1)),
        )
        .await
        .unwrap();
    store
        .append_messages(
            "c1",
            vec![message(Role::Shopper, "under 500", 2)],
            &Appended::after(&state, at(2)),
        )
        .await
        .unwrap();
    // No messages: only the state and the activity time change.
    state.query.max_price = Some(Money::from_minor(50_000));
    store
        .append_messages("c1", Vec::new(), &Appended::after(&state, at(3)))
        .await
        .unwrap();

    let stored_messages = store.messages("c1").await.unwrap();
    assert_eq!(stored_messages[1..3], exchange[..], "read back as written");
    let texts: Vec<_> = stored_messages
        .into_iter()
        .map(|m| m.text.unwrap())
        .collect();
    assert_eq!(texts, ["Welcome", "rings", "Here are rings", "under 500"]);
    let stored = store.conversation("c1").await.unwrap().unwrap();
    assert_eq!(stored.state, state);
    assert_eq!(stored.replies, 2);
    assert_eq!(stored.last_activity_at, at(3));
    assert_eq!(store.conversation("nope").await.unwrap(), None);
    let missing = store
        .append_messages("nope", exchange, &Appended::reply(&state, false, at(3)))
        .await;
    assert!(missing.is_err());
    assert!(
        store.messages("nope").await.unwrap().is_empty(),
        "no message is stored without its conversation"
    );
}

async fn concurrent_appends_and_reads_each_get_their_own_answer(store: Arc<dyn Store>) {
    for id in ["c1", "c2"] {
        store
            .create_conversation(&conversation(id), &[message(Role::Concierge, "Welcome", 0)])
            .await
            .unwrap();
    }
    let mut appends = tokio::task::JoinSet::new();
    for i in 0..60 {
        let store = store.clone();
        let id = match i % 3 {
            0 => "c1",
            1 => "c2",
            _ if [5, 29, 50].contains(&i) => "nope",
            _ => "c1",
        };
        appends.spawn(async move {
            let exchange = vec![
                message(Role::Shopper, &format!("ask {i}"), 1),
                message(Role::Concierge, &format!("answer {i}"), 1),
            ];
            let state = ConversationState {
                offset: i as usize,
                ..ConversationState::default()
            };
            let result = store
                .append_messages(id, exchange, &Appended::reply(&state, false, at(1)))
                .await;
            (id, i, result.is_ok())
        });
    }
    let mut sent: std::collections::HashMap<&str, Vec<u32>> = Default::default();
    while let Some(joined) = appends.join_next().await {
        let (id, i, ok) = joined.unwrap();
        assert_eq!(ok, id != "nope", "append {i} to {id}");
        sent.entry(id).or_default().push(i);
    }
    assert_eq!(sent["nope"].len(), 3);
    for id in ["c1", "c2"] {
        let texts: Vec<String> = store
            .messages(id)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.text.unwrap())
            .collect();
        assert_eq!(texts[0], "Welcome");
        // Every append once, its question right before its answer.
        let pairs: Vec<&[String]> = texts[1..].chunks(2).collect();
        assert_eq!(pairs.len(), sent[id].len(), "{id}: {texts:?}");
        let mut seen: Vec<u32> = pairs
            .iter()
            .map(|pair| {
                let i: u32 = pair[0].trim_start_matches("ask ").parse().unwrap();
                assert_eq!(pair[1], format!("answer {i}"));
                i
            })
            .collect();
        seen.sort_unstable();
        let mut expected = sent[id].clone();
        expected.sort_unstable();
        assert_eq!(seen, expected);
        let stored = store.conversation(id).await.unwrap().unwrap();
        assert_eq!(stored.replies, 1 + i32::try_from(expected.len()).unwrap());
    }
    // Concurrent reads, repeated and unknown ids among them: each gets its own answer.
    let mut reads = tokio::task::JoinSet::new();
    for i in 0..30 {
        let store = store.clone();
        let id = ["c1", "c2", "nope", "c1"][i % 4];
        reads.spawn(async move { (id, store.conversation(id).await.unwrap()) });
    }
    while let Some(joined) = reads.join_next().await {
        let (id, found) = joined.unwrap();
        assert_eq!(found.map(|c| c.id), (id != "nope").then(|| id.to_string()));
    }
}

async fn ending_a_conversation_twice_reports_the_second_time(store: Arc<dyn Store>) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    assert!(store.end_conversation("c1", at(5)).await.unwrap());
    assert!(!store.end_conversation("c1", at(6)).await.unwrap());
    assert_eq!(
        store.conversation("c1").await.unwrap().unwrap().ended_at,
        Some(at(5))
    );
}

fn ticket(reference: &str) -> Ticket {
    Ticket {
        reference: reference.into(),
        kind: TicketKind::Stylist,
        created_at: at(3),
        conversation_id: Some("c1".into()),
        name: Some("Ava Thompson".into()),
        email: Email::parse("ava@example.com").unwrap(),
        details: json!({"message": "Engagement ring ideas", "preferred_contact": "email"}),
        transcript: vec![TranscriptLine {
            role: "shopper".into(),
            text: "rose gold rings".into(),
            at: at(1),
        }],
        shortlist: vec!["halo-ring".into()],
        filters: json!({"category": "rings", "metals": ["rose_gold"]}),
        products_shown: vec!["halo-ring".into(), "band".into()],
    }
}

async fn a_ticket_round_trips_marks_its_conversation_and_queues_one_webhook(store: Arc<dyn Store>) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    create_ticket(
        store.as_ref(),
        &ticket("ST-100001"),
        Some("{\"text\":\"hi\"}"),
    )
    .await
    .unwrap();
    assert_eq!(
        store.ticket("ST-100001").await.unwrap(),
        Some(ticket("ST-100001"))
    );
    assert!(store.conversation("c1").await.unwrap().unwrap().has_ticket);
    let recent = store.recent_tickets(10).await.unwrap();
    assert_eq!(recent.len(), 1);
    let due = store.due_webhooks(at(3), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].ticket_ref, "ST-100001");
    assert_eq!(due[0].payload, "{\"text\":\"hi\"}");
    assert!(
        store.due_webhooks(at(2), 10).await.unwrap().is_empty(),
        "not due before creation"
    );
}

async fn a_ticket_reference_is_never_reused(store: Arc<dyn Store>) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    create_ticket(store.as_ref(), &ticket("RT-100001"), None)
        .await
        .unwrap();
    let again = create_ticket(store.as_ref(), &ticket("RT-100001"), Some("{}")).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert!(
        store.due_webhooks(at(59), 10).await.unwrap().is_empty(),
        "no webhook for a failed ticket"
    );
}

async fn the_shortlist_adds_once_and_removes_once_per_visitor(store: Arc<dyn Store>) {
    assert!(store.shortlist_add("v1", "b-ring", at(1)).await.unwrap());
    assert!(store.shortlist_add("v1", "a-ring", at(2)).await.unwrap());
    assert!(!store.shortlist_add("v1", "b-ring", at(3)).await.unwrap());
    assert!(store.shortlist_add("v2", "c-ring", at(1)).await.unwrap());
    assert_eq!(store.shortlist("v1").await.unwrap(), ["b-ring", "a-ring"]);
    assert!(store.shortlist_remove("v1", "b-ring").await.unwrap());
    assert!(!store.shortlist_remove("v1", "b-ring").await.unwrap());
    assert_eq!(store.shortlist("v1").await.unwrap(), ["a-ring"]);
    assert_eq!(store.shortlist("v2").await.unwrap(), ["c-ring"]);
}

async fn csat_is_recorded_once_per_conversation(store: Arc<dyn Store>) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    assert!(record_csat(&store, "c1", 5, Some("Lovely"), at(4)).await);
    assert!(!record_csat(&store, "c1", 1, None, at(5)).await);
}

/// Records a rating in a transaction of its own; `false` when the conversation had one.
async fn record_csat(
    store: &Arc<dyn Store>,
    id: &str,
    score: i32,
    comment: Option<&str>,
    when: DateTime<Utc>,
) -> bool {
    let mut tx = store.begin().await.unwrap();
    let recorded = tx.record_csat(id, score, comment, when).await.unwrap();
    tx.commit().await.unwrap();
    recorded
}

/// Key `key` of visitor-1 on the stylist route, as claimed by the request holding `token`.
fn key(key: &str, token: &str) -> ClaimedKey {
    key_of("visitor-1", "/api/support/stylist", key, token)
}

fn key_of(scope: &str, route: &str, key: &str, token: &str) -> ClaimedKey {
    ClaimedKey {
        scope: scope.into(),
        route: route.into(),
        key: key.into(),
        token: token.into(),
    }
}

/// How long the tests' claims hold their key.
const LEASE: i64 = 60;

async fn claim(
    store: &Arc<dyn Store>,
    key: &ClaimedKey,
    hash: &str,
    now: DateTime<Utc>,
) -> IdempotencyClaim {
    store
        .claim_idempotency_key(
            key,
            hash,
            now,
            now + Duration::seconds(LEASE),
            now - Duration::hours(24),
        )
        .await
        .unwrap()
}

async fn an_idempotency_key_is_new_then_in_progress_then_replayed(store: Arc<dyn Store>) {
    assert_eq!(
        claim(&store, &key("k1", "a"), "h1", at(0)).await,
        IdempotencyClaim::New
    );
    assert_eq!(
        claim(&store, &key("k1", "b"), "h1", at(0)).await,
        IdempotencyClaim::InProgress {
            until: at(0) + Duration::seconds(LEASE)
        }
    );
    complete_key(&store, &key("k1", "a"), 201, "{\"ok\":1}")
        .await
        .unwrap();
    assert_eq!(
        claim(&store, &key("k1", "c"), "h1", at(1)).await,
        IdempotencyClaim::Done {
            status: 201,
            response: "{\"ok\":1}".into()
        }
    );
    // Another visitor's or another route's same key is independent.
    let other = key_of("visitor-2", "/api/support/stylist", "k1", "d");
    assert_eq!(
        claim(&store, &other, "h1", at(1)).await,
        IdempotencyClaim::New
    );
}

async fn an_idempotency_key_with_another_body_is_a_mismatch(store: Arc<dyn Store>) {
    assert_eq!(
        claim(&store, &key("k1", "a"), "h1", at(0)).await,
        IdempotencyClaim::New
    );
    assert_eq!(
        claim(&store, &key("k1", "b"), "h2", at(0)).await,
        IdempotencyClaim::Mismatch
    );
    // Nor does another body take over a claim whose lease has run out.
    assert_eq!(
        claim(&store, &key("k1", "b"), "h2", at(2)).await,
        IdempotencyClaim::Mismatch
    );
}

async fn a_released_or_expired_idempotency_key_can_be_claimed_again(store: Arc<dyn Store>) {
    assert_eq!(
        claim(&store, &key("k1", "a"), "h1", at(0)).await,
        IdempotencyClaim::New
    );
    // Only the holder releases its claim.
    store
        .release_idempotency_key(&key("k1", "someone else"))
        .await
        .unwrap();
    assert!(matches!(
        claim(&store, &key("k1", "b"), "h1", at(0)).await,
        IdempotencyClaim::InProgress { .. }
    ));
    store
        .release_idempotency_key(&key("k1", "a"))
        .await
        .unwrap();
    assert_eq!(
        claim(&store, &key("k1", "b"), "h1", at(0)).await,
        IdempotencyClaim::New
    );
    complete_key(&store, &key("k1", "b"), 200, "{}")
        .await
        .unwrap();
    // Releasing an answered key does nothing: the answer stands.
    store
        .release_idempotency_key(&key("k1", "b"))
        .await
        .unwrap();
    assert!(matches!(
        claim(&store, &key("k1", "c"), "h1", at(1)).await,
        IdempotencyClaim::Done { .. }
    ));
    let a_day_later = at(1) + Duration::hours(25);
    assert_eq!(
        claim(&store, &key("k1", "d"), "h2", a_day_later).await,
        IdempotencyClaim::New
    );
}

async fn a_claim_unanswered_after_its_lease_is_taken_over_and_only_the_new_holder_answers(
    store: Arc<dyn Store>,
) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    // The request holding "a" crashed (or stalled) without answering.
    assert_eq!(
        claim(&store, &key("k1", "a"), "h1", at(0)).await,
        IdempotencyClaim::New
    );
    let within = at(0) + Duration::seconds(LEASE - 1);
    assert!(matches!(
        claim(&store, &key("k1", "b"), "h1", within).await,
        IdempotencyClaim::InProgress { .. }
    ));
    let after = at(0) + Duration::seconds(LEASE);
    assert_eq!(
        claim(&store, &key("k1", "b"), "h1", after).await,
        IdempotencyClaim::New,
        "the retry runs the request again"
    );
    assert!(matches!(
        claim(&store, &key("k1", "c"), "h1", after).await,
        IdempotencyClaim::InProgress { .. }
    ));
    // The stalled request wakes up: its answer, and the effect written with it, are refused.
    let mut tx = store.begin().await.unwrap();
    tx.insert_ticket(&ticket("ST-200009")).await.unwrap();
    let late = KeyAnswer {
        key: key("k1", "a"),
        status: 201,
        response: "{}".into(),
    };
    let refused = tx.complete_idempotency_key(&late).await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    drop(tx);
    assert!(store.ticket("ST-200009").await.unwrap().is_none());
    store
        .release_idempotency_key(&key("k1", "a"))
        .await
        .unwrap();
    complete_key(&store, &key("k1", "b"), 201, "{\"by\":\"b\"}")
        .await
        .unwrap();
    assert_eq!(
        claim(&store, &key("k1", "d"), "h1", after).await,
        IdempotencyClaim::Done {
            status: 201,
            response: "{\"by\":\"b\"}".into()
        }
    );
    // An answered key is never answered again.
    let again = complete_key(&store, &key("k1", "b"), 200, "{}").await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
}

async fn messages_and_a_form_answer_commit_with_their_idempotency_answer(store: Arc<dyn Store>) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    let state = ConversationState::default();
    // A message's pair, appended with its answer (batched on SQLite).
    let k1 = key_of("v1", "messages", "k1", "a");
    claim(&store, &k1, "h1", at(1)).await;
    let answer = KeyAnswer {
        key: k1.clone(),
        status: 200,
        response: "{\"blocks\":[]}".into(),
    };
    store
        .append_messages(
            "c1",
            vec![message(Role::Shopper, "rings", 1)],
            &Appended::reply(&state, true, at(1)).answering(Some(&answer)),
        )
        .await
        .unwrap();
    assert_eq!(
        claim(&store, &key_of("v1", "messages", "k1", "b"), "h1", at(2)).await,
        IdempotencyClaim::Done {
            status: 200,
            response: "{\"blocks\":[]}".into()
        }
    );
    // A form's record, appended inside the transaction that carries its answer.
    let k2 = key_of("v1", "lookup", "k2", "a");
    claim(&store, &k2, "h1", at(2)).await;
    let mut tx = store.begin().await.unwrap();
    let answer = KeyAnswer {
        key: k2,
        status: 200,
        response: "{}".into(),
    };
    tx.complete_idempotency_key(&answer).await.unwrap();
    tx.append_messages(
        "c1",
        vec![message(Role::Shopper, "[order lookup]", 2)],
        &Appended::reply(&state, true, at(2)),
    )
    .await
    .unwrap();
    assert_eq!(store.messages("c1").await.unwrap().len(), 1, "not yet");
    tx.commit().await.unwrap();
    let texts: Vec<_> = store
        .messages("c1")
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.text.unwrap_or_default())
        .collect();
    assert_eq!(texts, ["rings", "[order lookup]"]);
    assert!(matches!(
        claim(&store, &key_of("v1", "lookup", "k2", "b"), "h1", at(3)).await,
        IdempotencyClaim::Done { .. }
    ));
}

async fn a_failed_webhook_is_retried_later_and_a_delivered_one_is_not(store: Arc<dyn Store>) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    create_ticket(store.as_ref(), &ticket("ST-100002"), Some("{}"))
        .await
        .unwrap();
    let item = store.due_webhooks(at(3), 10).await.unwrap().remove(0);
    store
        .webhook_failed(&item.id, 1, Some(at(10)), "connection refused")
        .await
        .unwrap();
    assert!(store.due_webhooks(at(9), 10).await.unwrap().is_empty());
    let retry = store.due_webhooks(at(10), 10).await.unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].attempts, 1);
    store.webhook_delivered(&item.id, at(10)).await.unwrap();
    assert!(store.due_webhooks(at(59), 10).await.unwrap().is_empty());

    create_ticket(store.as_ref(), &ticket("ST-100003"), Some("{}"))
        .await
        .unwrap();
    let item = store.due_webhooks(at(3), 10).await.unwrap().remove(0);
    store
        .webhook_failed(&item.id, 10, None, "gave up")
        .await
        .unwrap();
    assert!(
        store.due_webhooks(at(59), 10).await.unwrap().is_empty(),
        "given up"
    );
    assert!(
        store.ticket("ST-100003").await.unwrap().is_some(),
        "the ticket stays"
    );
}

mod flags {
    use super::at;
    use aurora_core::flags::{FLAG_KEY, FlagOverride};
    use aurora_core::store::Store;
    use aurora_store::backend_tests;
    use std::sync::Arc;

    backend_tests!(a_flag_override_is_set_reset_and_audited_with_who_and_before);

    async fn a_flag_override_is_set_reset_and_audited_with_who_and_before(store: Arc<dyn Store>) {
        assert!(store.flag_override(FLAG_KEY).await.unwrap().is_empty());
        let kill = FlagOverride {
            enabled: Some(false),
            ..FlagOverride::default()
        };
        let before = store
            .set_flag_override(FLAG_KEY, &kill, "alice", at(1))
            .await
            .unwrap();
        assert!(before.is_empty());
        assert_eq!(store.flag_override(FLAG_KEY).await.unwrap(), kill);
        let rollout = FlagOverride {
            rollout_percentage: Some(25),
            allowed_users: Some(vec!["beta@example.com".into()]),
            ..FlagOverride::default()
        };
        assert_eq!(
            store
                .set_flag_override(FLAG_KEY, &rollout, "bob", at(2))
                .await
                .unwrap(),
            kill
        );
        assert_eq!(store.flag_override(FLAG_KEY).await.unwrap(), rollout);
        store
            .set_flag_override(FLAG_KEY, &FlagOverride::default(), "carol", at(3))
            .await
            .unwrap();
        assert!(store.flag_override(FLAG_KEY).await.unwrap().is_empty());

        let audit = store.flag_audit(FLAG_KEY, 10).await.unwrap();
        let who: Vec<&str> = audit.iter().map(|e| e.actor.as_str()).collect();
        assert_eq!(who, ["carol", "bob", "alice"]);
        assert_eq!(audit[0].before, rollout);
        assert!(audit[0].after.is_empty());
        assert_eq!(audit[1].after, rollout);
        assert_eq!(audit[2].at, at(1));
    }
}

mod metrics {
    use super::{at, conversation};
    use aurora_core::store::{ConversationCounts, Store};
    use aurora_store::backend_tests;
    use chrono::Duration;
    use std::sync::Arc;

    backend_tests!(
        open_and_ended_conversations_are_counted_with_idle_ones_ended_after_thirty_minutes,
        the_idle_sweep_ends_each_idle_conversation_once_at_its_idle_time,
    );

    const IDLE: Duration = Duration::minutes(30);

    /// At 12:00: one open, one ended by /end at 11:58 with a ticket, one idle since 11:20
    /// (ended 11:50), and two that ended long ago.
    async fn seed(store: &Arc<dyn Store>) -> chrono::DateTime<chrono::Utc> {
        let noon = at(0) + Duration::hours(2);
        let mut open = conversation("open");
        open.last_activity_at = noon - Duration::minutes(10);
        let mut ended = conversation("ended");
        ended.last_activity_at = noon - Duration::minutes(3);
        ended.ended_at = Some(noon - Duration::minutes(2));
        ended.has_ticket = true;
        let mut idle = conversation("idle");
        idle.last_activity_at = noon - Duration::minutes(40);
        let mut old_idle = conversation("old-idle");
        old_idle.last_activity_at = noon - Duration::minutes(120);
        let mut old_ended = conversation("old-ended");
        old_ended.ended_at = Some(noon - Duration::minutes(110));
        for c in [open, ended, idle, old_idle, old_ended] {
            store.create_conversation(&c, &[]).await.unwrap();
        }
        noon
    }

    async fn open_and_ended_conversations_are_counted_with_idle_ones_ended_after_thirty_minutes(
        store: Arc<dyn Store>,
    ) {
        let noon = seed(&store).await;
        let last_5m = store
            .conversation_counts(noon, IDLE, noon - Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(
            last_5m,
            ConversationCounts {
                open: 1,
                ended_with_ticket: 1,
                ended_without_ticket: 0
            }
        );
        let last_hour = store
            .conversation_counts(noon, IDLE, noon - Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(
            last_hour,
            ConversationCounts {
                open: 1,
                ended_with_ticket: 1,
                ended_without_ticket: 1
            }
        );
        let pool = store.pool_stats();
        assert!(pool.in_use + pool.idle >= 1, "{pool:?}");
        assert!(pool.in_use + pool.idle <= 10, "{pool:?}");
    }

    async fn the_idle_sweep_ends_each_idle_conversation_once_at_its_idle_time(
        store: Arc<dyn Store>,
    ) {
        let noon = seed(&store).await;
        let before = store
            .conversation_counts(noon, IDLE, noon - Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(
            store.end_idle_conversations(noon, IDLE).await.unwrap(),
            [false, false]
        );
        assert!(
            store
                .end_idle_conversations(noon, IDLE)
                .await
                .unwrap()
                .is_empty()
        );
        let idle = store.conversation("idle").await.unwrap().unwrap();
        assert_eq!(idle.ended_at, Some(noon - Duration::minutes(10)));
        assert_eq!(
            store.conversation("open").await.unwrap().unwrap().ended_at,
            None
        );
        assert_eq!(
            store.conversation("ended").await.unwrap().unwrap().ended_at,
            Some(noon - Duration::minutes(2))
        );
        let after = store
            .conversation_counts(noon, IDLE, noon - Duration::hours(1))
            .await
            .unwrap();
        assert_eq!(
            after, before,
            "marking idle ones ended does not change the counts"
        );
    }
}

async fn a_transaction_commits_the_ticket_its_webhook_and_its_idempotency_answer_together(
    store: Arc<dyn Store>,
) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    let k1 = key_of("v1", "stylist", "k1", "a");
    assert_eq!(claim(&store, &k1, "h1", at(1)).await, IdempotencyClaim::New);
    let mut tx = store.begin().await.unwrap();
    tx.insert_ticket(&ticket("ST-200001")).await.unwrap();
    tx.queue_webhook("ST-200001", "{\"text\":\"new\"}", at(1))
        .await
        .unwrap();
    let answer = KeyAnswer {
        key: k1.clone(),
        status: 201,
        response: "{\"reference\":\"ST-200001\"}".into(),
    };
    tx.complete_idempotency_key(&answer).await.unwrap();
    assert!(
        store.ticket("ST-200001").await.unwrap().is_none(),
        "nothing is visible before the commit"
    );
    tx.commit().await.unwrap();
    assert_eq!(
        store.ticket("ST-200001").await.unwrap(),
        Some(ticket("ST-200001"))
    );
    assert!(store.conversation("c1").await.unwrap().unwrap().has_ticket);
    let due = store.due_webhooks(at(2), 10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].ticket_ref, "ST-200001");
    let replay = claim(&store, &key_of("v1", "stylist", "k1", "b"), "h1", at(2)).await;
    assert_eq!(
        replay,
        IdempotencyClaim::Done {
            status: 201,
            response: "{\"reference\":\"ST-200001\"}".into()
        }
    );
}

async fn a_transaction_dropped_or_failed_halfway_writes_nothing(store: Arc<dyn Store>) {
    store
        .create_conversation(&conversation("c1"), &[])
        .await
        .unwrap();
    let k1 = key_of("v1", "stylist", "k1", "a");
    claim(&store, &k1, "h1", at(1)).await;
    {
        let mut dropped = store.begin().await.unwrap();
        dropped.insert_ticket(&ticket("ST-200002")).await.unwrap();
        dropped
            .queue_webhook("ST-200002", "{}", at(1))
            .await
            .unwrap();
        let answer = KeyAnswer {
            key: k1.clone(),
            status: 201,
            response: "{}".into(),
        };
        dropped.complete_idempotency_key(&answer).await.unwrap();
    }
    // A webhook row that already exists makes the second write of this one fail.
    create_ticket(store.as_ref(), &ticket("ST-200003"), Some("{}"))
        .await
        .unwrap();
    let mut failing = store.begin().await.unwrap();
    failing.insert_ticket(&ticket("ST-200004")).await.unwrap();
    let clash = failing.queue_webhook("ST-200003", "{}", at(1)).await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    drop(failing);

    assert!(store.ticket("ST-200002").await.unwrap().is_none());
    assert!(store.ticket("ST-200004").await.unwrap().is_none());
    let due = store.due_webhooks(at(59), 10).await.unwrap();
    assert_eq!(
        due.iter()
            .map(|d| d.ticket_ref.as_str())
            .collect::<Vec<_>>(),
        ["ST-200003"],
        "only the committed ticket's webhook"
    );
    assert!(
        matches!(
            claim(
                &store,
                &key_of("v1", "stylist", "k1", "b"),
                "h1",
                at(1) + Duration::seconds(30)
            )
            .await,
            IdempotencyClaim::InProgress { .. }
        ),
        "the dropped answer was never recorded"
    );
}

/// Records a key's answer in a transaction of its own, as the HTTP layer does.
async fn complete_key(
    store: &Arc<dyn Store>,
    key: &ClaimedKey,
    status: u16,
    response: &str,
) -> Result<(), StoreError> {
    let answer = KeyAnswer {
        key: key.clone(),
        status,
        response: response.into(),
    };
    let mut tx = store.begin().await?;
    tx.complete_idempotency_key(&answer).await?;
    tx.commit().await
}
