//! Accuracy per data set, printed (`cargo test -p aurora-nlu --test accuracy -- --nocapture`),
//! failing below floors set just under what the rules achieve. `*_tune` sets were looked at while
//! writing the rules; `*_check` sets were not (see data/README.md).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aurora_nlu::{Intent, NluConfig, Understander};

fn understander() -> Understander {
    Understander::new(&NluConfig::default()).unwrap()
}

fn rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
}

/// An out-of-scope sentence may honestly answer with `help`.
fn intent_ok(expected: &str, got: Intent) -> bool {
    got.as_str() == expected || (expected == "unknown" && got == Intent::Help)
}

struct Score {
    in_scope: (usize, usize),
    out_of_scope: (usize, usize),
}

fn score_intents(name: &str, data: &str) -> Score {
    let u = understander();
    let mut s = Score {
        in_scope: (0, 0),
        out_of_scope: (0, 0),
    };
    let mut misses = Vec::new();
    for r in rows(data) {
        let got = u.understand(r[0]).intent;
        let ok = intent_ok(r[1], got);
        let bucket = if r[1] == "unknown" {
            &mut s.out_of_scope
        } else {
            &mut s.in_scope
        };
        bucket.0 += usize::from(ok);
        bucket.1 += 1;
        if !ok {
            misses.push(format!(
                "    expected {:<12} got {:<12} {}",
                r[1],
                got.as_str(),
                r[0]
            ));
        }
    }
    let pct = |(a, b): (usize, usize)| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    println!(
        "{name}: in-scope {}/{} = {:.1}%, out-of-scope unknown/help {}/{} = {:.1}%",
        s.in_scope.0,
        s.in_scope.1,
        pct(s.in_scope),
        s.out_of_scope.0,
        s.out_of_scope.1,
        pct(s.out_of_scope)
    );
    for m in misses.iter().take(15) {
        println!("{m}");
    }
    s
}

fn ratio((a, b): (usize, usize)) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

fn check(name: &str, data: &str, in_floor: f64, out_floor: f64) {
    let s = score_intents(name, data);
    assert!(
        ratio(s.in_scope) >= in_floor,
        "{name}: in-scope accuracy below {in_floor}"
    );
    assert!(
        ratio(s.out_of_scope) >= out_floor,
        "{name}: out-of-scope accuracy below {out_floor}"
    );
}

#[test]
fn clinc_train_subset_accuracy_stays_above_its_floor() {
    check(
        "clinc_tune",
        include_str!("data/clinc_tune.tsv"),
        0.98,
        0.99,
    );
}

#[test]
fn clinc_val_subset_accuracy_stays_above_its_floor() {
    check(
        "clinc_check (not tuned on)",
        include_str!("data/clinc_check.tsv"),
        0.95,
        0.99,
    );
}

#[test]
fn banking77_accuracy_stays_above_its_floor() {
    check(
        "banking77_tune",
        include_str!("data/banking77_tune.tsv"),
        1.0,
        0.99,
    );
    check(
        "banking77_check (not tuned on)",
        include_str!("data/banking77_check.tsv"),
        1.0,
        0.99,
    );
}

#[test]
fn own_in_scope_phrasings_accuracy_stays_above_its_floor() {
    check(
        "inscope_tune",
        include_str!("data/inscope_tune.tsv"),
        0.99,
        1.0,
    );
    check(
        "inscope_check (not tuned on)",
        include_str!("data/inscope_check.tsv"),
        0.95,
        1.0,
    );
}

#[test]
fn typing_slips_accuracy_stays_above_its_floor() {
    check(
        "typos_check (slips made by make_typos.py in the check sets, not tuned on)",
        include_str!("data/typos_check.tsv"),
        0.96,
        0.75,
    );
}

fn parse_price(s: &str) -> Option<f64> {
    (s != "-").then(|| s.parse().unwrap())
}

fn check_jewelry(name: &str, data: &str, floors: [f64; 3]) {
    let u = understander();
    let (mut n, mut intent, mut filters, mut price) = (0, 0, 0, 0);
    for r in rows(data) {
        let got = u.understand(r[0]);
        let f = &got.filters;
        let mut metals: Vec<&str> = f.metals.iter().map(|m| m.as_str()).collect();
        metals.sort_unstable();
        let mut want: Vec<&str> = if r[3] == "-" {
            vec![]
        } else {
            r[3].split(',').collect()
        };
        want.sort_unstable();
        let i_ok = got.intent.as_str() == r[1];
        let f_ok = f.category.map_or("-", |c| c.as_str()) == r[2] && metals == want;
        let p_ok = f.min_price == parse_price(r[4]) && f.max_price == parse_price(r[5]);
        n += 1;
        intent += usize::from(i_ok);
        filters += usize::from(f_ok);
        price += usize::from(p_ok);
        if !(i_ok && f_ok && p_ok) {
            println!(
                "    miss: {} -> {}",
                r[0],
                serde_json::to_string(&got).unwrap()
            );
        }
    }
    let pct = |x: usize| 100.0 * x as f64 / n as f64;
    println!(
        "{name}: {n} lines, intent {:.1}%, category+metals {:.1}%, price range {:.1}%",
        pct(intent),
        pct(filters),
        pct(price)
    );
    let got = [intent, filters, price].map(|x| x as f64 / n as f64);
    for (g, f) in got.iter().zip(floors) {
        assert!(*g >= f, "{name}: accuracy {g} below floor {f}");
    }
}

#[test]
fn jewelry_dev_set_accuracy_stays_above_its_floor() {
    check_jewelry(
        "jewelry_tune",
        include_str!("data/jewelry_tune.tsv"),
        [0.99, 0.99, 0.99],
    );
    check_jewelry(
        "jewelry_check (not tuned on)",
        include_str!("data/jewelry_check.tsv"),
        [0.97, 0.97, 0.97],
    );
}
