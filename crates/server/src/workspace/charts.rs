//! Charts drawn on the server as SVG: no script, nothing fetched, and each page shows the same
//! figures as a table beside it. Only numbers and labels the server wrote go in (labels are
//! escaped), so the markup is safe to insert as is.

use std::fmt::Write;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 200.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 24.0;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A bar chart of `(label, value)`, titled `title` (its accessible name), scaled to `top` (or
/// to the largest value); `None` values are gaps. Every fifth label is written when there are
/// many bars.
pub(crate) fn bars(title: &str, bars: &[(String, Option<f64>)], top: Option<f64>) -> String {
    let most = top
        .unwrap_or_else(|| bars.iter().filter_map(|(_, v)| *v).fold(0.0_f64, f64::max))
        .max(1e-9);
    let slot = (WIDTH - LEFT) / bars.len().max(1) as f64;
    let every = if bars.len() > 12 { 5 } else { 1 };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" aria-label=\"{title}\"><title>{title}</title>\
         <line class=\"axis\" x1=\"{LEFT}\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\"/>\
         <text class=\"tick\" x=\"{x}\" y=\"12\" text-anchor=\"end\">{most}</text>",
        title = escape(title),
        base = HEIGHT - BOTTOM,
        x = LEFT - 4.0,
        most = trim(most),
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let x = LEFT + slot * i as f64;
        if let Some(value) = value {
            let h = (HEIGHT - BOTTOM - 14.0) * value / most;
            let _ = write!(
                svg,
                "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                x + slot * 0.15,
                HEIGHT - BOTTOM - h,
                slot * 0.7,
                h
            );
        }
        if i % every == 0 {
            let _ = write!(
                svg,
                "<text class=\"tick\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x + slot / 2.0,
                HEIGHT - 6.0,
                escape(label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A value without trailing zeros ("4.5", "12").
fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_gaps_draw_no_bar() {
        let svg = bars(
            "Scores <b>",
            &[
                ("<1>".into(), Some(2.0)),
                ("2".into(), None),
                ("3".into(), Some(4.0)),
            ],
            None,
        );
        assert!(svg.contains("aria-label=\"Scores &lt;b&gt;\""));
        assert!(svg.contains("&lt;1&gt;"));
        assert!(!svg.contains("<b>") && !svg.contains("<1>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
