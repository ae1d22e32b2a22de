//! The sandbox provider server.
//!
//! Run with: `cargo run -p ofconnect-sandbox -- --help`

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use ofconnect_sandbox::{ApiKey, ClientApp, Config, Environment, OfAuthKey};

/// A local emulation of the OnlyFansAPI provider: API, hosted connect flow.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to bind; loopback unless you really mean otherwise.
    #[arg(long, env = "SANDBOX_HOST", default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on.
    #[arg(long, env = "SANDBOX_PORT", default_value_t = 8081)]
    port: u16,
    /// The API key clients must send as `Authorization: Bearer <key>`.
    #[arg(long, env = "SANDBOX_API_KEY", default_value = ofconnect_sandbox_default_key(), hide_env_values = true)]
    api_key: String,
    /// Origins allowed to embed the hosted flow (comma-separated).
    /// Default: the demo's origin, http://localhost:$DEMO_PORT (8080).
    #[arg(long, env = "SANDBOX_ALLOWED_ORIGINS", value_delimiter = ',')]
    allowed_origins: Vec<String>,
    /// Extra host names the sandbox answers for (comma-separated), when it is
    /// reached by a name other than localhost/127.0.0.1 (e.g. in a CI network).
    #[arg(long, env = "SANDBOX_PUBLIC_HOSTS", value_delimiter = ',')]
    public_hosts: Vec<String>,
    /// Lifetime of a client session token, in seconds.
    #[arg(long, env = "SANDBOX_TOKEN_TTL", default_value_t = 900, value_parser = clap::value_parser!(u64).range(1..))]
    token_ttl: u64,
    /// Requests per API key per minute.
    #[arg(long, env = "SANDBOX_RATE_LIMIT_MINUTE", default_value_t = 1000)]
    rate_limit_minute: u32,
    /// A Cross-Origin-Opener-Policy for the hosted pages (e.g. `same-origin`,
    /// to see how a widget copes with a provider that cuts popups off).
    #[arg(long, env = "SANDBOX_COOP")]
    coop: Option<String>,
    /// Requests per API key per day.
    #[arg(long, env = "SANDBOX_RATE_LIMIT_DAY", default_value_t = 50_000)]
    rate_limit_day: u32,
    /// Failed API authentications per client IP address per minute, on each
    /// provider's API; past them the address gets 429 until the minute ends.
    #[arg(long, env = "SANDBOX_AUTH_FAILURE_LIMIT", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    auth_failure_limit: u32,
    /// The OFAuth sandbox API key (header `apikey`).
    #[arg(long, env = "SANDBOX_OFAUTH_KEY", default_value = ofconnect_sandbox::DEFAULT_OFAUTH_KEY, hide_env_values = true)]
    ofauth_key: String,
    /// An OFAuth production API key too (same endpoints, its own connections).
    #[arg(long, env = "SANDBOX_OFAUTH_PRODUCTION_KEY", hide_env_values = true)]
    ofauth_production_key: Option<String>,
    /// Redirect URIs of the OFAuth client app `app_sandbox` (default: `<origin>/ofauth/return` for each allowed origin).
    #[arg(long, env = "SANDBOX_REDIRECT_URIS", value_delimiter = ',')]
    redirect_uris: Vec<String>,
    /// A JSON file of OFAuth client apps, replacing `app_sandbox`:
    /// `[{"id": "app_crm", "allowedOrigins": ["https://crm.example"], "redirectUris": ["https://crm.example/back"]}]`.
    #[arg(long, env = "SANDBOX_CLIENT_APPS")]
    client_apps: Option<std::path::PathBuf>,
    /// The SQLite file OFAuth connections are kept in (created if missing).
    #[arg(
        long,
        env = "SANDBOX_DATABASE",
        default_value = "ofconnect-sandbox.sqlite3"
    )]
    database: std::path::PathBuf,
    /// Where to send OFAuth webhooks (none by default).
    #[arg(long, env = "SANDBOX_WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// The webhook signing secret.
    #[arg(long, env = "SANDBOX_WEBHOOK_SECRET", default_value = ofconnect_sandbox::DEFAULT_WEBHOOK_SECRET, hide_env_values = true)]
    webhook_secret: String,
    /// Access API requests per connection per minute.
    #[arg(long, env = "SANDBOX_ACCESS_RATE_LIMIT", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    access_rate_limit: u32,
}

const fn ofconnect_sandbox_default_key() -> &'static str {
    ofconnect_sandbox::DEFAULT_API_KEY
}

/// Reads a client apps file (see `--client-apps`).
fn read_client_apps(path: &std::path::Path) -> Result<Vec<ClientApp>, String> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct App {
        id: String,
        allowed_origins: Vec<String>,
        redirect_uris: Vec<String>,
    }
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let apps: Vec<App> = serde_json::from_str(&text)
        .map_err(|e| format!("expected [{{\"id\", \"allowedOrigins\", \"redirectUris\"}}]: {e}"))?;
    if apps.is_empty() || apps.iter().any(|a| a.id.is_empty()) {
        return Err("give at least one client app, each with a non-empty `id`".into());
    }
    Ok(apps
        .into_iter()
        .map(|a| ClientApp {
            id: a.id,
            allowed_origins: a.allowed_origins,
            redirect_uris: a.redirect_uris,
        })
        .collect())
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let allowed_origins = if args.allowed_origins.is_empty() {
        let demo_port = std::env::var("DEMO_PORT").unwrap_or_else(|_| "8080".into());
        vec![format!("http://localhost:{demo_port}")]
    } else {
        args.allowed_origins
    };
    let config = Config {
        api_keys: vec![ApiKey {
            key: args.api_key,
            allowed_origins: allowed_origins.clone(),
        }],
        token_ttl: Duration::from_secs(args.token_ttl),
        rate_limit_minute: args.rate_limit_minute,
        rate_limit_day: args.rate_limit_day,
        auth_failure_limit: args.auth_failure_limit,
        cross_origin_opener_policy: args.coop,
        public_hosts: args.public_hosts,
        ofauth_keys: std::iter::once((args.ofauth_key, Environment::Sandbox))
            .chain(
                args.ofauth_production_key
                    .map(|k| (k, Environment::Production)),
            )
            .map(|(key, environment)| OfAuthKey { key, environment })
            .collect(),
        database: Some(args.database),
        webhook_url: args.webhook_url,
        webhook_secret: args.webhook_secret,
        access_rate_limit: args.access_rate_limit,
        client_apps: match &args.client_apps {
            Some(path) => read_client_apps(path).unwrap_or_else(|e| {
                eprintln!("ofconnect-sandbox: {}: {e}", path.display());
                std::process::exit(2);
            }),
            None => {
                let mut app = ClientApp::for_origins(&allowed_origins);
                if !args.redirect_uris.is_empty() {
                    app.redirect_uris = args.redirect_uris;
                }
                vec![app]
            }
        },
        ..Config::default()
    };
    let app = match ofconnect_sandbox::app(config) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("ofconnect-sandbox: {e}");
            std::process::exit(1);
        }
    };
    let addr = SocketAddr::new(args.host, args.port);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ofconnect-sandbox: cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    // The bound address (with `--port 0`, the port the OS chose).
    let addr = listener.local_addr().unwrap_or(addr);
    println!(
        "ofconnect-sandbox: provider at http://{addr} (embeddable from {})",
        allowed_origins.join(", ")
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    // With each client's address, to limit failed authentications per address.
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    if let Err(e) = axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("ofconnect-sandbox: {e}");
        std::process::exit(1);
    }
}
