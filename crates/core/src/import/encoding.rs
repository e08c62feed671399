//! Files as people save them: UTF-8 with or without a byte-order mark, or Windows-1252 (what
//! Excel writes when a shop owner picks plain "CSV"). [`Decoded`] turns either into UTF-8 as it
//! streams, deciding from the bytes themselves: a file stays UTF-8 until a byte that cannot be
//! UTF-8 arrives; if nothing before it was beyond ASCII the file is Windows-1252 from there on
//! (both read ASCII alike), otherwise it is neither, and reading stops with an [`EncodingError`]
//! naming the line. The decision depends only on the bytes, so two reads of a file agree.

use std::fmt;
use std::io::{self, Read};

/// Bytes read from the source at a time.
const CHUNK: usize = 64 * 1024;

/// Windows-1252's 0x80..=0x9F; `None` for the five bytes it leaves undefined.
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('‘'),
    Some('’'),
    Some('“'),
    Some('”'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The encoding a file turned out to be in (so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Only ASCII seen yet: UTF-8 and Windows-1252 read it alike.
    Ascii,
    Utf8,
    Windows1252,
}

/// Why a file cannot be read as text; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    pub line: u64,
    pub message: String,
}

impl fmt::Display for EncodingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for EncodingError {}

impl EncodingError {
    /// The encoding error inside an I/O error from [`Decoded`], if that is what it is.
    pub fn inside(error: &io::Error) -> Option<&EncodingError> {
        error.get_ref()?.downcast_ref::<EncodingError>()
    }
}

/// A reader that yields UTF-8 whatever the source's encoding (see the module docs).
pub struct Decoded<R> {
    source: R,
    encoding: Encoding,
    /// Bytes read but not decoded yet: at most an incomplete UTF-8 sequence between reads.
    pending: Vec<u8>,
    out: Vec<u8>,
    out_at: usize,
    /// Lines fully decoded so far.
    newlines: u64,
    started: bool,
    failed: Option<EncodingError>,
    eof: bool,
}

impl<R: Read> Decoded<R> {
    pub fn new(source: R) -> Self {
        Decoded {
            source,
            encoding: Encoding::Ascii,
            pending: Vec::new(),
            out: Vec::new(),
            out_at: 0,
            newlines: 0,
            started: false,
            failed: None,
            eof: false,
        }
    }

    /// What the file has shown itself to be so far.
    #[cfg(test)]
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Stops reading with `message` (once the text decoded so far has been read), at the line
    /// after the newlines decoded so far.
    fn fail(&mut self, message: String) -> io::Error {
        let line = self.newlines + 1;
        let error = EncodingError { line, message };
        self.failed = Some(error.clone());
        io::Error::new(io::ErrorKind::InvalidData, error)
    }

