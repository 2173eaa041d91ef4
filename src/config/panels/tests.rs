//! The panel config: what is read, and each mistake named.

use std::path::Path;

use crate::config::Config;
use crate::panels::view::{ChartKind, Format, View};

const AUTH: &str = "[auth]\nclient_id = \"x\"\nserver_metadata_url = \"https://idp.example/.well-known/openid-configuration\"\n";

fn parse(panels: &str) -> Result<Config, String> {
    Config::parse(Path::new("a.toml"), &format!("{AUTH}{panels}"), &|_| None)
        .map_err(|e| e.to_string())
}

#[test]
fn sources_views_and_refresh_are_read() {
    let config = parse(
        r#"
[[authdash.panels]]
id = "usage"
title = "Usage"
requires = { any_permission = ["a", "b"], scopes = ["reports:read"] }
source = { type = "http", url = "https://api.example/{org_id}/usage", select = "/data" }
view = { type = "chart", chart = "bar", x = "month", y = "n", unit = "€" }
refresh_secs = 30

[[authdash.panels]]
id = "local"
title = "Local"
source = { type = "command", argv = ["report", "{org_id}"], timeout_secs = 3, output_cap_kib = 8 }
view = { type = "table", columns = [{ key = "amount", title = "Amount", format = "currency:$" }] }
"#,
    )
    .expect("parses");
    let usage = &config.panels[0];
    assert_eq!(usage.select.as_deref(), Some("/data"));
    assert_eq!(usage.requires.scopes, ["reports:read"]);
    assert!(matches!(&usage.view, View::Chart(c) if c.kind == ChartKind::Bar));
    assert_eq!(usage.refresh, Some(std::time::Duration::from_secs(30)));
    let local = &config.panels[1];
    let command = local.command.as_ref().expect("a command source");
    assert_eq!(command.token_env, "AUTHDASH_ACCESS_TOKEN");
    assert_eq!(command.output_cap, 8 * 1024);
    assert!(
        matches!(&local.view, View::Table(t) if t.columns[0].format == Format::Currency("$".into()))
    );
}

/// The README's example per view is a working config.
#[test]
fn the_readme_panel_examples_parse() {
    let readme = include_str!("../../../README.md");
    let block = readme
        .split("One example per view:")
        .nth(1)
        .and_then(|rest| rest.split("```toml").nth(1))
        .and_then(|rest| rest.split("```").next())
        .expect("the README has the panel examples");
    let config = parse(block).expect("the examples parse");
    let views: Vec<_> = config.panels.iter().map(|p| p.view.clone()).collect();
    assert!(matches!(
        views.as_slice(),
        [View::Kv, View::Table(_), View::Chart(_), View::Text]
    ));
}

#[test]
fn panel_mistakes_name_the_key_and_the_fix() {
    for (panel, key, words) in [
        (
            r#"source = { type = "ftp", url = "x" }"#,
            "source.type",
            "`http`",
        ),
        (
            r#"source = { type = "command", argv = ["curl", "-H", "Bearer {access_token}"] }"#,
            "source.argv",
            "token_env",
        ),
        (
            r#"source = { type = "http", url = "https://a.example/x", select = "data" }"#,
            "source.select",
            "JSON pointer",
        ),
        (r#"view = { type = "pie" }"#, "view.type", "`table`"),
        (
            r#"view = { type = "chart", chart = "pie" }"#,
            "view.chart",
            "sparkline",
        ),
        ("refresh_secs = 0", "refresh_secs", "from 1"),
        (
            r#"data_url = "https://a.example/x"
source = { type = "http", url = "https://a.example/y" }"#,
            "source",
            "keep one",
        ),
    ] {
        let text = format!("[[authdash.panels]]\nid = \"p\"\ntitle = \"P\"\n{panel}\n");
        let e = parse(&text).expect_err(panel);
        assert!(e.contains(key) && e.contains(words), "{panel}: {e}");
    }
}
