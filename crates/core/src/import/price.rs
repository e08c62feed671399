//! Prices as spreadsheets write them: `1250`, `1250.00`, `$1,250.00`, `1.250,00 €` (a comma as
//! the decimal separator, as European Excel writes it), `1 250,00`, `CHF 1'250.00`. A price that
//! reads differently under the two rules (`1,250`: 1250 or 1.25?) is refused rather than guessed,
//! unless the store's currency has no minor unit (yen), where it can only be 1250.

/// Characters that may group thousands besides `,` and `.`: spaces (plain, no-break, narrow
/// no-break) and the Swiss apostrophe.
const GROUPING: [char; 5] = [' ', '\u{a0}', '\u{202f}', '\'', '’'];

/// Minor units of `text` in a currency of `digits` decimals (cents: 2), or why it is not a price.
pub(crate) fn parse_price(text: &str, digits: u32) -> Result<i64, String> {
    let number = strip_currency(text).ok_or_else(|| format!("`{text}` is not a price"))?;
    let number: String = number.chars().filter(|c| !GROUPING.contains(c)).collect();
    let separators: Vec<(usize, char)> = number
        .char_indices()
        .filter(|(_, c)| matches!(c, ',' | '.'))
        .collect();
    let (whole, fraction) = match separators.as_slice() {
        [] => (number.clone(), String::new()),
        [(at, _)] => {
            let digits_after = number.len() - at - 1;
            if digits_after == 3 && digits == 0 {
                // No decimals in this currency: a group of three is thousands.
                (
                    format!("{}{}", &number[..*at], &number[at + 1..]),
                    String::new(),
                )
            } else if digits_after == 3 {
                let (whole, rest) = (&number[..*at], &number[at + 1..]);
                return Err(format!(
                    "`{text}` could be read two ways ({whole}{rest} or {whole}.{}); write it \
                     with two decimals, e.g. {whole}{rest}.00",
                    rest.trim_end_matches('0')
                ));
            } else {
                (number[..*at].to_string(), number[at + 1..].to_string())
            }
        }
        [.., (last_at, last)] => {
            let grouping: Vec<char> = separators[..separators.len() - 1]
                .iter()
                .map(|(_, c)| *c)
                .collect();
            let decimal = grouping.iter().all(|c| c != last)
                && (number.len() - last_at - 1 != 3 || digits == 0);
            let (whole, fraction) = if decimal {
                (&number[..*last_at], &number[last_at + 1..])
            } else {
                (number.as_str(), "")
            };
            // The grouping separators all alike, each group of three digits.
            let group_char = grouping[0];
            let groups: Vec<&str> = whole.split(group_char).collect();
            // Groups of three, or the Indian lakh and crore (`1,25,000`): twos, then a three.
            let (last, middle) = groups[1..].split_last().unwrap_or((&"", &[]));
            let western = groups[1..].iter().all(|g| g.len() == 3);
            let indian = last.len() == 3 && middle.iter().all(|g| g.len() == 2);
            let well_grouped = grouping.iter().all(|c| *c == group_char)
                && groups[0].len() <= 3
                && (western || indian);
            if !well_grouped {
                return Err(format!("`{text}` is not a price"));
            }
            (groups.concat(), fraction.to_string())
        }
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(&whole) || !all_digits(&fraction) {
        return Err(format!("`{text}` is not a price"));
    }
    let digits = digits as usize;
    if fraction.len() > digits {
        return Err(format!(
            "`{text}` has more decimals than the store's currency ({digits})"
        ));
    }
    let fraction = format!("{fraction:0<digits$}");
    let minor = whole
        .parse::<i64>()
        .ok()
        .and_then(|w| w.checked_mul(10_i64.pow(digits as u32)))
        .and_then(|w| w.checked_add(fraction.parse::<i64>().unwrap_or(0)))
        .ok_or_else(|| format!("`{text}` is not a price"))?;
    Ok(minor)
}

/// The number inside `text` once a currency symbol or code before or after it is taken away;
/// `None` when something else is around it (a minus sign, letters in the middle).
fn strip_currency(text: &str) -> Option<&str> {
    let is_number_char =
        |c: char| c.is_ascii_digit() || matches!(c, ',' | '.') || GROUPING.contains(&c);
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let end = text.rfind(|c: char| c.is_ascii_digit())? + 1;
    let (before, number, after) = (&text[..start], &text[start..end], &text[end..]);
    let is_currency = |s: &str| {
        let s = s.trim_matches(|c: char| c.is_whitespace());
        s.is_empty()
            || [
                "$", "€", "£", "¥", "₩", "₹", "US$", "CA$", "C$", "A$", "AU$", "NZ$", "kr", "zł",
            ]
            .contains(&s)
            || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()))
    };
    (number.chars().all(is_number_char) && is_currency(before) && is_currency(after))
        .then_some(number)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn prices_as_spreadsheets_write_them_become_cents() {
        for (text, cents) in [
            ("1250", 125_000),
            ("1250.00", 125_000),
            (" 1250 ", 125_000),
            ("12.5", 1_250),
            ("0.99", 99),
            ("$1,250.00", 125_000),
            ("1,250.5", 125_050),
            ("1.250,00 €", 125_000),
            ("1250,00", 125_000),
            ("12,5", 1_250),
            ("1 250,00", 125_000),
            ("1\u{a0}250,00 EUR", 125_000),
            ("CHF 1'250.00", 125_000),
            ("USD 1,234,567.89", 123_456_789),
            ("1.234.567", 123_456_700),
            ("£ 45", 4_500),
            ("₹1,25,000.00", 12_500_000),
            ("12,34,567", 123_456_700),
        ] {
            assert_eq!(parse_price(text, 2), Ok(cents), "{text:?}");
        }
    }

    #[test]
    fn a_price_that_reads_two_ways_is_refused_not_guessed() {
        for text in ["1,250", "1.250", "€2,500"] {
            let error = parse_price(text, 2).unwrap_err();
            assert!(error.contains("two ways"), "{text}: {error}");
        }
    }

    #[test]
    fn a_currency_without_minor_units_reads_groups_of_three_as_thousands() {
        assert_eq!(parse_price("¥125,000", 0), Ok(125_000));
        assert_eq!(parse_price("₩12,000", 0), Ok(12_000));
        assert_eq!(parse_price("1,250", 0), Ok(1_250));
        assert_eq!(parse_price("1.250", 0), Ok(1_250));
        assert!(
            parse_price("1250.5", 0)
                .unwrap_err()
                .contains("more decimals")
        );
    }

    #[test]
    fn anything_else_is_not_a_price() {
        for text in [
            "",
            "abc",
            "12,5x",
            "-10.00",
            "1e3",
            ".5",
            "12.345.6",
            "1,2,000.00",
            "1.250.00",
            "12.3456",
            "99999999999999999999",
            "about 40",
        ] {
            assert!(parse_price(text, 2).is_err(), "{text:?}");
        }
    }
}
