//! A CSV file as a spreadsheet saves it: decoded to UTF-8 whatever its encoding (see
//! [`super::encoding`]), its separator (comma; semicolon from European Excel; tab) told from
//! the header row, CRLF or LF line ends, quoted newlines inside fields.

use super::RowError;
use super::encoding::{Decoded, EncodingError};
use csv::StringRecord;
use std::io::{BufRead, BufReader, Chain, Cursor, Read};

/// Longest header row read; a longer first line is not a catalog's header.
const MAX_HEADER_BYTES: u64 = 1024 * 1024;
/// Longest row: far beyond any product's, so a longer one is a quote left open, which would
/// otherwise swallow the rest of the file into one field.
pub(crate) const MAX_ROW_BYTES: usize = 1024 * 1024;

type Source<R> = Chain<Cursor<Vec<u8>>, BufReader<Decoded<R>>>;

/// The records of a CSV file, the header first, blank rows left out. A file without a header,
/// or with nothing under it, ends in an error.
pub(crate) struct CsvFile<R: Read> {
    state: State<R>,
    record: StringRecord,
    header_read: bool,
    data_rows: u64,
    /// What the rows are ("products"), for the error of a file with only a header.
    noun: &'static str,
}

enum State<R: Read> {
    /// Not opened yet: the header is read on the first call.
    Unread(R),
    Reading(Box<csv::Reader<Source<R>>>),
    Done,
}

impl<R: Read> CsvFile<R> {
    /// The file of `reader`, whose rows are `noun` ("products", "orders").
    pub(crate) fn new(reader: R, noun: &'static str) -> Self {
        CsvFile {
            state: State::Unread(reader),
            record: StringRecord::new(),
            header_read: false,
            data_rows: 0,
            noun,
        }
    }

    /// The next record and the 1-based line it starts on; `Ok(None)` at the end; an error ends
    /// the file.
    pub(crate) fn next_record(&mut self) -> Result<Option<(u64, &StringRecord)>, RowError> {
        if let State::Unread(_) = self.state {
            let State::Unread(reader) = std::mem::replace(&mut self.state, State::Done) else {
                return Ok(None);
            };
            self.state = State::Reading(Box::new(open(reader)?));
        }
        let State::Reading(csv) = &mut self.state else {
            return Ok(None);
        };
        loop {
            match csv.read_record(&mut self.record) {
                Ok(true) => {
                    let line = self.record.position().map_or(0, csv::Position::line);
                    if self.record.as_slice().len() > MAX_ROW_BYTES {
                        self.state = State::Done;
                        let message = "the row is longer than 1 MiB: is a quote opened on it \
                                       and never closed?";
                        return Err(RowError::new(line, None, message));
                    }
                    if self.header_read && self.record.iter().all(|f| f.trim().is_empty()) {
                        continue;
                    }
                    if self.header_read {
                        self.data_rows += 1;
                    }
                    self.header_read = true;
                    return Ok(Some((line, &self.record)));
                }
                Ok(false) => {
                    self.state = State::Done;
                    return match (self.header_read, self.data_rows) {
                        (false, _) => Err(RowError::new(1, None, "the file is empty")),
                        (true, 0) => {
                            let message =
                                format!("no {}: the file has only a header row", self.noun);
                            Err(RowError::new(1, None, message))
                        }
                        _ => Ok(None),
                    };
                }
                Err(error) => {
                    self.state = State::Done;
                    return Err(read_error(&error));
                }
            }
        }
    }
}

/// The error of a data row with more fields than the header, if it has more.
pub(crate) fn too_wide(line: u64, record: &StringRecord, header_len: usize) -> Option<RowError> {
    (record.len() > header_len).then(|| {
        let message = format!(
            "the row has {} fields but the header has {header_len}",
            record.len()
        );
        RowError::new(line, None, message)
    })
}

