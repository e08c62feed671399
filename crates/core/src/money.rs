//! Money: amounts in integer minor units (cents for US dollars) of the store's one currency,
//! which the `currency` setting names. Wire formats show amounts in major units (`1250.5`) and
//! as text the shopper reads (`$1,250.50`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of the store's currency, in its minor unit.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    /// An amount of `minor` minor units (cents).
    pub const fn from_minor(minor: i64) -> Money {
        Money(minor)
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.0
    }
}

/// A currency: its ISO 4217 code, the symbol shoppers read, and its minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    code: &'static str,
    symbol: &'static str,
    digits: u32,
}

/// A currency code this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency `{0}`: use one of {list}", list = Currency::codes().join(", "))]
pub struct UnknownCurrency(pub String);

impl Currency {
    /// US dollars, the default.
    pub const USD: Currency = Currency {
        code: "USD",
        symbol: "$",
        digits: 2,
    };

    const ALL: [Currency; 12] = [
        Currency::USD,
        Currency {
            code: "CAD",
            symbol: "CA$",
            digits: 2,
        },
        Currency {
            code: "AUD",
            symbol: "A$",
            digits: 2,
        },
        Currency {
            code: "NZD",
            symbol: "NZ$",
            digits: 2,
        },
        Currency {
            code: "EUR",
            symbol: "€",
            digits: 2,
        },
        Currency {
            code: "GBP",
            symbol: "£",
            digits: 2,
        },
        Currency {
            code: "CHF",
            symbol: "CHF ",
            digits: 2,
        },
        Currency {
            code: "SEK",
            symbol: "SEK ",
            digits: 2,
        },
        Currency {
            code: "DKK",
            symbol: "DKK ",
            digits: 2,
        },
        Currency {
            code: "INR",
            symbol: "₹",
            digits: 2,
        },
        Currency {
            code: "JPY",
            symbol: "¥",
            digits: 0,
        },
        Currency {
            code: "KRW",
            symbol: "₩",
            digits: 0,
        },
    ];

    /// Every code this build knows.
    pub fn codes() -> Vec<&'static str> {
        Currency::ALL.iter().map(|c| c.code).collect()
    }

    /// The currency of an ISO 4217 code (any case).
    pub fn from_code(code: &str) -> Result<Currency, UnknownCurrency> {
        let code = code.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.code.eq_ignore_ascii_case(code))
            .ok_or_else(|| UnknownCurrency(code.to_string()))
    }

    /// The ISO 4217 code (`USD`).
    pub fn code(self) -> &'static str {
        self.code
    }

    /// How many digits its minor unit has (2 for cents, 0 for yen).
    pub fn digits(self) -> u32 {
        self.digits
    }

    fn unit(self) -> i64 {
        10_i64.pow(self.digits)
    }

    /// The amount in major units (dollars), as the API sends prices.
    pub fn major(self, amount: Money) -> f64 {
        amount.0 as f64 / self.unit() as f64
    }

    /// The amount of `major` major units, rounded to the nearest minor unit.
    pub fn from_major(self, major: f64) -> Money {
        Money((major * self.unit() as f64).round() as i64)
    }

    /// The amount as a shopper reads it: `$1,250`, or `$1,250.50` when it has cents.
    pub fn format(self, amount: Money) -> String {
        let sign = if amount.0 < 0 { "-" } else { "" };
        let minor = amount.0.unsigned_abs();
        let unit = self.unit().unsigned_abs();
        let digits = (minor / unit).to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let rest = minor % unit;
        if rest == 0 {
            format!("{sign}{}{grouped}", self.symbol)
        } else {
            let width = self.digits as usize;
            format!("{sign}{}{grouped}.{rest:0width$}", self.symbol)
        }
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::USD
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn usd(minor: i64) -> String {
        Currency::USD.format(Money::from_minor(minor))
    }

    #[test]
    fn prices_get_thousands_separators_and_cents_only_when_needed() {
        assert_eq!(usd(0), "$0");
        assert_eq!(usd(5_000), "$50");
        assert_eq!(usd(125_000), "$1,250");
        assert_eq!(usd(125_050), "$1,250.50");
        assert_eq!(usd(150_000_000), "$1,500,000");
        assert_eq!(usd(-199), "-$1.99");
    }

    #[test]
    fn each_currency_has_its_symbol_and_minor_unit() {
        let eur = Currency::from_code("eur").unwrap();
        assert_eq!(eur.format(Money::from_minor(125_005)), "€1,250.05");
        let yen = Currency::from_code("JPY").unwrap();
        assert_eq!(yen.format(Money::from_minor(125_000)), "¥125,000");
        assert_eq!(yen.major(Money::from_minor(1_500)), 1_500.0);
        assert_eq!(Currency::USD.major(Money::from_minor(125_050)), 1_250.5);
        assert_eq!(Currency::USD.from_major(799.999), Money::from_minor(80_000));
        assert_eq!(yen.from_major(800.4), Money::from_minor(800));
    }

    #[test]
    fn an_unknown_code_says_which_are_known() {
        let error = Currency::from_code("XYZ").unwrap_err();
        assert!(error.to_string().contains("`XYZ`"), "{error}");
        assert!(error.to_string().contains("USD, CAD"), "{error}");
    }
}
