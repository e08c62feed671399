//! One module per subcommand; each wires configuration to the library crates.

mod catalog;
mod demo;
mod flags;
mod import;
mod knowledge;
mod migrate;
mod orders;
mod serve;
mod tickets;
mod tokens;
mod understand;
mod users;

use crate::cli::{
    CatalogCommand, Cli, Command, FlagsCommand, KnowledgeCommand, OrdersCommand, TicketsCommand,
    TokensCommand, UsersCommand,
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
        Command::Knowledge(KnowledgeCommand::Check { file }) => knowledge::check(&file),
        Command::Knowledge(KnowledgeCommand::Import { file }) => {
            knowledge::import(config, &file).await
        }
        Command::Orders(OrdersCommand::Import { file, format }) => {
            orders::import(config, &file, format).await
        }
        Command::Tokens(TokensCommand::Create { scopes, name, user }) => {
            tokens::create(config, &scopes, &name, user.as_deref()).await
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
        Command::Users(UsersCommand::Add {
            email,
            role,
            password_stdin,
            actor,
        }) => users::add(config, &email, &role, password_stdin, &actor).await,
        Command::Users(UsersCommand::List) => users::list(config).await,
        Command::Users(UsersCommand::Disable { who, actor }) => {
            users::disable(config, &who, &actor).await
        }
        Command::Users(UsersCommand::Role { who, role, actor }) => {
            users::role(config, &who, &role, &actor).await
        }
        Command::Users(UsersCommand::Link { who, actor }) => {
            users::link(config, &who, &actor).await
        }
    }
}
