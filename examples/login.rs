//! Log in through the session service and print who you are: the user,
//! the active organization and the role there.
//!
//! ```text
//! cargo run --example login                    # the built-in demo provider, as alice
//! cargo run --example login -- authdash.toml   # your provider: a browser, or a code
//! ```

mod common;

use std::path::PathBuf;

use authdash::identity::visible;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = std::env::args_os().nth(1).map(PathBuf::from);
    let setup = common::Setup::new(config.as_deref()).await?;
    let logged_in = setup.log_in().await?;
    let user = &logged_in.session.user;
    println!("User:  {}", visible(user.display_name()));
    if let Some(email) = &user.email {
        println!("Email: {}", visible(email));
    }
    match setup.active_org(&logged_in) {
        Some(org) => {
            println!("Org:   {}", visible(&org.org_name));
            let roles: Vec<&str> = org.roles().collect();
            println!("Role:  {}", visible(&roles.join(", ")));
        }
        None => println!("Org:   none (the provider names no organization)"),
    }
    setup.shutdown().await;
    Ok(())
}
