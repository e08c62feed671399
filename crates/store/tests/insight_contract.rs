//! The contract of what staff read about conversations: the list's search by words (diacritics
//! and case ignored, hostile syntax inert), email, intent, outcome and dates, paged by cursor;
//! a transcript with what each message was understood as; "misunderstood" marks; ratings with
//! their filters and order; and the messages the concierge did not understand. Each test runs
//! on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_core::conversations::{Conversation, Message, Outcome, Role};
use aurora_core::email::Email;
use aurora_core::insight::conversations::{ConversationQuery, Cursor};
use aurora_core::insight::csat::{CsatQuery, ScoreDay};
use aurora_core::store::{Appended, Store};
use aurora_core::tickets::{Ticket, TicketKind};
use aurora_nlu::{Filters, Intent, Understanding};
use aurora_store::backend_tests;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;
use std::sync::Arc;

backend_tests!(
    conversations_are_found_by_words_email_intent_outcome_and_date,
    a_transcript_carries_understanding_and_misunderstood_marks,
    ratings_filter_by_outcome_kind_and_comment_lowest_first,
    a_common_word_pages_through_every_match_in_start_order,
);

fn at(minute: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap() + Duration::minutes(minute)
}

/// Long after every conversation but the last one started.
fn now() -> DateTime<Utc> {
    at(600)
}

fn understood(intent: Intent) -> Option<Understanding> {
    Some(Understanding {
        intent,
        filters: Filters::default(),
        order_number: None,
        request: None,
        answer: None,
    })
}

fn reply(text: &str, minute: i64) -> Message {
    Message::concierge(
        text.into(),
        serde_json::value::to_raw_value(&json!([{"type": "text", "text": text}])).unwrap(),
        at(minute),
    )
}

/// A conversation started at `minute` where the shopper said `said` (understood as `intent`)
/// and the concierge's reply did or did not answer.
async fn talk(
    store: &dyn Store,
    id: &str,
    minute: i64,
    said: &str,
    intent: Intent,
    answered: bool,
) {
    let conversation = Conversation::new(id.into(), format!("v-{id}"), at(minute));
    store
        .create_conversation(&conversation, &[reply("Welcome", minute)])
        .await
        .unwrap();
    let state = conversation.state.clone();
    store
        .append_messages(
            id,
            vec![
                Message::shopper(said.into(), at(minute)).understood_as(understood(intent)),
                reply("An answer", minute),
            ],
            &Appended::reply(&state, answered, at(minute)),
        )
        .await
        .unwrap();
}

fn ticket(reference: &str, conversation: &str, email: &str, kind: TicketKind) -> Ticket {
    Ticket {
        reference: reference.into(),
        kind,
        created_at: at(5),
        conversation_id: Some(conversation.into()),
        name: Some("Ava".into()),
        email: Email::parse(email).unwrap(),
        details: json!({"message": "help"}),
        transcript: Vec::new(),
        shortlist: Vec::new(),
        filters: json!({}),
        products_shown: Vec::new(),
    }
}

/// resolved (c1), abandoned (c2), handed off (c3, ava@x.example), open (c4).
async fn four_conversations(store: &dyn Store) {
    talk(
        store,
        "c1",
        0,
        "Rosé gold rings please",
        Intent::FindProduct,
        true,
    )
    .await;
    talk(store, "c2", 10, "blorp the zorp", Intent::Unknown, false).await;
    talk(
        store,
        "c3",
        20,
        "I want to return my ring",
        Intent::Returns,
        false,
    )
    .await;
    aurora_core::tickets::create(
        store,
        &ticket("RT-1", "c3", "ava@x.example", TicketKind::Return),
        None,
    )
    .await
    .unwrap();
    talk(
        store,
        "c4",
        590,
        "rose gold hoops",
        Intent::FindProduct,
        false,
    )
    .await;
    assert!(store.end_conversation("c1", at(1)).await.unwrap());
}

