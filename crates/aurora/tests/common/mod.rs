//! Runs the real `aurora` binary as a separate process, as an operator would.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub const SECRET: &str = "test-secret-key-0123456789-abcdefghijklmnop";

/// A command for the binary, run in `dir`, with a clean `AURORA_*` environment.
pub fn aurora(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aurora"));
    command.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("AURORA_") {
            command.env_remove(key);
        }
    }
    command.env("AURORA_LOG_FORMAT", "json");
    command
}

/// `aurora serve` on the database at `url`, with limits no test's load reaches.
pub fn serve(dir: &Path, url: &str) -> Command {
    let mut command = aurora(dir);
    command
        .arg("serve")
        .env("AURORA_DATABASE_URL", url)
        .env("AURORA_SECRET_KEY", SECRET)
        .env("AURORA_RATE_LIMIT_VISITOR_PER_MINUTE", "100000")
        .env("AURORA_RATE_LIMIT_IP_PER_MINUTE", "100000");
    command
}

/// Runs it to the end.
pub fn run(command: &mut Command) -> Output {
    command.stdin(Stdio::null()).output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A running `aurora serve` or `aurora demo`, killed when dropped.
pub struct Running {
    pub child: Child,
    pub base: String,
    logs: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Running {
    /// Starts the command on a free port and waits for the line that says it listens.
    pub fn start(mut command: Command) -> Running {
        command
            .env("AURORA_LISTEN", "127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().unwrap();
        let logs = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = logs.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut logs = sink.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let base = loop {
            let Some(Ok(line)) = lines.next() else {
                let status = child.wait().unwrap();
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "aurora exited ({status}) before listening: {}",
                    logs.lock().unwrap()
                );
            };
            if let Some(address) = line.strip_prefix("Aurora Concierge is listening on ") {
                break address.trim().to_string();
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Running { child, base, logs }
    }

    /// What it logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        std::mem::forget(self);
        status
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` every 100 ms until it holds, for at most `limit`.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    while std::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    check()
}

/// A fixture of the core crate's import tests.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/fixtures")
        .join(name)
}

/// The JSON answer to `request`.
pub async fn json(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}
