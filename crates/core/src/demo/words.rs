//! How each metal is named in titles, descriptions and alt text, and what it does to a price.

use crate::catalog::Metal;

/// `Yellow Gold`, `Platinum`, `Sterling Silver`: the metal as a title says it (karat added apart).
pub(super) fn title_name(metal: Metal) -> &'static str {
    match metal {
        Metal::YellowGold => "Yellow Gold",
        Metal::WhiteGold => "White Gold",
        Metal::RoseGold => "Rose Gold",
        Metal::Platinum => "Platinum",
        Metal::Silver => "Sterling Silver",
    }
}

/// `rose gold`, `platinum`, `sterling silver`: the metal inside a sentence (karat added apart).
pub(super) fn prose_name(metal: Metal) -> &'static str {
    match metal {
        Metal::YellowGold => "yellow gold",
        Metal::WhiteGold => "white gold",
        Metal::RoseGold => "rose gold",
        Metal::Platinum => "platinum",
        Metal::Silver => "sterling silver",
    }
}

/// `Rose gold`, `Sterling silver`: the metal opening an alt text.
pub(super) fn alt_name(metal: Metal) -> &'static str {
    match metal {
        Metal::Silver => "Sterling silver",
        other => other.label(),
    }
}

/// Whether the metal is sold by karat (only gold is).
pub(super) fn is_gold(metal: Metal) -> bool {
    matches!(
        metal,
        Metal::YellowGold | Metal::WhiteGold | Metal::RoseGold
    )
}

/// Price of the metal version relative to the gold design's base price, in percent.
/// White gold carries rhodium plating; platinum is denser and dearer; silver is a fraction.
pub(super) fn price_percent(metal: Metal) -> i64 {
    match metal {
        Metal::YellowGold | Metal::RoseGold => 100,
        Metal::WhiteGold => 105,
        Metal::Platinum => 160,
        Metal::Silver => 18,
    }
}

/// Rounds a dollar amount the way a jeweller prices: `$49`, `$849`, `$1,250`, `$12,750`.
/// `salt` picks between the `…50` and `…49` styles below $1,000 so prices do not all look alike.
pub(super) fn retail_dollars(dollars: i64, salt: u64) -> i64 {
    let round = |step: i64| ((dollars + step / 2) / step) * step;
    match dollars {
        ..100 => round(10).max(50) - 1,
        100..1_000 if salt.is_multiple_of(2) => round(50) - 1,
        100..1_000 => round(50),
        1_000..5_000 => round(50),
        _ => round(250),
    }
}
