use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Aurora Concierge: a self-hosted shopping concierge for online jewelry stores.
///
/// Settings come from defaults, then an optional `aurora.toml` in the working directory (or the
/// file named by `--config`), then `AURORA_*` environment variables; see docs/configuration.md.
#[derive(Debug, Parser)]
#[command(name = "aurora", version, about, long_about)]
pub struct Cli {
    /// Read settings from this TOML file instead of ./aurora.toml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the concierge service (the default when no command is given).
    ///
    /// Applies pending database migrations, then serves the shopper API and the widget on
    /// AURORA_LISTEN until SIGTERM or Ctrl-C, finishing in-flight requests before it exits.
    /// Requires AURORA_SECRET_KEY.
    Serve,
    /// Apply pending database migrations to AURORA_DATABASE_URL and exit.
    Migrate,
    /// Run the demo jewelry store "Gilded Grove" with the concierge embedded.
    ///
    /// Uses its own database (aurora-demo.db, or AURORA_DATABASE_URL from the environment),
    /// seeds it with demo products and orders when it is empty, generates and keeps its own
    /// secret key, and serves the storefront at http://127.0.0.1:8080 (AURORA_LISTEN). It
    /// refuses to touch a database that holds a real store's data.
    Demo,
    /// Show how the concierge understands shopper messages.
    ///
    /// With a message as arguments, explains which words matched which intent, filter or order
    /// number, and why other intents lost ("why did the widget say that?"). Without arguments,
    /// reads one message per line on stdin and writes one JSON object per line, in order:
    /// {"intent": …, "filters": {"category", "metals", "min_price", "max_price",
    /// "ready_to_ship", …}, "order_number": …}, and "request": "cancellation" for "cancel my
    /// order" (intent returns). Filters name only what the message says: also "kind" (a type
    /// word: "hoops" → earrings of type hoops), "sort" (price_asc, price_desc, newest),
    /// "occasion" and "recipient" (a gift's context: "anniversary gift for my wife").
    Understand {
        /// The message to explain.
        message: Vec<String>,
    },
    /// Manage the product catalog.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Check or import the store's knowledge file: its own answers to shoppers' questions
    /// (shipping, returns, materials, payment, …). See docs/knowledge.md for the format.
    #[command(subcommand)]
    Knowledge(KnowledgeCommand),
    /// Bring in the store's orders from its platform's export.
    #[command(subcommand)]
    Orders(OrdersCommand),
    /// Manage API tokens: what other systems use to call Aurora (e.g. push orders).
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// Read or change who sees the widget: the kill switch, the rollout percentage, the beta
    /// allow-list. A change is stored in the database, applies to every instance within a few
    /// seconds without a restart, overrides the AURORA_CONCIERGE_* settings until reset, and is
    /// written to an audit log.
    #[command(subcommand)]
    Flags(FlagsCommand),
    /// Print the API's OpenAPI 3.1 description (as served at /api/openapi.json) and exit.
    ///
    /// It is generated from the handlers; docs/api/openapi.json is this output, and a test
    /// fails when that copy is stale: `aurora openapi > docs/api/openapi.json` renews it.
    Openapi,
    /// Read support tickets (returns, resizes, stylist requests); the workspace at /dashboard
    /// is where staff work them.
    #[command(subcommand)]
    Tickets(TicketsCommand),
    /// Manage the staff accounts of the support workspace (/dashboard).
    #[command(subcommand)]
    Users(UsersCommand),
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a staff account. Without --password-stdin, prints a one-time set-password link
    /// (valid 3 days) to give the person.
    Add {
        /// Their email: what they sign in with.
        email: String,
        /// owner, admin, agent, stylist or viewer (docs/workspace.md lists what each may do).
        #[arg(long)]
        role: String,
        /// Read the password from the first line of stdin instead of printing a link.
        #[arg(long)]
        password_stdin: bool,
        /// Who makes the change, for the audit log.
        #[arg(long, env = "USER", default_value = "unknown")]
        actor: String,
    },
    /// Every account: email, role, state, id.
    List,
    /// Disable an account: it can no longer sign in, its sessions end, tokens bound to it stop.
    Disable {
        /// The account's email or id.
        who: String,
        /// Who makes the change, for the audit log.
        #[arg(long, env = "USER", default_value = "unknown")]
        actor: String,
    },
    /// Change an account's role.
    Role {
        /// The account's email or id.
        who: String,
        /// The new role.
        role: String,
        /// Who makes the change, for the audit log.
        #[arg(long, env = "USER", default_value = "unknown")]
        actor: String,
    },
    /// Print a new one-time set-password link for an account (the previous one stops working).
    Link {
        /// The account's email or id.
        who: String,
        /// Who makes the link, for the audit log.
        #[arg(long, env = "USER", default_value = "unknown")]
        actor: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum FlagsCommand {
    /// The effective flag, where each value comes from, and the recent changes.
    Get,
    /// Override values at runtime; values not given keep their current override.
    Set {
        /// The kill switch: false hides the widget and pauses the concierge.
        #[arg(long)]
        enabled: Option<bool>,
        /// Percentage of shoppers who see the widget, 0 to 100.
        #[arg(long)]
        rollout: Option<u8>,
        /// Comma-separated emails that always see it (beta allow-list).
        #[arg(long)]
        allowed_users: Option<String>,
        /// Who makes the change, for the audit log.
        #[arg(long, env = "USER", default_value = "unknown")]
        actor: String,
    },
    /// Drop the runtime change: the AURORA_CONCIERGE_* settings apply again.
    Reset {
        /// Who makes the change, for the audit log.
        #[arg(long, env = "USER", default_value = "unknown")]
        actor: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TicketsCommand {
    /// The newest tickets, one line each: reference, time, kind, email, summary.
    List {
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// One ticket with everything it carries: the request, the transcript, the shortlist, the
    /// active filters and the products shown.
    Show {
        /// The ticket reference, e.g. ST-193027.
        reference: String,
        /// Print it as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KnowledgeCommand {
    /// Check a knowledge file and list its sections; every problem is reported with its line.
    /// Exits 1 when the file has any problem. Changes nothing.
    Check {
        /// The Markdown file.
        file: PathBuf,
    },
    /// Check a knowledge file and, when it has no problem, store it in the database in place
    /// of the previous one. A running server answers from it within
    /// AURORA_CATALOG_POLL_SECONDS, without a restart. A file with problems changes nothing.
    Import {
        /// The Markdown file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Import products from a JSON Lines file (.jsonl) or a Shopify product CSV export (.csv).
    ///
    /// The whole file is checked first; if any row is bad, every problem is reported with its
    /// row and column and nothing is imported. Otherwise all products are written in one
    /// transaction: existing products (same id or handle) are updated, new ones created,
    /// others left as they are. A running server picks the change up within
    /// AURORA_CATALOG_POLL_SECONDS. See docs/catalog-import.md for the formats.
    Import {
        /// The file to import.
        file: PathBuf,
        /// The file's format, when its extension does not tell.
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportFormat {
    /// The project's own format: one product JSON object per line.
    Json,
    /// Shopify's product CSV, the older export or the current template and export.
    ShopifyCsv,
    /// WooCommerce's product CSV export.
    WoocommerceCsv,
}

#[derive(Debug, Subcommand)]
pub enum OrdersCommand {
    /// Import orders from Shopify's orders export (Orders → Export, CSV) or a JSON Lines file.
    ///
    /// The whole file is checked first; if any row is bad, every problem is reported with its
    /// row and column and nothing is imported. Otherwise all orders are written in one
    /// transaction: new orders are created, stored ones replaced, except an order stored with a
    /// later update (e.g. from a webhook), which is left as it is. Orders without an email
    /// (point-of-sale, phone) are left out with a warning. See docs/orders.md.
    Import {
        /// The file to import.
        file: PathBuf,
        /// The file's format, when its extension and header do not tell.
        #[arg(long, value_enum)]
        format: Option<OrdersFormat>,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OrdersFormat {
    /// The project's own format: one order JSON object per line (docs/orders.md).
    Json,
    /// Shopify's orders export.
    ShopifyCsv,
}

#[derive(Debug, Subcommand)]
pub enum TokensCommand {
    /// Create a token; its secret is printed once and cannot be shown again.
    Create {
        /// What the token may do (repeat for several): orders:write, tickets:read,
        /// tickets:write, flags:read, flags:write, conversations:read, analytics:read, users:write.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
        /// What it is for, for people ("WooCommerce orders sync").
        #[arg(long, default_value = "")]
        name: String,
        /// Bind it to a staff account (email or id): it may then do only what both its scopes
        /// and the account's role allow, and stops when the account is disabled.
        #[arg(long)]
        user: Option<String>,
    },
    /// Every token: id, name, scopes, created, last used, revoked.
    List,
    /// Revoke a token by its id; calls with it are refused from then on.
    Revoke {
        /// The token's id (tok_…), as `aurora tokens list` shows it.
        id: String,
    },
}
