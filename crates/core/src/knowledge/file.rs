//! The knowledge file: the store's own answers, as Markdown a store owner writes by hand.
//!
//! ```text
//! # Gilded Grove — answers for shoppers        (an optional title, before every section)
//!
//! ## Shipping destinations                     (a section: its title, unique in the file)
//! Q: Do you ship to Canada?                    (alternative questions, any number)
//! Tags: international, countries, overseas     (words shoppers use, comma-separated)
//!
//! We ship to the United States, Canada, …      (the answer: the rest of the section)
//! ```
//!
//! Every problem is reported with its line number, all of them at once, so a store fixes its
//! file in one pass. Documented for store owners in docs/knowledge.md.

use super::Section;
use std::collections::HashMap;
use std::fmt;

/// The most characters a title may have.
pub const MAX_TITLE_CHARS: usize = 120;
/// The most characters an answer may have: a chat reply, not a page.
pub const MAX_ANSWER_CHARS: usize = 2_000;
/// The most sections a file may have.
pub const MAX_SECTIONS: usize = 2_000;
/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 2_000_000;

/// One problem of a knowledge file, at a line (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// The sections of `text`, or every problem found in it.
pub fn parse(text: &str) -> Result<Vec<Section>, Vec<FileProblem>> {
    let mut problems = Vec::new();
    if text.len() > MAX_FILE_BYTES {
        return Err(vec![FileProblem {
            line: 1,
            message: format!(
                "the file has {} bytes; at most {MAX_FILE_BYTES} are accepted",
                text.len()
            ),
        }]);
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut answer_lines: Vec<&str> = Vec::new();
    let mut seen_title: HashMap<String, usize> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if let Some(rest) = heading(trimmed, "##") {
            finish(sections.last_mut(), &mut answer_lines, &mut problems);
            let title = rest.trim();
            if title.is_empty() {
                problems.push(problem(line, "a section needs a title after `##`"));
            } else if title.chars().count() > MAX_TITLE_CHARS {
                problems.push(problem(
                    line,
                    format!("the title has more than {MAX_TITLE_CHARS} characters"),
                ));
            }
            let key = title_key(title);
            if !title.is_empty() {
                if let Some(first) = seen_title.get(&key) {
                    problems.push(problem(
                        line,
                        format!("the section “{title}” repeats the title of line {first}"),
                    ));
                } else {
                    seen_title.insert(key, line);
                }
            }
            sections.push(Section {
                title: title.to_string(),
                questions: Vec::new(),
                tags: Vec::new(),
                answer: String::new(),
                line,
            });
            continue;
        }
        let Some(section) = sections.last_mut() else {
            if !trimmed.is_empty() && heading(trimmed, "#").is_none() {
                problems.push(problem(
                    line,
                    "text before the first section: start each section with `## Title`",
                ));
            }
            continue;
        };
        let in_answer = answer_lines.iter().any(|l| !l.trim().is_empty());
        if !in_answer && let Some(question) = field(trimmed, "q:") {
            if question.is_empty() {
                problems.push(problem(line, "`Q:` needs a question after it"));
            } else {
                section.questions.push(question.to_string());
            }
        } else if !in_answer && let Some(tags) = field(trimmed, "tags:") {
            let tags: Vec<String> = tags
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect();
            if tags.is_empty() {
                problems.push(problem(
                    line,
                    "`Tags:` needs words after it, comma-separated",
                ));
            }
            section.tags.extend(tags);
        } else if heading(trimmed, "#").is_some() && !trimmed.starts_with("###") {
            problems.push(problem(
                line,
                "a level-1 heading belongs before the first section only",
            ));
        } else {
            answer_lines.push(raw.trim_end());
        }
    }
    finish(sections.last_mut(), &mut answer_lines, &mut problems);
    if sections.is_empty() && problems.is_empty() {
        problems.push(problem(1, "no sections: start each one with `## Title`"));
    }
    if sections.len() > MAX_SECTIONS {
        problems.push(problem(
            1,
            format!(
                "{} sections; at most {MAX_SECTIONS} are accepted",
                sections.len()
            ),
        ));
    }
    if problems.is_empty() {
        Ok(sections)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// Titles that differ only in case or spacing are the same title.
fn title_key(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The text after a Markdown heading of exactly `marks` (`#` or `##`).
fn heading<'a>(line: &'a str, marks: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(marks)?;
    (rest.is_empty() || rest.starts_with(' ')).then_some(rest)
}

/// The value of a `Name:` line, the name in any case.
fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let head = line.get(..name.len())?;
    head.eq_ignore_ascii_case(name)
        .then(|| line[name.len()..].trim())
}

/// Closes the current section: its answer is the collected lines, blank lines at either end
/// dropped and runs of blank lines kept as one paragraph break.
fn finish(section: Option<&mut Section>, lines: &mut Vec<&str>, problems: &mut Vec<FileProblem>) {
    let Some(section) = section else {
        lines.clear();
        return;
    };
    let mut answer = String::new();
    let mut blank = false;
    for line in lines.drain(..) {
        if line.trim().is_empty() {
            blank = !answer.is_empty();
            continue;
        }
        if !answer.is_empty() {
            answer.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        answer.push_str(line.trim());
    }
    if answer.is_empty() {
        problems.push(problem(
            section.line,
            format!("the section “{}” has no answer", section.title),
        ));
    } else if answer.chars().count() > MAX_ANSWER_CHARS {
        problems.push(problem(
            section.line,
            format!(
                "the answer of “{}” has more than {MAX_ANSWER_CHARS} characters",
                section.title
            ),
        ));
    }
    section.answer = answer;
}

fn problem(line: usize, message: impl Into<String>) -> FileProblem {
    FileProblem {
        line,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const GOOD: &str = "# Our answers\n\n## Shipping destinations\nQ: Do you ship to Canada?\nq: ship overseas?\nTags: international, countries ,\n\nWe ship to the US\nand Canada.\n\n\n- Not elsewhere yet.\n\n## Care\nPolish gently.\n";

    #[test]
    fn sections_keep_their_questions_tags_and_paragraphs() {
        let sections = parse(GOOD).unwrap();
        assert_eq!(sections.len(), 2);
        let shipping = &sections[0];
        assert_eq!(shipping.title, "Shipping destinations");
        assert_eq!(shipping.line, 3);
        assert_eq!(
            shipping.questions,
            ["Do you ship to Canada?", "ship overseas?"]
        );
        assert_eq!(shipping.tags, ["international", "countries"]);
        assert_eq!(
            shipping.answer,
            "We ship to the US\nand Canada.\n\n- Not elsewhere yet."
        );
        assert_eq!(sections[1].answer, "Polish gently.");
    }

    #[test]
    fn a_q_line_inside_the_answer_is_answer_text() {
        let sections = parse("## FAQ\nSee below.\nQ: is text here\n").unwrap();
        assert_eq!(sections[0].answer, "See below.\nQ: is text here");
        assert!(sections[0].questions.is_empty());
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let text = "Welcome!\n## \nsomething\n## Shipping\nQ:\n\n## shipping \nWe ship.\n## Care\n\n# Title\nx\n";
        let problems: Vec<String> = parse(text)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            problems,
            [
                "line 1: text before the first section: start each section with `## Title`",
                "line 2: a section needs a title after `##`",
                "line 4: the section “Shipping” has no answer",
                "line 5: `Q:` needs a question after it",
                "line 7: the section “shipping” repeats the title of line 4",
                "line 11: a level-1 heading belongs before the first section only",
            ]
        );
    }

    #[test]
    fn an_empty_or_oversized_file_is_refused() {
        assert_eq!(
            parse("# Only a title\n").unwrap_err()[0].message,
            "no sections: start each one with `## Title`"
        );
        let long = format!("## Long\n{}\n", "a".repeat(MAX_ANSWER_CHARS + 1));
        assert!(
            parse(&long).unwrap_err()[0]
                .message
                .contains("more than 2000")
        );
        let huge = "a".repeat(MAX_FILE_BYTES + 1);
        assert!(parse(&huge).unwrap_err()[0].message.contains("bytes"));
    }
}
