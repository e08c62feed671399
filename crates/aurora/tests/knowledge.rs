//! `aurora knowledge check` and `import` through the real binary, and a running demo answering
//! from a newly imported file without a restart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Running, aurora, run, text};
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

const BROKEN: &str = "Welcome to our answers!\n\
## Shipping\n\
Q: Do you ship to Canada?\n\
\n\
## \n\
We ship everywhere.\n\
## shipping\n\
Twice.\n";

fn knowledge(dir: &Path, args: &[&str], file: &Path) -> (bool, String, String) {
    let output = run(aurora(dir)
        .arg("knowledge")
        .args(args)
        .arg(file)
        .env("AURORA_DATABASE_URL", "sqlite:aurora-demo.db"));
    (
        output.status.success(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

#[test]
fn check_lists_every_problem_with_its_line_and_the_sections_of_a_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.md");
    std::fs::write(&broken, BROKEN).unwrap();
    let (ok, _, stderr) = knowledge(dir.path(), &["check"], &broken);
    assert!(!ok);
    for expected in [
        "broken.md: line 1: text before the first section",
        "broken.md: line 2: the section “Shipping” has no answer",
        "broken.md: line 5: a section needs a title",
        "broken.md: line 7: the section “shipping” repeats the title of line 2",
        "broken.md: 4 problem(s).",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    let demo = dir.path().join("demo.md");
    std::fs::write(&demo, aurora_core::demo::KNOWLEDGE).unwrap();
    let (ok, stdout, stderr) = knowledge(dir.path(), &["check"], &demo);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("line 3: Shipping destinations"), "{stdout}");
    assert!(stdout.contains("17 sections, no problems."), "{stdout}");
}

/// The `answer` block the running demo gives to `question` in a new conversation, if any.
async fn asked(running: &Running, question: &str) -> Option<Value> {
    let client = reqwest::Client::new();
    let started = common::json(
        client
            .post(running.url("/api/support/conversations"))
            .json(&json!({})),
    )
    .await;
    let id = started["conversation_id"].as_str().unwrap();
    let token = started["visitor_token"].as_str().unwrap();
    let reply = common::json(
        client
            .post(running.url(&format!("/api/support/conversations/{id}/messages")))
            .header("X-Aurora-Visitor", token)
            .json(&json!({ "text": question })),
    )
    .await;
    reply["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "answer")
        .cloned()
}

#[tokio::test]
async fn an_import_is_answered_from_without_a_restart_and_a_broken_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let running = Running::start({
        let mut command = aurora(dir.path());
        command.arg("demo").env("AURORA_CATALOG_POLL_SECONDS", "1");
        command
    });
    let demo = asked(&running, "do you ship to Canada?").await.unwrap();
    assert_eq!(demo["source"], "Shipping destinations", "{demo}");

    let ours = dir.path().join("ours.md");
    std::fs::write(
        &ours,
        "## Where we deliver\nQ: Do you ship to Canada?\nTags: countries\n\nOnly within Canada, by courier.\n",
    )
    .unwrap();
    let (ok, stdout, stderr) = knowledge(dir.path(), &["import"], &ours);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("Imported 1 sections"), "{stdout}");
    let mut reloaded = None;
    for _ in 0..50 {
        let answer = asked(&running, "do you ship to Canada?").await;
        if answer
            .as_ref()
            .is_some_and(|a| a["source"] == "Where we deliver")
        {
            reloaded = answer;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let reloaded = reloaded.expect("the running demo never answered from the new file");
    assert_eq!(reloaded["text"], "Only within Canada, by courier.");

    let broken = dir.path().join("broken.md");
    std::fs::write(&broken, BROKEN).unwrap();
    let (ok, _, stderr) = knowledge(dir.path(), &["import"], &broken);
    assert!(!ok);
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let still = asked(&running, "do you ship to Canada?").await.unwrap();
    assert_eq!(still["source"], "Where we deliver", "{still}");
}
