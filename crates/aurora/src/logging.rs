use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// Structured logs on stderr: JSON when stderr is not a terminal (or `AURORA_LOG_FORMAT=json`),
/// readable text otherwise. `AURORA_LOG` sets the filter (default `info`).
pub fn init(filter: &str, format: crate::config::LogFormat) {
    let json = match format {
        crate::config::LogFormat::Json => true,
        crate::config::LogFormat::Text => false,
        crate::config::LogFormat::Auto => !std::io::stderr().is_terminal(),
    };
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init()
    } else {
        builder.try_init()
    };
}
