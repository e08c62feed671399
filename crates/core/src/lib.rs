//! The concierge's domain: the catalog, orders, and the [`store::Store`] trait it asks storage for.
//! No HTTP, no SQL: the server and the store crates depend on this one, never the other way.

pub mod catalog;
pub mod concierge;
pub mod conversations;
pub mod demo;
pub mod email;
pub mod flags;
pub mod import;
pub mod insight;
pub mod knowledge;
pub mod money;
pub mod orders;
pub mod services;
pub mod staff;
pub mod store;
mod text_index;
pub mod tickets;
pub mod tokens;
