//! Readable explanations: which words matched what, and why the other intents lost.

use std::fmt;

use crate::Analysis;
use crate::intent;
use crate::lexicon::Tag;
use crate::types::{Intent, Understanding};

/// Why the concierge understood a message the way it did (implements `Display`).
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The result being explained.
    pub understanding: Understanding,
    /// The text that was read (after truncation).
    pub text: String,
    /// The chosen intent's reason.
    pub reason: String,
    /// Matched words and what they mean, in message order.
    pub matched: Vec<(String, String)>,
    /// How each filter and the order number were found (or rejected).
    pub filter_notes: Vec<String>,
    /// Each other intent and why it lost.
    pub rejected: Vec<(Intent, String)>,
}

fn describe(tag: &Tag) -> String {
    match tag {
        Tag::Cue(c) => c.name().to_owned(),
        Tag::Cat(c, true) => format!("category {} (a word with other meanings)", c.as_str()),
        Tag::Cat(c, false) => format!("category {}", c.as_str()),
        Tag::Metal(m) => format!("metal {}", m.as_str()),
        Tag::Style(s) => format!("style {s}"),
        Tag::Sort(s) => format!("sort {}", s.as_str()),
        Tag::Kind(k) => format!("type {k}"),
        Tag::Occasion(o) => format!("occasion: {}", o.label()),
        Tag::Recipient(r) => format!("a gift for {}", r.label()),
    }
}

pub(crate) fn build(a: Analysis<'_>) -> Explanation {
    let t = &a.tokens;
    let mut matched = Vec::new();
    for m in &a.matches {
        let words = t.span_text(m.start, m.start + m.len).to_owned();
        let meaning: Vec<String> = m.tags.iter().map(describe).collect();
        matched.push((words, meaning.join(", ")));
    }
    for (i, tok) in t.toks.iter().enumerate() {
        if tok.corrected {
            matched.push((
                t.span_text(i, i + 1).to_owned(),
                format!("typo, read as \"{}\"", t.norm(i)),
            ));
        }
    }
    let mut notes = Vec::new();
    for c in &a.found.cats {
        let word = t.span_text(c.token, c.token + 1);
        match c.ignored {
            Some(why) => notes.push(format!(
                "\"{word}\" not counted as {}: {why}",
                c.category.as_str()
            )),
            None => notes.push(format!("\"{word}\" → category {}", c.category.as_str())),
        }
    }
    if let Some(cat) = a.found.category
        && a.found.cats.iter().filter(|c| c.ignored.is_none()).count() > 1
    {
        notes.push(format!(
            "category {}: explicit nouns beat synonyms, then the first mention",
            cat.as_str()
        ));
    }
    for m in &a.found.metals {
        let word = t.span_text(m.token, m.token + m.len);
        match m.ignored {
            Some(why) => notes.push(format!(
                "\"{word}\" not counted as {}: {why}",
                m.metal.as_str()
            )),
            None => notes.push(format!("\"{word}\" → metal {}", m.metal.as_str())),
        }
    }
    for p in &a.price.notes {
        notes.push(format!(
            "\"{}\" → price {}",
            t.span_text(p.from, p.to),
            p.what
        ));
    }
    for (from, to, why) in &a.price.rejected {
        notes.push(format!(
            "\"{}\" is not a price: {why}",
            t.span_text(*from, *to)
        ));
    }
    if let Some(o) = &a.order {
        notes.push(format!(
            "\"{}\" → order number {}: {}",
            a.text.get(o.start..o.end).unwrap_or(""),
            o.normalized,
            o.why
        ));
    }
    let chosen = a.understanding.intent;
    let rejected = Intent::ALL
        .iter()
        .filter(|i| **i != chosen && **i != Intent::Unknown)
        .map(|i| {
            let why = match intent::rule(*i, &a.signals) {
                Err(why) => why.to_owned(),
                Ok(_) if a.decision.command => "the slash command decides".to_owned(),
                Ok(why) => format!("would match ({why}) but {chosen} is tried first"),
            };
            (*i, why)
        })
        .collect();
    Explanation {
        understanding: a.understanding,
        text: a.text.to_owned(),
        reason: a.decision.why.to_owned(),
        matched,
        filter_notes: notes,
        rejected,
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let u = &self.understanding;
        writeln!(f, "message: {:?}", self.text)?;
        writeln!(f, "intent: {} ({})", u.intent, self.reason)?;
        if self.matched.is_empty() {
            writeln!(f, "matched words: none")?;
        } else {
            writeln!(f, "matched words:")?;
            for (words, meaning) in &self.matched {
                writeln!(f, "  \"{words}\": {meaning}")?;
            }
        }
        let fl = &u.filters;
        writeln!(f, "filters:")?;
        writeln!(
            f,
            "  category: {}",
            fl.category.map_or("none", |c| c.as_str())
        )?;
        if let Some(kind) = &fl.kind {
            writeln!(f, "  type: {kind}")?;
        }
        let metals: Vec<&str> = fl.metals.iter().map(|m| m.as_str()).collect();
        writeln!(
            f,
            "  metals: {}",
            if metals.is_empty() {
                "none".to_owned()
            } else {
                metals.join(", ")
            }
        )?;
        let show = |p: Option<f64>| p.map_or("none".to_owned(), |v| v.to_string());
        writeln!(
            f,
            "  price: min {}, max {}",
            show(fl.min_price),
            show(fl.max_price)
        )?;
        writeln!(
            f,
            "  ready to ship: {}",
            if fl.ready_to_ship { "yes" } else { "no" }
        )?;
        if !fl.styles.is_empty() {
            writeln!(f, "  styles: {}", fl.styles.join(", "))?;
        }
        if let Some(q) = &fl.query {
            writeln!(f, "  query: {q}")?;
        }
        if let Some(order) = fl.sort {
            writeln!(f, "  sort: {}", order.as_str())?;
        }
        if let Some(occasion) = fl.occasion {
            writeln!(f, "  occasion: {}", occasion.label())?;
        }
        if let Some(recipient) = fl.recipient {
            writeln!(f, "  a gift for: {}", recipient.label())?;
        }
        writeln!(
            f,
            "order number: {}",
            u.order_number.as_deref().unwrap_or("none")
        )?;
        if !self.filter_notes.is_empty() {
            writeln!(f, "how filters were read:")?;
            for n in &self.filter_notes {
                writeln!(f, "  {n}")?;
            }
        }
        if matches!(u.intent, Intent::Unknown | Intent::Greeting | Intent::Help)
            && !self.filter_notes.is_empty()
        {
            writeln!(
                f,
                "  (filters are only reported for shopping, order and return intents)"
            )?;
        }
        writeln!(f, "why not the other intents:")?;
        for (i, why) in &self.rejected {
            writeln!(f, "  {i}: {why}")?;
        }
        Ok(())
    }
}
