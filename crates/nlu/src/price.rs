//! Price bounds: a small hand-written scanner over the tokens.
//!
//! A number is a price when it carries a currency (`$`, `USD`, `bucks`, `1.5k`) or follows a
//! price word (under, over, between, budget, `<`…). Karats (`14k gold`), carats, ring sizes,
//! lengths, quantities and order numbers are never prices.

use serde::Serializer;

use crate::normalize::{Kind, Tokens};

/// Serialises whole prices as JSON integers (`800`, not `800.0`), cents as decimals.
pub(crate) fn serialize_price<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match value {
        None => s.serialize_none(),
        Some(v) if v.fract() == 0.0 && *v >= 0.0 && *v < 9.0e15 => {
            // Whole, non-negative and below 2^53: the cast is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let whole = *v as u64;
            s.serialize_u64(whole)
        }
        Some(v) => s.serialize_f64(*v),
    }
}

/// What a price word says about the amount after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Max,
    Min,
    Between,
    From,
    /// A budget without a direction ("for 500", "$500"): at most that.
    Around,
    /// "around 500", "about 500", "roughly 500": that much, give or take (a range).
    Near,
}

/// One price found, for explanations: tokens `from..to` and what they set.
#[derive(Debug, Clone)]
pub(crate) struct PriceNote {
    pub from: usize,
    pub to: usize,
    pub what: String,
}

