//! Shopify's `Body (HTML)` → the plain text a product description holds.

/// Tags that separate words: dropping them must leave a space, where `<b>` must not.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Plain text of an HTML fragment: tags stripped (script and style with their content),
/// entities decoded, whitespace collapsed to single spaces.
pub(super) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    // Past the last `>` no `<` can open a tag: known once, so a run of `<` stays linear.
    let last_gt = html.rfind('>');
    while let Some(at) = rest.find(['<', '&']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let offset = html.len() - rest.len();
        let gt_ahead = last_gt.is_some_and(|gt| gt > offset);
        if rest.starts_with('<') && (gt_ahead || rest.starts_with("<!--")) {
            rest = skip_markup(rest, &mut out);
        } else if rest.starts_with('<') {
            out.push('<');
            rest = &rest[1..];
        } else {
            rest = decode_entity(rest, &mut out);
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Skips the tag or comment `rest` starts with (`<`); returns what follows it. Linear in what it
/// skips: a `<` that cannot start a tag is text at once, without looking for a `>`.
fn skip_markup<'a>(rest: &'a str, out: &mut String) -> &'a str {
    if let Some(comment) = rest.strip_prefix("<!--") {
        return comment.find("-->").map_or("", |end| &comment[end + 3..]);
    }
    let next = rest[1..].chars().next();
    let may_be_tag = next.is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
    // `3<4 and 5>2` and a lone `<` ("size < 7") are text.
    let end = if may_be_tag { rest.find('>') } else { None };
    let Some(end) = end else {
        out.push('<');
        return &rest[1..];
    };
    let inside = &rest[1..end];
    let after = &rest[end + 1..];
    let closing = inside.starts_with('/');
    let name: String = inside
        .trim_start_matches('/')
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    if !closing && (name == "script" || name == "style") {
        // Its content is not text: skip to its closing tag, found without copying `after`.
        let close = after.match_indices("</").find(|(at, _)| {
            after[at + 2..]
                .get(..name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(&name))
        });
        return match close {
            Some((at, _)) => after[at..].find('>').map_or("", |gt| &after[at + gt + 1..]),
            None => "",
        };
    }
    if BLOCK_TAGS.contains(&name.as_str()) {
        out.push(' ');
    }
    after
}

/// Decodes the entity `rest` starts with (`&`), or keeps the `&` as text; returns what follows.
fn decode_entity<'a>(rest: &'a str, out: &mut String) -> &'a str {
    let body_end = rest
        .char_indices()
        .take(12)
        .find(|&(_, c)| c == ';')
        .map(|(i, _)| i);
    let decoded = body_end.and_then(|end| entity(&rest[1..end]));
    match (decoded, body_end) {
        (Some(c), Some(end)) => {
            out.push(c);
            &rest[end + 1..]
        }
        _ => {
            out.push('&');
            &rest[1..]
        }
    }
}

/// The character an entity name (`amp`, `#39`, `#x2019`) stands for.
fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return Some(
            char::from_u32(code)
                .filter(|&c| c != '\0')
                .unwrap_or('\u{FFFD}'),
        );
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "times" => '×',
        "deg" => '°',
        _ => return None,
    })
}

#[cfg(test)]
mod hostile_tests {
    use super::html_to_text;

    #[test]
    fn markup_that_never_closes_is_text_or_skipped_to_the_end() {
        // Shapes that used to be read quadratically (each `<` scanning to the end).
        let n = 50_000;
        assert_eq!(html_to_text(&"<a ".repeat(n)).len(), "<a ".len() * n - 1);
        let lone = format!("{}>", "3<4 ".repeat(n));
        assert!(html_to_text(&lone).starts_with("3<4 3<4"));
        assert_eq!(html_to_text(&format!("ok{}", "<script>x".repeat(n))), "ok");
        assert_eq!(html_to_text("a<SCRIPT>x</Script >b"), "ab");
    }
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn block_tags_separate_words_and_inline_tags_do_not() {
        assert_eq!(
            html_to_text("<p>Hand-<b>made</b> in Lisbon.</p><p>Ships\n\n  in a box.</p>"),
            "Hand-made in Lisbon. Ships in a box."
        );
        assert_eq!(html_to_text("one<br>two<br/>three"), "one two three");
    }

    #[test]
    fn common_and_numeric_entities_are_decoded() {
        assert_eq!(
            html_to_text(
                "Tom &amp; Jerry&#39;s &lt;ring&gt; &quot;hi&quot;&nbsp;there &#x2019; &#8212;"
            ),
            "Tom & Jerry's <ring> \"hi\" there ’ —"
        );
    }

    #[test]
    fn decoded_angle_brackets_stay_text_and_unknown_entities_stay_as_written() {
        assert_eq!(html_to_text("&lt;b&gt;bold&lt;/b&gt;"), "<b>bold</b>");
        assert_eq!(html_to_text("AT&T &bogus; a & b"), "AT&T &bogus; a & b");
        assert_eq!(html_to_text("size < 7 and 3<4"), "size < 7 and 3<4");
        assert_eq!(html_to_text("3<4 and 5>2"), "3<4 and 5>2");
    }

    #[test]
    fn scripts_styles_and_comments_disappear_with_their_content() {
        assert_eq!(
            html_to_text("a<script>alert('x')</script>b<style>p{}</STYLE>c<!-- note -->d"),
            "abcd"
        );
        assert_eq!(html_to_text("cut <!-- unterminated"), "cut");
    }
}
