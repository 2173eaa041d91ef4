//! Log in through the session service, then fetch a panel's data with the
//! session, as the dashboard does: in the active organization, with the
//! access token (renewed first when near expiry), and only when the
//! person's role there opens the panel.
//!
//! ```text
//! cargo run --example panel                            # the demo's first panel alice may open
//! cargo run --example panel -- authdash.toml billing   # your provider, the panel `billing`
//! ```

mod common;

use std::path::PathBuf;

use anyhow::{Context, bail};
use authdash::identity::visible;
use authdash::panels::{Access, TemplateVars};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let config = args.next().map(PathBuf::from);
    let wanted = args.next();
    let setup = common::Setup::new(config.as_deref()).await?;
    let logged_in = setup.log_in().await?;
    let session = &logged_in.session;
    let org = setup.active_org(&logged_in);
    let config = &setup.service.config;
    let opens = |spec: &&authdash::panels::PanelSpec| {
        let access = spec
            .requires
            .check_session(org, &config.role_order, &session.tokens.scopes);
        spec.has_source() && matches!(access, Access::Allowed)
    };
    let spec = match &wanted {
        Some(id) => {
            let spec = config
                .panels
                .iter()
                .find(|p| &p.id == id)
                .with_context(|| format!("no panel `{id}` in the config"))?;
            if !opens(&spec) {
                bail!("`{id}` does not open for you in this organization, or has no data source");
            }
            spec
        }
        None => config
            .panels
            .iter()
            .find(opens)
            .context("no panel with data opens for you here")?,
    };
    let vars = TemplateVars {
        org_id: org.map_or("", |o| o.org_id.as_str()),
        org_name: org.map_or("", |o| o.org_name.as_str()),
        user_id: &session.user.subject,
    };
    let fetched = setup.service.fetch_source(session, spec, vars).await;
    println!(
        "{} in {}:",
        visible(&spec.title),
        visible(org.map_or("no organization", |o| o.org_name.as_str()))
    );
    match fetched.data {
        // JSON escapes every control character inside its strings: what
        // the API sent cannot steer the terminal.
        Ok(data) => println!("{}", serde_json::to_string_pretty(&data)?),
        Err(e) => bail!("the panel's data did not come: {e}"),
    }
    setup.shutdown().await;
    Ok(())
}
