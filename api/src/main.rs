//! `shortscience`: serve the site, migrate the database, load demo content, administer users.

use anyhow::Context;
use api::config::Config;
use api::startup::{Application, openapi};
use api::{db, demo};
use clap::{Parser, Subcommand, ValueEnum};
use tracing_subscriber::EnvFilter;

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
    /// Print the OpenAPI document (what `openapi/openapi.json` holds).
    Openapi,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Give a user a role.
    SetRole { name: String, role: Role },
}

#[derive(Clone, Copy, ValueEnum)]
enum Role {
    User,
    Moderator,
    Admin,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
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
        .init();
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => {
            let db = connect(&config).await?;
            if demo && demo::load(&db).await? {
                tracing::info!("loaded the demo papers and summaries");
            }
            let app = Application::with_database(config.clone(), db)?;
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
        Command::User {
            command: UserCommand::SetRole { name, role },
        } => {
            let db = connect(&config).await?;
            if !db::users::set_role(&db, &name, role.as_str()).await? {
                anyhow::bail!("no user named {name:?}");
            }
            tracing::info!(user = %name, role = role.as_str(), "role changed");
        }
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

async fn connect(config: &Config) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;
    Ok(db)
}
