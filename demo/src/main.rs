//! The demo CRM server.
//!
//! Run with: `make demo` (or `cargo run -p ofconnect-demo -- --help`)

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use ofconnect_demo::{DemoConfig, Exposure};

/// Serves the demo CRM page and mints client sessions from the provider.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Address to bind. Anything but loopback needs your own keys and secret.
    #[arg(long, env = "DEMO_HOST", default_value = "127.0.0.1")]
    host: IpAddr,
    /// The origins the CRM's pages are served at besides loopback
    /// (`https://crm.example.com`): the only ones then allowed to change state.
    #[arg(long, env = "DEMO_PUBLIC_ORIGINS", value_delimiter = ',')]
    public_origins: Vec<String>,
    /// Port to listen on (the page is at http://localhost:<port>/).
    #[arg(long, env = "DEMO_PORT", default_value_t = 8080)]
    port: u16,
    /// The provider's base URL. Default: http://127.0.0.1:$SANDBOX_PORT (8081).
    #[arg(long, env = "SANDBOX_URL")]
    provider_url: Option<String>,
    /// The provider API key (the sandbox's by default).
    #[arg(
        long,
        env = "SANDBOX_API_KEY",
        default_value = ofconnect_demo::SANDBOX_API_KEY,
        hide_env_values = true
    )]
    api_key: String,
    /// The OFAuth API key (the sandbox's by default).
    #[arg(
        long,
        env = "SANDBOX_OFAUTH_KEY",
        default_value = ofconnect_demo::SANDBOX_OFAUTH_KEY,
        hide_env_values = true
    )]
    ofauth_key: String,
    /// The OFAuth client app whose Link sessions the CRM creates.
    #[arg(long, env = "OFAUTH_CLIENT_APP", default_value = "app_sandbox")]
    client_app: String,
    /// The secret OFAuth webhooks are signed with (the sandbox's by default).
    #[arg(
        long,
        env = "SANDBOX_WEBHOOK_SECRET",
        default_value = ofconnect_demo::SANDBOX_WEBHOOK_SECRET,
        hide_env_values = true
    )]
    webhook_secret: String,
    /// The CRM's SQLite database.
    #[arg(long, env = "DEMO_DATABASE", default_value = "ofconnect-demo.sqlite3")]
    database: PathBuf,
    /// The provider's token lifetime in seconds, reported to the widget as `expiresAt`.
    #[arg(long, env = "SANDBOX_TOKEN_TTL", default_value_t = 900)]
    token_ttl: u64,
    /// The Trunk output directory.
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Accept `?fault=` on `POST /api/session` (for tests; never in production).
    #[arg(long, env = "DEMO_FAULTS")]
    faults: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let provider_url = args.provider_url.unwrap_or_else(|| {
        format!(
            "http://127.0.0.1:{}",
            std::env::var("SANDBOX_PORT").unwrap_or_else(|_| "8081".into())
        )
    });
    if !args.dist.join("index.html").is_file() {
        eprintln!(
            "ofconnect-demo: {} has no index.html; build the page first (make demo does)",
            args.dist.display()
        );
        std::process::exit(1);
    }
    let config = DemoConfig {
        provider_url: provider_url.clone(),
        api_key: args.api_key,
        ofauth_key: args.ofauth_key,
        client_app: args.client_app,
        webhook_secret: args.webhook_secret,
        database: Some(args.database),
        token_ttl: Duration::from_secs(args.token_ttl),
        dist_dir: args.dist,
        faults: args.faults,
    };
    let exposure = Exposure {
        bind: args.host,
        public_origins: args.public_origins,
    };
    // Checked before listening, so a refused exposure never opens the port.
    let app = match ofconnect_demo::app_exposed(config, exposure) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("ofconnect-demo: {e}");
            std::process::exit(1);
        }
    };
    let addr = SocketAddr::new(args.host, args.port);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("ofconnect-demo: cannot listen on {addr}: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "ofconnect-demo: open http://localhost:{}/ (provider: {})",
        args.port, provider_url
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("ofconnect-demo: {e}");
        std::process::exit(1);
    }
}
