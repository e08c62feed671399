//! A JSON Lines file read one line at a time: blank lines skipped, a byte-order mark allowed,
//! a line longer than 1 MiB refused (so one bad line cannot exhaust memory), and a JSON array
//! told apart from JSON Lines.

use super::RowError;
use std::io::{BufRead, BufReader, Read};

/// Longest line we read.
pub(crate) const MAX_LINE_BYTES: u64 = 1024 * 1024;

/// Reads a JSON Lines file one line at a time.
pub(crate) struct JsonLines<R> {
    reader: BufReader<R>,
    line: Vec<u8>,
    row: u64,
    seen_content: bool,
    done: bool,
    /// What each line holds ("product", "order"), for the errors.
    noun: &'static str,
}

impl<R: Read> JsonLines<R> {
    /// The file of `reader`, whose lines are each one `noun`.
    pub(crate) fn new(reader: R, noun: &'static str) -> Self {
        JsonLines {
            reader: BufReader::new(reader),
            line: Vec::new(),
            row: 0,
            seen_content: false,
            done: false,
            noun,
        }
    }

    /// The next non-blank line and its 1-based number, or the error of a line that cannot be
    /// read as text; `None` at the end.
    pub(crate) fn next_line(&mut self) -> Option<Result<(u64, String), RowError>> {
        while !self.done {
            let row = self.row + 1;
            let complete = match self.read_line() {
                Ok(None) => {
                    self.done = true;
                    return (!self.seen_content)
                        .then(|| Err(RowError::new(1, None, "the file is empty")));
                }
                Ok(Some(complete)) => complete,
                Err(error) => {
                    self.done = true;
                    let message = format!("could not read the file: {error}");
                    return Some(Err(RowError::new(row, None, message)));
                }
            };
            self.row = row;
            if !complete {
                self.seen_content = true;
                let message = "the line is longer than 1 MiB";
                return Some(Err(RowError::new(row, None, message)));
            }
            let mut bytes = self.line.as_slice();
            if row == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            let bytes = bytes.trim_ascii();
            if bytes.is_empty() {
                continue;
            }
            let first = !self.seen_content;
            self.seen_content = true;
            let Ok(text) = std::str::from_utf8(bytes) else {
                return Some(Err(RowError::new(row, None, "not valid UTF-8")));
            };
            if first && text.starts_with('[') {
                self.done = true;
                let message = format!(
                    "this is a JSON array; the format is JSON Lines: one {} object per line",
                    self.noun
                );
                return Some(Err(RowError::new(row, None, message)));
            }
            return Some(Ok((row, text.to_string())));
        }
        None
    }

    /// Reads the next line into `self.line`: `None` at the end of the file, `Some(false)` when
    /// the line was too long (the rest of it is skipped).
    fn read_line(&mut self) -> std::io::Result<Option<bool>> {
        self.line.clear();
        let read = (&mut self.reader)
            .take(MAX_LINE_BYTES)
            .read_until(b'\n', &mut self.line)?;
        if read == 0 {
            return Ok(None);
        }
        if self.line.ends_with(b"\n") || (read as u64) < MAX_LINE_BYTES {
            return Ok(Some(true));
        }
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok(Some(false));
            }
            match available.iter().position(|&b| b == b'\n') {
                Some(at) => {
                    self.reader.consume(at + 1);
                    return Ok(Some(false));
                }
                None => {
                    let len = available.len();
                    self.reader.consume(len);
                }
            }
        }
    }
}
