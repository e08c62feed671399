//! The jewelry words every layer shares: categories and metals (the catalog stores them, search
//! filters by them, messages are understood as them).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What kind of jewelry a product is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Rings and bands.
    Rings,
    /// Necklaces, pendants and chains.
    Necklaces,
    /// Earrings: studs, hoops, drops.
    Earrings,
    /// Bracelets, bangles and cuffs.
    Bracelets,
    /// Anything else a store sells (watches, brooches, charms), imported only when the store asks
    /// for it (`AURORA_CATALOG_UNMAPPED=other`). It exists only in the catalog: a message is
    /// never understood as it and no quick link offers it.
    Other,
}

impl Category {
    /// Every category a product can be in, in display order.
    pub const ALL: [Category; 5] = [
        Category::Rings,
        Category::Necklaces,
        Category::Earrings,
        Category::Bracelets,
        Category::Other,
    ];

    /// The categories shoppers are offered and messages are understood as (all but `Other`).
    pub const SHOPPER: [Category; 4] = [
        Category::Rings,
        Category::Necklaces,
        Category::Earrings,
        Category::Bracelets,
    ];

    /// The stable machine name (`rings`), as stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Rings => "rings",
            Category::Necklaces => "necklaces",
            Category::Earrings => "earrings",
            Category::Bracelets => "bracelets",
            Category::Other => "other",
        }
    }

    /// The shopper-facing name (`Rings`).
    pub fn label(self) -> &'static str {
        match self {
            Category::Rings => "Rings",
            Category::Necklaces => "Necklaces",
            Category::Earrings => "Earrings",
            Category::Bracelets => "Bracelets",
            Category::Other => "Other",
        }
    }

    /// The singular noun (`ring`), for alt text and sentences.
    pub fn singular(self) -> &'static str {
        match self {
            Category::Rings => "ring",
            Category::Necklaces => "necklace",
            Category::Earrings => "pair of earrings",
            Category::Bracelets => "bracelet",
            Category::Other => "piece",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not one of the known categories or metals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// `category` or `metal`.
    pub kind: &'static str,
    /// What was given.
    pub value: String,
}

impl FromStr for Category {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownName {
                kind: "category",
                value: s.to_string(),
            })
    }
}

/// The metal a product is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metal {
    /// Yellow gold (plain "gold").
    YellowGold,
    /// White gold.
    WhiteGold,
    /// Rose (pink, red) gold.
    RoseGold,
    /// Platinum.
    Platinum,
    /// Silver, sterling silver.
    Silver,
}

impl Metal {
    /// Every metal, in display order.
    pub const ALL: [Metal; 5] = [
        Metal::YellowGold,
        Metal::WhiteGold,
        Metal::RoseGold,
        Metal::Platinum,
        Metal::Silver,
    ];

    /// The stable machine name (`rose_gold`), as stored and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Metal::YellowGold => "yellow_gold",
            Metal::WhiteGold => "white_gold",
            Metal::RoseGold => "rose_gold",
            Metal::Platinum => "platinum",
            Metal::Silver => "silver",
        }
    }

    /// The shopper-facing name (`Rose gold`).
    pub fn label(self) -> &'static str {
        match self {
            Metal::YellowGold => "Yellow gold",
            Metal::WhiteGold => "White gold",
            Metal::RoseGold => "Rose gold",
            Metal::Platinum => "Platinum",
            Metal::Silver => "Silver",
        }
    }
}

impl fmt::Display for Metal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Metal {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Metal::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| UnknownName {
                kind: "metal",
                value: s.to_string(),
            })
    }
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.kind, self.value)
    }
}

impl std::error::Error for UnknownName {}