async fn ids(store: &dyn Store, query: ConversationQuery) -> Vec<String> {
    let page = store.search_conversations(&query, now()).await.unwrap();
    page.conversations.into_iter().map(|c| c.id).collect()
}

fn query() -> ConversationQuery {
    ConversationQuery {
        per_page: 25,
        ..ConversationQuery::default()
    }
}

fn words(text: &str) -> ConversationQuery {
    ConversationQuery {
        words: aurora_core::insight::search_words(text),
        ..query()
    }
}

async fn conversations_are_found_by_words_email_intent_outcome_and_date(store: Arc<dyn Store>) {
    let store = store.as_ref();
    four_conversations(store).await;
    assert_eq!(ids(store, query()).await, ["c4", "c3", "c2", "c1"]);
    // Words: every one, as prefixes, case and accents ignored; only shopper messages count.
    assert_eq!(ids(store, words("ROSE gold")).await, ["c4", "c1"]);
    assert_eq!(ids(store, words("rosé ring")).await, ["c1"]);
    assert_eq!(ids(store, words("answer")).await, Vec::<String>::new());
    // Query syntax is inert.
    for hostile in [
        "\"",
        "rose OR zorp",
        "NEAR(rose gold)",
        "rose* -gold",
        "'; DROP TABLE x",
    ] {
        let found = store.search_conversations(&words(hostile), now()).await;
        assert!(found.is_ok(), "{hostile}: {found:?}");
    }
    assert_eq!(
        ids(store, words("rose OR zorp")).await,
        Vec::<String>::new()
    );
    let by_email = ConversationQuery {
        email: Some("AVA@X.example".into()),
        ..query()
    };
    assert_eq!(ids(store, by_email).await, ["c3"]);
    let by_intent = ConversationQuery {
        intent: Some(Intent::Unknown),
        ..query()
    };
    assert_eq!(ids(store, by_intent).await, ["c2"]);
    for (outcome, expected) in [
        (Outcome::Resolved, "c1"),
        (Outcome::Abandoned, "c2"),
        (Outcome::HandedOff, "c3"),
        (Outcome::Open, "c4"),
    ] {
        let found = store
            .search_conversations(
                &ConversationQuery {
                    outcome: Some(outcome),
                    ..query()
                },
                now(),
            )
            .await
            .unwrap();
        assert_eq!(found.conversations.len(), 1, "{outcome:?}");
        assert_eq!(found.conversations[0].id, expected, "{outcome:?}");
        assert_eq!(found.conversations[0].outcome, outcome);
    }
    let dated = ConversationQuery {
        from: Some(at(10)),
        to: Some(at(20)),
        ..query()
    };
    assert_eq!(ids(store, dated).await, ["c2"]);
    // Pages by cursor, with nothing lost or repeated.
    let first = store
        .search_conversations(
            &ConversationQuery {
                per_page: 3,
                ..query()
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(first.conversations.len(), 3);
    assert_eq!(
        first.conversations[0].first_message.as_deref(),
        Some("rose gold hoops")
    );
    let after = Cursor::parse(first.next.as_deref().unwrap()).unwrap();
    let second = store
        .search_conversations(
            &ConversationQuery {
                per_page: 3,
                after: Some(after),
                ..query()
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        second
            .conversations
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["c1"]
    );
    assert_eq!(second.next, None);
}

async fn a_transcript_carries_understanding_and_misunderstood_marks(store: Arc<dyn Store>) {
    let store = store.as_ref();
    four_conversations(store).await;
    let record = store.conversation_record("c3").await.unwrap().unwrap();
    let (conversation, messages, tickets, rating) = (
        record.conversation,
        record.messages,
        record.tickets,
        record.rating,
    );
    assert!(conversation.has_ticket);
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].reference, "RT-1");
    assert_eq!(rating, None);
    assert_eq!(messages.len(), 3);
    assert_eq!(messages[1].role, Role::Shopper);
    assert_eq!(
        messages[1].understood.as_ref().unwrap().intent,
        Intent::Returns
    );
    assert_eq!(messages[2].understood, None);
    assert!(store.conversation_record("nope").await.unwrap().is_none());

    // Only a shopper message takes a mark; it joins the "not understood" list until unmarked.
    assert!(!store.mark_misunderstood("c3", 2, true).await.unwrap());
    assert!(!store.mark_misunderstood("nope", 1, true).await.unwrap());
    assert!(store.mark_misunderstood("c3", 1, true).await.unwrap());
    let messages = store
        .conversation_record("c3")
        .await
        .unwrap()
        .unwrap()
        .messages;
    assert!(messages[1].misunderstood);
    let listed = store.not_understood(at(0), now(), 100).await.unwrap();
    let texts: Vec<(&str, bool)> = listed
        .iter()
        .map(|m| (m.text.as_str(), m.misunderstood))
        .collect();
    assert_eq!(
        texts,
        [
            ("I want to return my ring", true),
            ("blorp the zorp", false)
        ]
    );
    assert!(store.mark_misunderstood("c3", 1, false).await.unwrap());
    assert_eq!(
        store.not_understood(at(0), now(), 100).await.unwrap().len(),
        1
    );
    assert!(
        store
            .not_understood(at(11), now(), 100)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn ratings_filter_by_outcome_kind_and_comment_lowest_first(store: Arc<dyn Store>) {
    let store = store.as_ref();
    four_conversations(store).await;
    for (id, score, comment, minute) in [
        ("c1", 5, Some("Lovely"), 30),
        ("c2", 1, Some("Useless <script>"), 40),
        ("c3", 3, None, 50),
    ] {
        let mut tx = store.begin().await.unwrap();
        assert!(
            tx.record_csat(id, score, comment, at(minute))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
    }
    let base = CsatQuery {
        from: at(0),
        to: now(),
        outcome: None,
        kind: None,
        lowest_first: true,
        with_comment: false,
        page: 0,
        per_page: aurora_core::insight::csat::PAGE,
    };
    let total = |counts: Vec<ScoreDay>| counts.iter().map(|c| c.count).sum::<u64>();
    assert_eq!(total(store.rating_counts(&base, now()).await.unwrap()), 3);
    let (entries, more) = store.rating_page(&base, now()).await.unwrap();
    assert!(!more);
    let scores: Vec<i32> = entries.iter().map(|e| e.score).collect();
    assert_eq!(scores, [1, 3, 5]);
    assert_eq!(entries[0].outcome, Outcome::Abandoned);
    let paged = CsatQuery {
        per_page: 2,
        page: 1,
        ..base.clone()
    };
    let (entries, more) = store.rating_page(&paged, now()).await.unwrap();
    assert_eq!((entries.len(), entries[0].score, more), (1, 5, false));
    let newest = CsatQuery {
        lowest_first: false,
        ..base.clone()
    };
    let (entries, _) = store.rating_page(&newest, now()).await.unwrap();
    assert_eq!(entries[0].conversation_id, "c3");
    let resolved = CsatQuery {
        outcome: Some(Outcome::Resolved),
        ..base.clone()
    };
    let (entries, _) = store.rating_page(&resolved, now()).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].conversation_id, "c1");
    assert_eq!(
        store.rating_counts(&resolved, now()).await.unwrap(),
        [ScoreDay {
            day: at(30).date_naive(),
            score: 5,
            count: 1
        }]
    );
    let returns = CsatQuery {
        kind: Some(TicketKind::Return),
        ..base.clone()
    };
    let (entries, _) = store.rating_page(&returns, now()).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].conversation_id, "c3");
    assert_eq!(
        total(store.rating_counts(&returns, now()).await.unwrap()),
        1
    );
    let commented = CsatQuery {
        with_comment: true,
        ..base.clone()
    };
    assert_eq!(
        total(store.rating_counts(&commented, now()).await.unwrap()),
        2
    );
    let window = CsatQuery {
        from: at(35),
        to: at(45),
        ..base
    };
    assert_eq!(
        store.rating_counts(&window, now()).await.unwrap(),
        [ScoreDay {
            day: at(40).date_naive(),
            score: 1,
            count: 1
        }]
    );
}

