//! `ripcord token create|list|revoke`: through the server with an admin token, or
//! directly on a state store, `--data-dir`, `--database-url` or `RIPCORD_DATABASE_URL`
//! (the bootstrap: the first admin token).

use std::time::Duration;

use clap::{Args, Subcommand};
use jiff::Timestamp;
use ripcord_agent::ApiClient;
use ripcord_core::auth::{Role, TokenInfo};
use ripcord_core::{Printable, exit};
use ripcord_server::Opening;

use super::{OutputFormat, StoreArgs};
use crate::config::Config;

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// Where the tokens are: a server (the default), or a state store, given by flag or
/// configured (`RIPCORD_DATABASE_URL`): to create the first admin token, or with the
/// server down.
#[derive(Debug, Clone, Args)]
pub struct Target {
    #[command(flatten)]
    pub store: StoreArgs,
    #[arg(long, value_parser = OutputFormat::people_or_machines(), default_value = "human")]
    pub format: OutputFormat,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token; its secret is printed once, and only a hash of it is kept
    Create {
        /// What it may do: viewer (read), agent (read, and report for agent ids under its
        /// name), operator (read, halt, resume) or admin (all, and tokens)
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Who it is: the audit log records this name for its changes
        #[arg(long)]
        name: String,
        /// How long it is valid, e.g. `90d`, `12h` [default: until revoked]
        #[arg(long, value_parser = humantime::parse_duration)]
        expires: Option<Duration>,
        #[command(flatten)]
        target: Target,
    },
    /// List tokens: prefix, name, role, created, last used, expiry
    List {
        #[command(flatten)]
        target: Target,
    },
    /// Revoke a token by its prefix (as `list` shows it), its name, or the token itself
    Revoke {
        #[arg(value_name = "PREFIX_OR_NAME")]
        prefix_or_name: String,
        #[command(flatten)]
        target: Target,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    text.parse()
}

pub async fn run(config: Config, args: TokenArgs) -> anyhow::Result<u8> {
    let actor = super::default_actor();
    let by = changer(&config, &actor);
    match args.command {
        TokenCommand::Create {
            role,
            name,
            expires,
            target,
        } => {
            let (secret, info) = match target.store.chosen(&config.serve)? {
                Some(serve) => {
                    let store =
                        ripcord_server::open_store(&serve, Opening::CreateIfMissing).await?;
                    let created =
                        ripcord_server::create_token(store.as_ref(), &name, role, expires, by)
                            .await;
                    store.close().await;
                    created?
                }
                None => {
                    let created = api(&config)?.create_token(&name, role, expires).await?;
                    (created.token, created.info)
                }
            };
            match target.format {
                OutputFormat::Json => {
                    let mut json = serde_json::to_value(&info)?;
                    json["token"] = secret.expose().into();
                    println!("{}", serde_json::to_string_pretty(&json)?);
                }
                _ => {
                    println!("{}", secret.expose());
                    eprintln!(
                        "created {} token `{}` ({}); this is the only time it is shown",
                        info.role,
                        shown(&info.name),
                        info.prefix
                    );
                }
            }
        }
        TokenCommand::List { target } => {
            let tokens = match target.store.chosen(&config.serve)? {
                Some(serve) => {
                    let store = ripcord_server::open_store(&serve, Opening::MustExist).await?;
                    let tokens = store.tokens().await;
                    store.close().await;
                    tokens?.into_iter().map(|token| token.info).collect()
                }
                None => api(&config)?.tokens().await?,
            };
            match target.format {
                OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&tokens)?),
                _ => print_tokens(&tokens),
            }
        }
        TokenCommand::Revoke {
            prefix_or_name: token,
            target,
        } => {
            let revoked = match target.store.chosen(&config.serve)? {
                Some(serve) => {
                    let store = ripcord_server::open_store(&serve, Opening::MustExist).await?;
                    let revoked = ripcord_server::revoke_token(store.as_ref(), &token, by).await;
                    store.close().await;
                    revoked?.ok_or_else(|| {
                        let reference = ripcord_core::auth::token_reference(&token);
                        anyhow::anyhow!(
                            "no live token has the prefix or name `{}`",
                            shown(&reference)
                        )
                    })?
                }
                // A leaked token is sent as its prefix: the secret stays off the wire.
                None => {
                    api(&config)?
                        .revoke_token(&ripcord_core::auth::token_reference(&token))
                        .await?
                }
            };
            match target.format {
                OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&revoked)?),
                _ => println!(
                    "revoked {} token `{}` ({})",
                    revoked.role,
                    shown(&revoked.name),
                    revoked.prefix
                ),
            }
        }
    }
    Ok(exit::SUCCESS)
}

/// The audit log names who changed a token on the store: this user and host.
fn changer<'a>(config: &'a Config, actor: &'a str) -> ripcord_server::Changer<'a> {
    ripcord_server::Changer {
        actor,
        key: config.serve.audit_key(),
    }
}

pub(super) fn api(config: &Config) -> anyhow::Result<ApiClient> {
    let token = config.client.resolve_token()?;
    api_with(config, &config.server_url(), token.as_ref())
}

/// A client of the server at `url` with `token` (already resolved) and the configured
/// timeout.
pub(super) fn api_with(
    config: &Config,
    url: &str,
    token: Option<&ripcord_core::auth::Secret>,
) -> anyhow::Result<ApiClient> {
    Ok(ApiClient::new(url, token)?.with_timeout(config.client.request_timeout))
}

fn shown(text: &str) -> String {
    Printable(text).to_string()
}

fn print_tokens(tokens: &[TokenInfo]) {
    if tokens.is_empty() {
        println!("no tokens: the server answers local requests only");
        return;
    }
    let now = Timestamp::now();
    println!(
        "{:<14} {:<24} {:<9} {:<20} {:<20} STATE",
        "PREFIX", "NAME", "ROLE", "CREATED", "LAST USED"
    );
    let day = |at: Option<Timestamp>| {
        at.map(|at| at.strftime("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "-".into())
    };
    for token in tokens {
        let state = match (token.revoked, token.expires) {
            (Some(at), _) => format!("revoked {}", day(Some(at))),
            (None, Some(expires)) if expires <= now => format!("expired {}", day(Some(expires))),
            (None, Some(expires)) => format!("expires {}", day(Some(expires))),
            (None, None) => "valid".into(),
        };
        println!(
            "{:<14} {:<24} {:<9} {:<20} {:<20} {state}",
            token.prefix,
            shown(&token.name),
            token.role.as_str(),
            day(Some(token.created)),
            day(token.last_used),
        );
    }
}