/// Reads the header line to tell the separator, then reads the whole file (header included)
/// with it.
fn open<R: Read>(reader: R) -> Result<csv::Reader<Source<R>>, RowError> {
    let mut decoded = BufReader::new(Decoded::new(reader));
    let mut header = Vec::new();
    (&mut decoded)
        .take(MAX_HEADER_BYTES)
        .read_until(b'\n', &mut header)
        .map_err(|error| match EncodingError::inside(&error) {
            Some(encoding) => RowError::new(encoding.line, None, encoding.message.clone()),
            None => RowError::new(1, None, format!("could not read the file: {error}")),
        })?;
    let delimiter = delimiter(&header);
    Ok(csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        // Records end at LF; the CR of a CRLF is trimmed with the field. (With the default
        // terminator the csv crate numbers the line after a CRLF as the line before it.)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(Cursor::new(header).chain(decoded)))
}

/// The separator a header row uses: whichever of comma, semicolon and tab appears most outside
/// quotes (a comma when none does).
pub(crate) fn delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &byte in header {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// A read error, located: the encoding's line when the bytes are at fault.
fn read_error(error: &csv::Error) -> RowError {
    if let csv::ErrorKind::Io(io) = error.kind()
        && let Some(encoding) = EncodingError::inside(io)
    {
        return RowError::new(encoding.line, None, encoding.message.clone());
    }
    let row = error.position().map_or(0, csv::Position::line);
    RowError::new(row, None, format!("could not read the file: {error}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn records(bytes: &[u8]) -> Result<Vec<(u64, Vec<String>)>, RowError> {
        let mut file = CsvFile::new(bytes, "products");
        let mut out = Vec::new();
        while let Some((line, record)) = file.next_record()? {
            out.push((line, record.iter().map(str::to_string).collect()));
        }
        Ok(out)
    }

    #[test]
    fn the_separator_is_told_from_the_header() {
        assert_eq!(delimiter(b"Handle,Title,Variant Price\n"), b',');
        assert_eq!(delimiter(b"Handle;Title;\"Price, USD\"\r\n"), b';');
        assert_eq!(delimiter(b"Handle\tTitle\tPrice"), b'\t');
        assert_eq!(delimiter(b"Handle"), b',');
    }

    #[test]
    fn semicolons_crlf_quoted_newlines_and_windows_1252_read_as_one_table() {
        let bytes = b"Handle;Body (HTML);Price\r\nring;\"<p>Pav\xE9\r\nhalo</p>\";1.250,00\r\nband;Plain;99\r\n";
        let rows = records(bytes).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].0, 2);
        assert_eq!(rows[1].1, ["ring", "<p>Pavé\r\nhalo</p>", "1.250,00\r"]);
        assert_eq!(rows[2].0, 4, "the quoted newline counts as a line");
        // The CR of a CRLF stays on the last field; readers trim every field.
        assert_eq!(rows[2].1, ["band", "Plain", "99\r"]);
    }

    #[test]
    fn blank_rows_are_left_out_and_a_file_with_nothing_to_read_says_so() {
        let rows = records(b"Handle,Title\n,\n  ,  \nring,Ring\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].0, 4);
        for (bytes, message) in [
            (&b""[..], "the file is empty"),
            (
                &b"Handle,Title\n,\n"[..],
                "no products: the file has only a header row",
            ),
        ] {
            let error = records(bytes).unwrap_err();
            assert_eq!((error.row, error.message.as_str()), (1, message));
        }
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_column_name() {
        let rows = records(b"\xEF\xBB\xBFHandle,Title\nring,Ring\n").unwrap();
        assert_eq!(rows[0].1, ["Handle", "Title"]);
    }

    #[test]
    fn a_quote_left_open_is_an_error_at_its_row_not_a_swallowed_file() {
        let mut bytes = b"Handle,Body (HTML)\nring,\"<p>never closed\n".to_vec();
        for _ in 0..30_000 {
            bytes.extend_from_slice(b"band,a description of some length and no quote\n");
        }
        let Err(error) = records(&bytes) else {
            panic!("the open quote swallowed the file without an error")
        };
        assert_eq!(error.row, 2);
        assert!(error.message.contains("quote"), "{error}");
    }

    #[test]
    fn an_encoding_problem_names_its_line() {
        let error = records(b"Handle,Title\nring,Pav\xC3\xA9\nband,B\xE9\n").unwrap_err();
        assert_eq!(error.row, 3, "{error}");
        assert!(
            error.message.contains("neither UTF-8 nor Windows-1252"),
            "{error}"
        );
    }
}