/// 250 conversations started a minute apart, each writing again 7 minutes after it started,
/// stored in time order as a live store stores them: the matches of a common word interleave
/// across conversations and run to several rounds of the search's reading.
async fn a_common_word_pages_through_every_match_in_start_order(store: Arc<dyn Store>) {
    let store = store.as_ref();
    const STARTED: i64 = 250;
    let id = |i: i64| format!("w{i:03}");
    let intent = |i: i64| {
        if i % 4 == 0 {
            Intent::FindProduct
        } else {
            Intent::Help
        }
    };
    for minute in 0..STARTED + 7 {
        if minute < STARTED {
            let conversation = Conversation::new(id(minute), format!("v{minute}"), at(minute));
            store.create_conversation(&conversation, &[]).await.unwrap();
            let first = if minute % 3 == 0 {
                "plain words".to_string()
            } else {
                format!("rose ring {minute}")
            };
            store
                .append_messages(
                    &id(minute),
                    vec![
                        Message::shopper(first, at(minute))
                            .understood_as(understood(intent(minute))),
                        reply("An answer", minute),
                    ],
                    &Appended::reply(&conversation.state, true, at(minute)),
                )
                .await
                .unwrap();
        }
        let earlier = minute - 7;
        if (0..STARTED).contains(&earlier) {
            let again = if earlier % 2 == 0 {
                "rose again"
            } else {
                "nothing else"
            };
            let state = Conversation::new(id(earlier), String::new(), at(earlier)).state;
            store
                .append_messages(
                    &id(earlier),
                    vec![
                        Message::shopper(again.into(), at(minute))
                            .understood_as(understood(Intent::Help)),
                        reply("Another answer", minute),
                    ],
                    &Appended::reply(&state, true, at(minute)),
                )
                .await
                .unwrap();
        }
    }
    let matching = |i: &i64| i % 3 != 0 || i % 2 == 0;
    let all = |query: ConversationQuery| async move {
        let mut query = ConversationQuery {
            per_page: 25,
            ..query
        };
        let mut found = Vec::new();
        loop {
            let page = store.search_conversations(&query, now()).await.unwrap();
            assert!(page.conversations.len() <= 25);
            found.extend(page.conversations.into_iter().map(|c| c.id));
            match page.next {
                Some(next) => query.after = Some(Cursor::parse(&next).unwrap()),
                None => return found,
            }
        }
    };
    let expected: Vec<String> = (0..STARTED).rev().filter(matching).map(id).collect();
    assert_eq!(expected.len(), 208);
    assert_eq!(all(words("rose")).await, expected);
    let finding = ConversationQuery {
        intent: Some(Intent::FindProduct),
        ..words("ros")
    };
    let expected: Vec<String> = (0..STARTED)
        .rev()
        .filter(|i| matching(i) && i % 4 == 0)
        .map(id)
        .collect();
    assert_eq!(all(finding).await, expected);
    let recent = ConversationQuery {
        from: Some(at(200)),
        ..words("rose")
    };
    let expected: Vec<String> = (200..STARTED).rev().filter(matching).map(id).collect();
    assert_eq!(all(recent).await, expected);
    let first_page = store
        .search_conversations(&words("ring"), now())
        .await
        .unwrap();
    assert_eq!(first_page.conversations[0].id, "w248");
    assert_eq!(
        first_page.conversations[0].first_message.as_deref(),
        Some("rose ring 248")
    );
    assert!(first_page.next.is_some());
}
