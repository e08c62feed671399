/// Formats cents as a shopper reads them in US dollars: `$1,250` or `$1,250.50`.
pub fn format_price(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let dollars = cents / 100;
    let rest = cents % 100;
    let digits = dollars.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if rest == 0 {
        format!("{sign}${grouped}")
    } else {
        format!("{sign}${grouped}.{rest:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::format_price;

    #[test]
    fn prices_get_thousands_separators_and_cents_only_when_needed() {
        assert_eq!(format_price(0), "$0");
        assert_eq!(format_price(5_000), "$50");
        assert_eq!(format_price(125_000), "$1,250");
        assert_eq!(format_price(125_050), "$1,250.50");
        assert_eq!(format_price(150_000_000), "$1,500,000");
        assert_eq!(format_price(-199), "-$1.99");
    }
}
