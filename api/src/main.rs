//! `shortscience`: serve the site, migrate the database, load demo content, administer users.

use std::io::IsTerminal;

use anyhow::Context;
use api::config::Config;
use api::startup::{Application, openapi};
use api::{db, demo};
use clap::{Parser, Subcommand, ValueEnum};
use shared::accounts::Role;
use tracing_subscriber::EnvFilter;

/// glibc's allocator kept what each Argon2id hash freed (19 MiB): after 128 sign-ups the server
/// held 1.1–2.4 GB, against 58 MB with a fixed mmap threshold. mimalloc returns it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "shortscience",
    version,
    about = "Short summaries of research papers: API and web app"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the web app (the default).
    Serve {
        /// Load the demo papers and summaries first if they are not there yet.
        #[arg(long)]
        demo: bool,
    },
    /// Bring the database schema up to date and exit.
    Migrate,
    /// Load the demo set, or generate synthetic summaries in volume.
    Demo {
        /// Generate this many synthetic summaries (over N/5 papers and N/20 users) instead.
        #[arg(long)]
        summaries: Option<usize>,
        /// Seed of the synthetic generator (random if not given); runs with different seeds add up.
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Administer accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import papers from arXiv, Crossref or DBLP by identifier (ids, links, DOIs, DBLP keys).
    Import {
        /// Identifiers to import.
        identifiers: Vec<String>,
        /// A file with one identifier per line (blank lines and `#` comments are skipped).
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// Print the OpenAPI document (what `openapi/openapi.json` holds).
    Openapi,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Give a user a role.
    SetRole { name: String, role: RoleArg },
    /// Ban a user: they can still read, but every write gets 403.
    Ban { name: String },
    /// Lift a ban.
    Unban { name: String },
    /// Print a one-hour password-reset link for a user (for operators without SMTP).
    ResetLink { name: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    User,
    Moderator,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Role {
        match role {
            RoleArg::User => Role::User,
            RoleArg::Moderator => Role::Moderator,
            RoleArg::Admin => Role::Admin,
        }
    }
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&config.log).context("SHORTSCIENCE_LOG is not a valid filter")?)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            let db = connect(&config).await?;
            if demo && demo::load(&db).await? {
                tracing::info!("loaded the demo papers and summaries");
            }
            let app = Application::with_database(config.clone(), db).await?;
            tracing::info!(address = %app.address(), database = %config.database_label(), "serving ShortScience");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            connect(&config).await?;
            tracing::info!("database is up to date");
        }
        Command::Demo { summaries: None, .. } => {
            let db = connect(&config).await?;
            let added = demo::load(&db).await?;
            tracing::info!(added, "demo set loaded");
        }
        Command::Demo {
            summaries: Some(count),
            seed,
        } => {
            let db = connect(&config).await?;
            demo::generate(&db, count, seed.unwrap_or_else(rand::random)).await?;
        }
        Command::User { command } => administer(&config, command).await?,
        Command::Import { identifiers, file } => import(&config, identifiers, file).await?,
        Command::Openapi => {
            let json = openapi().to_pretty_json()?;
            #[allow(clippy::print_stdout, reason = "printing the document is this command's job")]
            {
                println!("{json}");
            }
        }
    }
    Ok(())
}

async fn administer(config: &Config, command: UserCommand) -> anyhow::Result<()> {
    let db = connect(config).await?;
    let no_such_user = |name: &str| anyhow::anyhow!("no user named {name:?}");
    match command {
        UserCommand::SetRole { name, role } => {
            let role = Role::from(role);
            if !db::accounts::set_role(&db, &name, role).await? {
                return Err(no_such_user(&name));
            }
            tracing::info!(user = %name, role = role.as_str(), "role changed");
        }
        UserCommand::Ban { name } => {
            if !api::domain::users::set_banned(&db, &name, true).await? {
                return Err(no_such_user(&name));
            }
            tracing::info!(user = %name, "banned");
        }
        UserCommand::Unban { name } => {
            if !api::domain::users::set_banned(&db, &name, false).await? {
                return Err(no_such_user(&name));
            }
            tracing::info!(user = %name, "ban lifted");
        }
        UserCommand::ResetLink { name } => {
            let link = api::domain::accounts::reset_link(&db, &config.public_url, &name)
                .await?
                .ok_or_else(|| no_such_user(&name))?;
            #[allow(clippy::print_stdout, reason = "printing the link is this command's job")]
            {
                println!("{link}");
            }
        }
    }
    Ok(())
}

/// Imports each identifier, with a progress bar and a closing count; fails when any failed.
async fn import(
    config: &Config,
    mut identifiers: Vec<String>,
    file: Option<std::path::PathBuf>,
) -> anyhow::Result<()> {
    if let Some(path) = file {
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        identifiers.extend(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_owned),
        );
    }
    anyhow::ensure!(
        !identifiers.is_empty(),
        "nothing to import: give identifiers or --file"
    );
    let db = connect(config).await?;
    let upstreams = api::upstream::Upstreams::new(config)?;
    let progress = indicatif::ProgressBar::new(identifiers.len() as u64);
    let (mut created, mut existing, mut failed) = (0, 0, 0);
    for identifier in &identifiers {
        progress.set_message(identifier.clone());
        match api::domain::papers::import(&db, &upstreams, None, identifier).await {
            Ok(imported) if imported.created => created += 1,
            Ok(_) => existing += 1,
            Err(err) => {
                failed += 1;
                progress.suspend(|| tracing::warn!(%identifier, error = %err, "import failed"));
            }
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    if created > 0 {
        db::bulk::analyze(&db).await?;
    }
    tracing::info!(created, existing, failed, "import finished");
    anyhow::ensure!(
        failed == 0,
        "{failed} of {} identifiers failed",
        identifiers.len()
    );
    Ok(())
}

async fn connect(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    db::connect_migrated(&config.database_url).await
}