    /// Reads the next chunk and decodes what of it can be decoded.
    fn fill(&mut self) -> io::Result<()> {
        let mut chunk = std::mem::take(&mut self.pending);
        let start = chunk.len();
        chunk.resize(start + CHUNK, 0);
        let n = loop {
            match self.source.read(&mut chunk[start..]) {
                Ok(n) => break n,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        };
        chunk.truncate(start + n);
        self.eof = n == 0;
        let mut bytes = chunk.as_slice();
        if !self.started && (bytes.len() >= 3 || self.eof) {
            self.started = true;
            if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
                bytes = rest;
                self.encoding = Encoding::Utf8;
            } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
                return Err(self.fail(
                    "the file is UTF-16 (Excel's \"Unicode Text\"); save it as \"CSV UTF-8\" \
                     or plain \"CSV\" instead"
                        .to_string(),
                ));
            }
        } else if !self.started {
            // Too few bytes yet to tell whether a byte-order mark starts the file.
            self.pending = chunk;
            return Ok(());
        }
        self.out.clear();
        self.out_at = 0;
        let bytes = bytes.to_vec();
        self.decode(&bytes)
    }

    fn decode(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            if self.encoding == Encoding::Windows1252 {
                return self.decode_cp1252(bytes);
            }
            match std::str::from_utf8(bytes) {
                Ok(text) => {
                    self.take_utf8(text);
                    return Ok(());
                }
                Err(error) => {
                    let (valid, rest) = bytes.split_at(error.valid_up_to());
                    // The prefix is valid UTF-8 by the error's own account.
                    self.take_utf8(std::str::from_utf8(valid).unwrap_or_default());
                    match error.error_len() {
                        // An incomplete sequence at the end of the chunk: wait for the rest.
                        None if !self.eof => {
                            self.pending = rest.to_vec();
                            return Ok(());
                        }
                        _ if self.encoding == Encoding::Ascii => {
                            self.encoding = Encoding::Windows1252;
                            bytes = rest;
                        }
                        _ => {
                            let message = format!(
                                "byte 0x{:02X} is not UTF-8, and the lines before it are UTF-8, \
                                 so the file is neither UTF-8 nor Windows-1252; save it again \
                                 as \"CSV UTF-8\"",
                                rest[0]
                            );
                            return Err(self.fail(message));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn take_utf8(&mut self, text: &str) {
        if self.encoding == Encoding::Ascii && !text.is_ascii() {
            self.encoding = Encoding::Utf8;
        }
        self.newlines += text.bytes().filter(|b| *b == b'\n').count() as u64;
        self.out.extend_from_slice(text.as_bytes());
    }

    fn decode_cp1252(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
        for &byte in bytes {
            let c = match byte {
                0x00..=0x7F => byte as char,
                0x80..=0x9F => match CP1252_HIGH[usize::from(byte - 0x80)] {
                    Some(c) => c,
                    None => {
                        let message = format!(
                            "byte 0x{byte:02X} is neither UTF-8 nor Windows-1252; save the file \
                             again as \"CSV UTF-8\""
                        );
                        self.out.extend_from_slice(text.as_bytes());
                        return Err(self.fail(message));
                    }
                },
                _ => char::from(byte),
            };
            if byte == b'\n' {
                self.newlines += 1;
            }
            text.push(c);
        }
        self.out.extend_from_slice(text.as_bytes());
        Ok(())
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_at < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_at);
                buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
                self.out_at += n;
                return Ok(n);
            }
            // A bad byte is reported once the text before it has been read, so the rows
            // before it are checked too.
            if let Some(error) = &self.failed {
                return Err(io::Error::new(io::ErrorKind::InvalidData, error.clone()));
            }
            if self.eof && self.pending.is_empty() {
                return Ok(0);
            }
            let decoded = if self.eof {
                // Bytes left over at the end: an incomplete sequence, decoded (or refused) now.
                let rest = std::mem::take(&mut self.pending);
                self.out.clear();
                self.out_at = 0;
                self.decode(&rest)
            } else {
                self.fill()
            };
            if let Err(error) = decoded
                && self.failed.is_none()
            {
                return Err(error);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    /// Decodes `bytes` read in pieces of `piece` bytes.
    fn decode(bytes: &[u8], piece: usize) -> (Result<String, EncodingError>, Encoding) {
        struct Pieces<'a>(&'a [u8], usize);
        impl Read for Pieces<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut decoded = Decoded::new(Pieces(bytes, piece));
        let mut out = String::new();
        let result = match decoded.read_to_string(&mut out) {
            Ok(_) => Ok(out),
            Err(error) => Err(EncodingError::inside(&error)
                .cloned()
                .expect("an encoding error")),
        };
        (result, decoded.encoding())
    }

    #[test]
    fn utf8_with_or_without_a_byte_order_mark_reads_the_same_in_any_pieces() {
        let text = "Title,Price\nBague « Éternité » 18 carats,1250\n";
        for piece in [1, 2, 3, 7, 64 * 1024] {
            let (plain, encoding) = decode(text.as_bytes(), piece);
            assert_eq!(plain.unwrap(), text);
            assert_eq!(encoding, Encoding::Utf8);
            let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
            assert_eq!(decode(&with_bom, piece).0.unwrap(), text);
        }
    }

    #[test]
    fn windows_1252_from_excel_is_recognised_and_decoded() {
        // "Pavé ring – 14K, 1½ ct" as Excel saves it in Windows-1252.
        let bytes = b"Title\nPav\xE9 ring \x96 14K, 1\xBD ct \x80\n";
        for piece in [1, 5, 1024] {
            let (text, encoding) = decode(bytes, piece);
            assert_eq!(text.unwrap(), "Title\nPavé ring – 14K, 1½ ct €\n");
            assert_eq!(encoding, Encoding::Windows1252);
        }
    }

    #[test]
    fn a_file_that_is_neither_names_the_line_of_the_first_bad_byte() {
        // UTF-8 on line 2, then a byte UTF-8 cannot hold on line 4.
        let (result, _) = decode(b"a\nPav\xC3\xA9\nb\nc \xE9\n", 3);
        let error = result.unwrap_err();
        assert_eq!(error.line, 4, "{error}");
        assert!(
            error.message.contains("neither UTF-8 nor Windows-1252"),
            "{error}"
        );
        // A byte Windows-1252 leaves undefined, on line 3 of an otherwise ASCII file.
        let (result, _) = decode(b"a\nb\nc\x81\n", 2);
        let error = result.unwrap_err();
        assert_eq!(error.line, 3);
        assert!(error.message.contains("0x81"), "{error}");
    }

    #[test]
    fn utf16_is_refused_with_a_way_out() {
        let (result, _) = decode(b"\xFF\xFET\x00i\x00", 64);
        let error = result.unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("CSV UTF-8"), "{error}");
    }

    #[test]
    fn an_incomplete_sequence_at_the_end_of_a_utf8_file_is_an_error() {
        let (result, _) = decode(b"\xC3\xA9\nab\xC3", 1);
        assert_eq!(result.unwrap_err().line, 2);
    }
}
