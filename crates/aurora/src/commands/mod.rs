//! One module per subcommand; each wires configuration to the library crates.

mod catalog;
mod demo;
mod flags;
mod import;
mod migrate;
mod orders;
mod serve;
mod tickets;
mod tokens;
mod understand;

use crate::cli::{
    CatalogCommand, Cli, Command, FlagsCommand, OrdersCommand, TicketsCommand, TokensCommand,
};
use crate::config::{Config, Mode};
use std::process::ExitCode;

/// Runs the chosen command (`serve` when none is given).
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli.command.unwrap_or(Command::Serve);
    let mode = match command {
        Command::Demo => Mode::Demo,
        _ => Mode::Store,
    };
    let needs_secret = matches!(command, Command::Serve);
    let config = Config::load(cli.config.as_deref(), mode, needs_secret)?;
    crate::logging::init(&config.log, config.log_format);
    match command {
        Command::Serve => serve::run(config).await,
        Command::Migrate => migrate::run(config).await,
        Command::Demo => demo::run(config).await,
        Command::Catalog(CatalogCommand::Import { file, format }) => {
            catalog::import(config, &file, format).await
        }
        Command::Orders(OrdersCommand::Import { file, format }) => {
            orders::import(config, &file, format).await
        }
        Command::Tokens(TokensCommand::Create { scopes, name }) => {
            tokens::create(config, &scopes, &name).await
        }
        Command::Tokens(TokensCommand::List) => tokens::list(config).await,
        Command::Tokens(TokensCommand::Revoke { id }) => tokens::revoke(config, &id).await,
        Command::Openapi => {
            print!("{}", aurora_server::openapi_json());
            Ok(ExitCode::SUCCESS)
        }
        Command::Understand { message } => understand::run(&config, &message),
        Command::Tickets(TicketsCommand::List { limit }) => tickets::list(config, limit).await,
        Command::Flags(FlagsCommand::Get) => flags::get(config).await,
        Command::Flags(FlagsCommand::Set {
            enabled,
            rollout,
            allowed_users,
            actor,
        }) => flags::set(config, enabled, rollout, allowed_users, actor).await,
        Command::Flags(FlagsCommand::Reset { actor }) => flags::reset(config, actor).await,
        Command::Tickets(TicketsCommand::Show { reference, json }) => {
            tickets::show(config, &reference, json).await
        }
    }
}
