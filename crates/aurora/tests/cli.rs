//! The binary as an operator meets it: configuration errors, help, migrate, signals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Running, SECRET, aurora, run, text};

#[test]
fn a_bad_setting_stops_aurora_with_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("AURORA_LISTEN", "nowhere"),
        ("AURORA_DATABASE_URL", "mysql://db/store"),
        ("AURORA_CATALOG_POLL_SECONDS", "soon"),
        ("AURORA_SQLITE_SYNCHRONOUS", "sometimes"),
        ("AURORA_SECRET_KEY", "too-short"),
    ];
    for (name, value) in cases {
        let output = run(aurora(dir.path()).arg("serve").env(name, value));
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{name}={value} was accepted");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.starts_with(&format!("aurora: {name}: ")), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn serve_requires_a_secret_key_and_never_prints_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(aurora(dir.path()).arg("serve"));
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("AURORA_SECRET_KEY: required"));

    let running = Running::start({
        let mut command = aurora(dir.path());
        command.arg("serve").env("AURORA_SECRET_KEY", SECRET);
        command
    });
    let logged = common::eventually(std::time::Duration::from_secs(5), || {
        running.logs().contains("listening")
    });
    assert!(logged, "{}", running.logs());
    assert!(
        !running.logs().contains(SECRET),
        "the secret key was logged"
    );
    let status = running.terminate();
    assert!(status.success());
}

#[test]
fn settings_in_aurora_toml_are_read_and_an_unknown_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("aurora.toml"),
        "database_url = \"sqlite:from-toml.db\"\n",
    )
    .unwrap();
    let output = run(aurora(dir.path()).arg("migrate"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(dir.path().join("from-toml.db").exists());

    // The environment overrides the file.
    let output = run(aurora(dir.path())
        .arg("migrate")
        .env("AURORA_DATABASE_URL", "sqlite:from-env.db"));
    assert!(output.status.success());
    assert!(dir.path().join("from-env.db").exists());

    std::fs::write(
        dir.path().join("aurora.toml"),
        "databse_url = \"sqlite:typo.db\"\n",
    )
    .unwrap();
    let output = run(aurora(dir.path()).arg("migrate"));
    let stderr = text(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("`databse_url`") && stderr.contains("unknown field"),
        "{stderr}"
    );
}

#[test]
fn migrate_creates_a_fresh_sqlite_database_next_to_where_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(aurora(dir.path()).arg("migrate"));
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("is up to date (0 products)"));
    assert!(dir.path().join("aurora.db").exists());
    // Twice is fine: migrations already applied are skipped.
    assert!(run(aurora(dir.path()).arg("migrate")).status.success());
}

#[test]
fn help_explains_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let help = text(&run(aurora(dir.path()).arg("--help")).stdout);
    for command in ["serve", "migrate", "demo", "catalog", "openapi"] {
        assert!(help.contains(command), "{help}");
    }
    let demo = text(&run(aurora(dir.path()).args(["help", "demo"])).stdout);
    assert!(demo.contains("aurora-demo.db"), "{demo}");
    let import = text(&run(aurora(dir.path()).args(["catalog", "import", "--help"])).stdout);
    assert!(
        import.contains("Shopify") && import.contains("nothing is imported"),
        "{import}"
    );
}

#[tokio::test]
async fn sigterm_stops_the_service_after_it_answered() {
    let dir = tempfile::tempdir().unwrap();
    let running = Running::start({
        let mut command = aurora(dir.path());
        command.env("AURORA_SECRET_KEY", SECRET); // no subcommand: serve
        command
    });
    let ready = reqwest::get(running.url("/api/health/ready"))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert!(running.terminate().success());
}

#[test]
fn understand_writes_one_json_line_per_message_in_order() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = aurora(dir.path())
        .arg("understand")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let input = "rose gold rings under $800\n\nwhere is my order #gg-104233\nmy platinum card was declined\n\u{1F48D} \u{5E9}\u{5DC}\u{5D5}\u{5DD}\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = text(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines.len(),
        5,
        "one line per input line, blank ones included"
    );
    assert_eq!(
        lines[0],
        serde_json::json!({"intent": "find_product", "filters": {"category": "rings", "metals": ["rose_gold"], "min_price": null, "max_price": 800, "ready_to_ship": false}, "order_number": null})
    );
    assert_eq!(lines[2]["intent"], "track_order");
    assert_eq!(lines[2]["order_number"], "GG-104233");
    assert_eq!(lines[3]["intent"], "unknown");
}

#[test]
fn understand_with_a_message_explains_its_reading() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(aurora(dir.path()).args([
        "understand",
        "14k",
        "white",
        "gold",
        "hoops",
        "under",
        "$500",
    ]));
    let explanation = text(&output.stdout);
    assert!(output.status.success());
    assert!(
        explanation.contains("intent: find_product"),
        "{explanation}"
    );
    assert!(
        explanation.contains("\"14k\" is not a price"),
        "{explanation}"
    );
    assert!(
        explanation.contains("why not the other intents"),
        "{explanation}"
    );
}

#[test]
fn a_bad_order_number_pattern_or_currency_is_refused_at_start_saying_what_is_wrong() {
    let cases = [
        (
            "AURORA_ORDER_NUMBER_PATTERN",
            "(unclosed",
            "AURORA_ORDER_NUMBER_PATTERN: ",
        ),
        (
            "AURORA_CURRENCY",
            "XYZ",
            "AURORA_CURRENCY: unknown currency `XYZ`: use one of USD, CAD",
        ),
    ];
    for (setting, value, said) in cases {
        let dir = tempfile::tempdir().unwrap();
        let output = run(aurora(dir.path()).arg("understand").env(setting, value));
        assert!(!output.status.success(), "{setting}={value}");
        let stderr = text(&output.stderr);
        assert!(stderr.starts_with(&format!("aurora: {said}")), "{stderr}");
    }
}
