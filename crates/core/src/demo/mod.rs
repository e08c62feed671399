//! The demo store "Gilded Grove": a deterministic jewelry catalog and a set of orders in every
//! state, so `aurora demo` shows a believable store without any real data.
//!
//! [`products`] gives 359 products: each design in yellow, white and rose gold and platinum,
//! some also in sterling silver, from $49 to $14,250, about a third ready to ship. Platinum
//! rings start at $449, so "platinum rings under $300" shows the no-results alternatives.
//!
//! [`orders`] gives 32 orders whose timelines end just before the `now` passed in. Three to
//! try order lookup with (stable; cite these in the README):
//!
//! | Order       | Email                        | Status                                    |
//! |-------------|------------------------------|-------------------------------------------|
//! | `GG-104233` | `ava.thompson@example.com`   | shipped (UPS, with a tracking link)       |
//! | `GG-104187` | `liam.carter@example.org`    | in production (a custom signet ring)      |
//! | `GG-104052` | `sofia.martinez@example.com` | delivered (FedEx)                         |

mod designs;
mod orders;
mod products;
mod words;

pub use orders::orders;
pub use products::products;

/// Gilded Grove's knowledge file: its answers on shipping, returns, materials, payment, ….
pub const KNOWLEDGE: &str = include_str!("knowledge.md");

#[cfg(test)]
mod tests;