/// The bounds found in a message.
#[derive(Debug, Clone, Default)]
pub(crate) struct PriceScan {
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// A bound carried a currency (`$`, `bucks`, `1.5k`).
    pub currency: bool,
    pub notes: Vec<PriceNote>,
    /// Token ranges that were read as numbers but rejected (karat, size…), for explanations.
    pub rejected: Vec<(usize, usize, &'static str)>,
}

impl PriceScan {
    /// Whether any bound was found.
    pub fn any(&self) -> bool {
        self.min.is_some() || self.max.is_some()
    }
}

#[derive(Debug, Clone, Copy)]
struct Amount {
    value: f64,
    start: usize,
    end: usize,
    currency: bool,
    /// `14k` / `18K`: a karat unless a price word or currency says otherwise.
    karat_like: bool,
}

const KARATS: [f64; 9] = [8.0, 9.0, 10.0, 12.0, 14.0, 18.0, 20.0, 22.0, 24.0];

fn is_currency_word(w: &str) -> bool {
    matches!(
        w,
        "dollars"
            | "dollar"
            | "bucks"
            | "usd"
            | "eur"
            | "euro"
            | "euros"
            | "pounds"
            | "gbp"
            | "quid"
            | "cad"
            | "aud"
    )
}

/// Words after a number that make it a measurement or a count, not a price.
fn is_unit(w: &str) -> bool {
    matches!(
        w,
        "carat"
            | "carats"
            | "ct"
            | "ctw"
            | "tcw"
            | "karat"
            | "karats"
            | "kt"
            | "k"
            | "inch"
            | "inches"
            | "in"
            | "cm"
            | "mm"
            | "millimeter"
            | "millimeters"
            | "grams"
            | "g"
            | "oz"
            | "year"
            | "years"
            | "yr"
            | "yrs"
            | "day"
            | "days"
            | "week"
            | "weeks"
            | "month"
            | "months"
            | "hours"
            | "minutes"
            | "percent"
            | "ring"
            | "rings"
            | "necklace"
            | "necklaces"
            | "earring"
            | "earrings"
            | "bracelet"
            | "bracelets"
            | "pieces"
            | "items"
            | "pairs"
            | "pair"
            | "people"
            | "times"
            | "stones"
            | "diamonds"
            | "of"
            | "am"
            | "pm"
            | "oclock"
            | "th"
            | "st"
            | "nd"
            | "rd"
            | "size"
            | "sizes"
            | "x"
    )
}

fn unit_word_value(w: &str) -> Option<f64> {
    Some(match w {
        "zero" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    })
}

fn is_scale(w: &str) -> bool {
    matches!(w, "hundred" | "thousand" | "grand")
}

/// `three thousand`, `two hundred and fifty`, `a thousand`, `fifteen hundred`.
fn parse_number_words(t: &Tokens<'_>, i: usize) -> Option<(f64, usize)> {
    let mut j = i;
    let (mut total, mut current, mut any) = (0.0_f64, 0.0_f64, false);
    if matches!(t.word(j), "a" | "an") && is_scale(t.word(j + 1)) {
        current = 1.0;
        j += 1;
    }
    loop {
        let w = t.word(j);
        if let Some(v) = unit_word_value(w) {
            current += v;
            any = true;
        } else if w == "hundred" && (any || current > 0.0) {
            current = current.max(1.0) * 100.0;
            any = true;
        } else if (w == "thousand" || w == "grand") && (any || current > 0.0) {
            total += current.max(1.0) * 1000.0;
            current = 0.0;
            any = true;
        } else if w == "and"
            && any
            && unit_word_value(t.word(j + 1)).is_some()
            && !is_scale(t.word(j + 2))
            && (total > 0.0 || current >= 100.0)
        {
            // "two hundred and fifty", but not "between two hundred and three hundred"
        } else {
            break;
        }
        j += 1;
    }
    any.then_some((total + current, j))
}

/// `1,250.00` → 1250; `1.5k` → 1500 (k); `14k` → 14 (karat-like); `3ct` → None.
fn parse_num_token(s: &str) -> Option<(f64, &str)> {
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (digits, suffix) = s.split_at(split);
    let cleaned: String = digits.chars().filter(|c| *c != ',').collect();
    let v: f64 = cleaned.parse().ok()?;
    (v.is_finite() && v < 1.0e12).then_some((v, suffix))
}

fn amount_at(t: &Tokens<'_>, i: usize) -> Option<Amount> {
    let mut j = i;
    let mut currency = false;
    let currency_word = matches!(t.word(j), "usd" | "eur" | "gbp" | "cad" | "aud")
        && t.toks.get(j + 1).is_some_and(|x| x.kind == Kind::Num);
    if t.is_sym(j, "$") || t.is_sym(j, "£") || t.is_sym(j, "€") || currency_word {
        currency = true;
        j += 1;
    }
    let mut karat_like = false;
    let mut value;
    match t.toks.get(j) {
        Some(tok) if tok.kind == Kind::Num => {
            let (v, suffix) = parse_num_token(t.norm(j))?;
            value = v;
            match suffix {
                "" => {}
                "k" => {
                    if KARATS.contains(&v) && !currency {
                        karat_like = true;
                    } else {
                        value = v * 1000.0;
                        currency = true;
                    }
                }
                "usd" | "dollars" | "bucks" | "eur" => currency = true,
                _ => return None,
            }
            j += 1;
        }
        _ => {
            let (v, next) = parse_number_words(t, j)?;
            value = v;
            j = next;
        }
    }
    match t.word(j) {
        "k" if !karat_like => {
            if KARATS.contains(&value) && !currency && !is_currency_word(t.word(j + 1)) {
                karat_like = true;
            } else {
                value *= 1000.0;
                currency = true;
            }
            j += 1;
        }
        "grand" => {
            value *= 1000.0;
            currency = true;
            j += 1;
        }
        "thousand" => {
            value *= 1000.0;
            j += 1;
        }
        "hundred" => {
            value *= 100.0;
            j += 1;
        }
        _ => {}
    }
    if is_currency_word(t.word(j)) {
        currency = true;
        j += 1;
    }
    Some(Amount {
        value,
        start: i,
        end: j,
        currency,
        karat_like,
    })
}

/// Filler skipped when looking back from an amount for its price word.
fn is_filler(w: &str) -> bool {
    matches!(
        w,
        "a" | "the"
            | "of"
            | "is"
            | "my"
            | "only"
            | "just"
            | "like"
            | "maybe"
            | "say"
            | "be"
            | "priced"
            | "costing"
            | "at"
            | "around"
            | "about"
            | "approximately"
            | "roughly"
            | "approx"
            | "spend"
            | "spending"
            | "usd"
    )
}

/// The price word before token `i`, looking back over filler.
fn bound_before(t: &Tokens<'_>, i: usize) -> (Option<Bound>, bool) {
    let mut k = i;
    let mut approx = false;
    let mut near = false;
    let mut skipped = 0;
    while k > 0 && skipped < 4 {
        let w = t.word(k - 1);
        if is_filler(w)
            && !(w == "at" && matches!(t.word(k.saturating_sub(2)), "least" | "most" | "starting"))
        {
            near |= matches!(
                w,
                "around" | "about" | "approximately" | "roughly" | "approx"
            );
            approx |= near || matches!(w, "spend" | "spending");
            if w == "at" && t.word(k.saturating_sub(2)) == "starting" {
                return (Some(Bound::Min), approx);
            }
            k -= 1;
            skipped += 1;
            continue;
        }
        break;
    }
    let vague = if near { Bound::Near } else { Bound::Around };
    if k == 0 {
        return (approx.then_some(vague), approx);
    }
    let w1 = t.word(k - 1);
    let w2 = if k >= 2 { t.word(k - 2) } else { "" };
    let w3 = if k >= 3 { t.word(k - 3) } else { "" };
    let negated = matches!(w3, "no" | "not");
    let bound = if t.is_sym(k - 1, "<") || (t.is_sym(k - 1, "=") && k >= 2 && t.is_sym(k - 2, "<"))
    {
        Some(Bound::Max)
    } else if t.is_sym(k - 1, ">") || (t.is_sym(k - 1, "=") && k >= 2 && t.is_sym(k - 2, ">")) {
        Some(Bound::Min)
    } else {
        match w1 {
            "than" => match w2 {
                "less" | "cheaper" | "lower" | "under" | "below" => {
                    Some(if negated { Bound::Min } else { Bound::Max })
                }
                "more" | "greater" | "higher" | "over" | "above" | "pricier" => {
                    Some(if negated { Bound::Max } else { Bound::Min })
                }
                _ => None,
            },
            "under" | "below" | "beneath" | "max" | "maximum" | "budget" | "within" | "upto"
            | "less" | "cheaper" | "tops" | "sub" | "lower" | "cap" | "capped" | "limit" => {
                Some(Bound::Max)
            }
            "to" if w2 == "up" => Some(Bound::Max),
            "most" if w2 == "at" => Some(Bound::Max),
            "least" if w2 == "at" => Some(Bound::Min),
            // "nothing over 500", "not above 300": at most.
            "over" | "above" | "exceeding" | "beyond" if matches!(w2, "nothing" | "not" | "no") => {
                Some(Bound::Max)
            }
            "over" | "above" | "min" | "minimum" | "exceeding" | "beyond" => Some(Bound::Min),
            "more" if negated || w2 == "no" || w2 == "not" => Some(Bound::Max),
            "starting" => Some(Bound::Min),
            "of" if w2 == "north" => Some(Bound::Min),
            "between" | "btw" | "btwn" => Some(Bound::Between),
            "from" => Some(Bound::From),
            "for" => Some(Bound::Around),
            _ => None,
        }
    };
    (bound.or(approx.then_some(vague)), approx)
}

/// A price word after an amount: "$500 or less", "1k and up", "500+".
fn bound_after(t: &Tokens<'_>, j: usize) -> Option<(Bound, usize)> {
    if t.is_sym(j, "+") {
        return Some((Bound::Min, 1));
    }
    let (w1, w2) = (t.word(j), t.word(j + 1));
    match (w1, w2) {
        ("or" | "and", "less" | "under" | "below" | "cheaper" | "lower") => Some((Bound::Max, 2)),
        ("or" | "and", "more" | "up" | "above" | "over" | "higher" | "upwards") => {
            Some((Bound::Min, 2))
        }
        ("max" | "maximum" | "tops", _) => Some((Bound::Max, 1)),
        ("at", "most") => Some((Bound::Max, 2)),
        ("at", "least") => Some((Bound::Min, 2)),
        ("plus" | "minimum" | "min", _) => Some((Bound::Min, 1)),
        _ => None,
    }
}

/// Whether the amount is followed by a unit or count (then it is not a price).
fn unit_after(t: &Tokens<'_>, a: &Amount) -> bool {
    is_unit(t.word(a.end)) || t.is_sym(a.end, "#") || t.norm(a.end) == "\""
}

fn preceded_by_size(t: &Tokens<'_>, i: usize) -> bool {
    i > 0
        && (matches!(
            t.word(i - 1),
            "size" | "sizes" | "sz" | "number" | "no" | "order"
        ) || t.is_sym(i - 1, "#"))
}

/// Scans the tokens for price bounds; `order` is the byte range of an order number to skip.
/// The prices of a message; `around` is the share "around N" spans either side of N.
pub(crate) fn scan(t: &Tokens<'_>, order: Option<(usize, usize)>, around: f64) -> PriceScan {
    let mut out = PriceScan::default();
    let n = t.len();
    let mut i = 0;
    while i < n {
        let in_order = order.is_some_and(|(s, e)| {
            t.toks
                .get(i)
                .is_some_and(|tok| tok.start < e && tok.end > s)
        });
        if in_order {
            i += 1;
            continue;
        }
        let Some(a) = amount_at(t, i) else {
            i += 1;
            continue;
        };
        if preceded_by_size(t, i) {
            out.rejected
                .push((a.start, a.end, "a size or number, not a price"));
            // "size 6-7", "size 6 to 7"
            i = skip_range(t, a.end);
            continue;
        }
        if unit_after(t, &a) && !a.currency {
            out.rejected.push((
                a.start,
                a.end + 1,
                "followed by a unit or count, not a price",
            ));
            i = a.end + 1;
            continue;
        }
        let (before, _) = bound_before(t, a.start);
        if a.karat_like && !(before.is_some_and(|b| !matches!(b, Bound::Around | Bound::Near))) {
            out.rejected.push((a.start, a.end, "a karat, not a price"));
            i = a.end;
            continue;
        }
        // A range: "X-Y", "X to Y", "between X and Y"
        let joiner = t.is_sym(a.end, "-")
            || t.is_sym(a.end, "~")
            || t.word(a.end) == "to"
            || (t.word(a.end) == "and" && before == Some(Bound::Between));
        if joiner && let Some(b) = amount_at(t, a.end + 1) {
            let unit = unit_after(t, &b) && !b.currency;
            let priced = a.currency
                || b.currency
                || before.is_some()
                || (a.value >= 20.0 && b.value >= 20.0);
            if !unit && priced && !b.karat_like {
                let mut av = a.value;
                // "1-2k": the k of the second amount applies to the first
                if b.currency
                    && !a.currency
                    && b.value >= 1000.0
                    && av < 100.0
                    && av * 1000.0 <= b.value
                {
                    av *= 1000.0;
                }
                let (lo, hi) = if av <= b.value {
                    (av, b.value)
                } else {
                    (b.value, av)
                };
                out.min = Some(lo);
                out.max = Some(hi);
                out.currency |= a.currency || b.currency;
                out.notes.push(PriceNote {
                    from: a.start.saturating_sub(usize::from(before.is_some())),
                    to: b.end,
                    what: format!("a range: min {lo}, max {hi}"),
                });
                i = b.end;
                continue;
            }
            if unit {
                out.rejected
                    .push((a.start, b.end + 1, "a range of a unit, not of prices"));
                i = b.end + 1;
                continue;
            }
        }
        let after = bound_after(t, a.end);
        let bound = match (after, before) {
            (Some((b, _)), _) => Some(b),
            (None, Some(b @ (Bound::Around | Bound::Near))) => {
                (a.value >= 20.0 || a.currency).then_some(b)
            }
            (None, Some(b)) => Some(b),
            (None, None) => a.currency.then_some(Bound::Around),
        };
        let end = a.end + after.map_or(0, |(_, len)| len);
        out.currency |= a.currency && bound.is_some();
        match bound {
            Some(Bound::Max | Bound::Around | Bound::Between) => {
                out.max = Some(a.value);
                out.notes.push(PriceNote {
                    from: a.start,
                    to: end,
                    what: format!("max {}", a.value),
                });
            }
            Some(Bound::Near) => {
                let (lo, hi) = (
                    cents(a.value * (1.0 - around)),
                    cents(a.value * (1.0 + around)),
                );
                out.min = Some(lo);
                out.max = Some(hi);
                out.notes.push(PriceNote {
                    from: a.start,
                    to: end,
                    what: format!("around {}: min {lo}, max {hi}", a.value),
                });
            }
            Some(Bound::Min | Bound::From) => {
                out.min = Some(a.value);
                out.notes.push(PriceNote {
                    from: a.start,
                    to: end,
                    what: format!("min {}", a.value),
                });
            }
            None => {}
        }
        i = end.max(i + 1);
    }
    if let (Some(lo), Some(hi)) = (out.min, out.max)
        && lo > hi
    {
        out.min = Some(hi);
        out.max = Some(lo);
    }
    out
}

/// An amount rounded to the cent.
fn cents(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn skip_range(t: &Tokens<'_>, end: usize) -> usize {
    if (t.is_sym(end, "-") || t.word(end) == "to" || t.word(end) == "or")
        && let Some(b) = amount_at(t, end + 1)
    {
        return b.end;
    }
    end.max(1)
}
