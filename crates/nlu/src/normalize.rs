//! Truncation, tokenising, lower-casing and typo correction: the message is read once here.

use crate::lexicon::Lexicon;

/// Messages longer than this many characters are truncated (on a character boundary).
pub const MAX_CHARS: usize = 2000;

/// The first [`MAX_CHARS`] characters of `text`.
pub(crate) fn truncate(text: &str) -> &str {
    match text.char_indices().nth(MAX_CHARS) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters (and digits after a letter), lower-cased, apostrophes dropped.
    Word,
    /// Starts with a digit: `1,250.00`, `1.5k`, `14k`, `3ct`.
    Num,
    /// One of `$ £ € # < > + - ~ =`.
    Sym,
}

/// One token: its kind, its bytes in the message and its normalised text in `Tokens::buf`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    norm_start: u32,
    norm_end: u32,
    /// The typo fixer changed this word.
    pub corrected: bool,
}

/// The tokens of one message.
#[derive(Debug)]
pub(crate) struct Tokens<'t> {
    pub text: &'t str,
    buf: String,
    pub toks: Vec<Token>,
}

impl<'t> Tokens<'t> {
    /// The normalised text of token `i` ("" when out of range).
    pub fn norm(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.buf.get(t.norm_start as usize..t.norm_end as usize))
            .unwrap_or("")
    }

    /// The normalised word at `i`, or "" when token `i` is not a word.
    pub fn word(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) if t.kind == Kind::Word => self.norm(i),
            _ => "",
        }
    }

    /// Whether token `i` is the symbol `c`.
    pub fn is_sym(&self, i: usize, c: &str) -> bool {
        matches!(self.toks.get(i), Some(t) if t.kind == Kind::Sym) && self.norm(i) == c
    }

    /// The original text of tokens `from..to`.
    pub fn span_text(&self, from: usize, to: usize) -> &'t str {
        let (Some(a), Some(b)) = (self.toks.get(from), self.toks.get(to.saturating_sub(1))) else {
            return "";
        };
        self.text.get(a.start..b.end).unwrap_or("")
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }
}

fn is_sym(c: char) -> bool {
    matches!(
        c,
        '$' | '£' | '€' | '#' | '<' | '>' | '+' | '-' | '~' | '=' | '–' | '—'
    )
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘')
}

/// Splits `text` into tokens, lower-casing words and fixing known typos.
pub(crate) fn tokenize<'t>(text: &'t str, lexicon: &Lexicon) -> Tokens<'t> {
    let mut out = Tokens {
        text,
        buf: String::with_capacity(text.len().min(4096)),
        toks: Vec::with_capacity(24),
    };
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_ascii_digit() {
            let norm_start = out.buf.len();
            out.buf.push(c);
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                let keep = if d.is_ascii_digit() || d.is_ascii_alphabetic() {
                    true
                } else if d == ',' || d == '.' {
                    // Keep a separator only when a digit follows it ("1,250.00", "1.5k").
                    let rest = &text[i + 1..];
                    rest.starts_with(|x: char| x.is_ascii_digit())
                } else {
                    false
                };
                if !keep {
                    break;
                }
                out.buf.push(d.to_ascii_lowercase());
                end = i + d.len_utf8();
                chars.next();
            }
            push(&mut out, Kind::Num, start, end, norm_start, false);
        } else if c.is_alphanumeric() {
            let norm_start = out.buf.len();
            out.buf.extend(c.to_lowercase());
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = chars.peek() {
                if d.is_alphanumeric() {
                    out.buf.extend(d.to_lowercase());
                } else if is_apostrophe(d)
                    && text[i + d.len_utf8()..].starts_with(|x: char| x.is_alphabetic())
                {
                    // "what's" -> "whats", "don’t" -> "dont"
                } else {
                    break;
                }
                end = i + d.len_utf8();
                chars.next();
            }
            let corrected = match lexicon.correct(&out.buf[norm_start..]) {
                Some(fixed) => {
                    out.buf.truncate(norm_start);
                    out.buf.push_str(fixed);
                    true
                }
                None => false,
            };
            push(&mut out, Kind::Word, start, end, norm_start, corrected);
        } else if is_sym(c) {
            if c == '-' {
                // A hyphen between letters joins words ("rose-gold", "made-to-order"): drop it.
                let prev_alpha = text[..start]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphabetic);
                let next_alpha = text[start + 1..]
                    .chars()
                    .next()
                    .is_some_and(char::is_alphabetic);
                if prev_alpha && next_alpha {
                    continue;
                }
            }
            let norm_start = out.buf.len();
            out.buf.push(match c {
                '–' | '—' => '-',
                other => other,
            });
            push(
                &mut out,
                Kind::Sym,
                start,
                start + c.len_utf8(),
                norm_start,
                false,
            );
        }
    }
    out
}

fn push(
    out: &mut Tokens<'_>,
    kind: Kind,
    start: usize,
    end: usize,
    norm_start: usize,
    corrected: bool,
) {
    let norm_end = out.buf.len();
    // Messages are at most 2,000 chars, so offsets always fit in u32.
    out.toks.push(Token {
        kind,
        start,
        end,
        norm_start: u32::try_from(norm_start).unwrap_or(u32::MAX),
        norm_end: u32::try_from(norm_end).unwrap_or(u32::MAX),
        corrected,
    });
}

/// Damerau-Levenshtein distance of at most one (one insertion, deletion, substitution or swap).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a == b {
        return true;
    }
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    if la == lb {
        // substitution, or a swap of two neighbours
        ra.get(1..) == rb.get(1..)
            || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra.get(2..) == rb.get(2..))
    } else if la > lb {
        ra.get(1..) == Some(rb)
    } else {
        rb.get(1..) == Some(ra)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn one_edit_covers_swaps_insertions_and_deletions() {
        assert!(within_one_edit("neckalce", "necklace"));
        assert!(within_one_edit("braclet", "bracelet"));
        assert!(within_one_edit("platnum", "platinum"));
        assert!(!within_one_edit("bracelets", "necklace"));
    }

    #[test]
    fn truncation_keeps_at_most_max_chars_on_a_char_boundary() {
        let long = "é".repeat(MAX_CHARS + 10);
        assert_eq!(truncate(&long).chars().count(), MAX_CHARS);
    }
}
