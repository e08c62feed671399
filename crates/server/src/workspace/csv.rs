//! CSV exports of the workspace's tables (RFC 4180), safe to open in a spreadsheet: a cell that
//! a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a
//! leading `'`, so shopper-written text stays text.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

fn cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The rows as CSV text, lines ending in CRLF.
pub(crate) fn text(rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The rows as a CSV download named `name`, never cached.
pub(crate) fn download(name: &str, rows: &[Vec<String>]) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        text(rows),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_needs_it_and_defuses_formulas() {
        let rows = vec![
            vec!["text".into(), "count".into()],
            vec!["a, \"b\"\nc".into(), "3".into()],
            vec!["=HYPERLINK(\"http://x\")".into(), "-1".into()],
        ];
        assert_eq!(
            text(&rows),
            "text,count\r\n\"a, \"\"b\"\"\nc\",3\r\n\"'=HYPERLINK(\"\"http://x\"\")\",'-1\r\n"
        );
    }
}
