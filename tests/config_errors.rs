//! One test per configuration error: each names the key and says what is
//! wrong and how to fix it.

use std::path::Path;

use authdash::config::{Config, ConfigError};

const META: &str = "https://accounts.google.com/.well-known/openid-configuration";

fn parse_with(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
    Config::parse(Path::new("/etc/authdash.toml"), text, env)
}

/// A config with one valid default provider, then `rest`.
fn with_provider(rest: &str) -> String {
    format!("[auth]\nclient_id = \"cid\"\nserver_metadata_url = \"{META}\"\n{rest}")
}

/// `[auth]` with `line` added to a valid default provider.
fn auth_line(line: &str) -> String {
    with_provider(&format!("{line}\n"))
}

/// A valid provider `acme` with `line` added.
fn acme_line(line: &str) -> String {
    format!("[auth]\n[auth.acme]\nclient_id = \"cid\"\nserver_metadata_url = \"{META}\"\n{line}\n")
}

#[track_caller]
fn invalid_with(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    key: &str,
    problem: &str,
    fix: &str,
) -> String {
    match parse_with(text, env) {
        Err(err @ ConfigError::Invalid { .. }) => {
            let shown = err.to_string();
            let ConfigError::Invalid {
                path,
                key: k,
                problem: p,
                fix: f,
            } = err
            else {
                unreachable!()
            };
            assert_eq!(path, Path::new("/etc/authdash.toml"));
            assert_eq!(k, key, "key of: {shown}");
            assert!(
                p.contains(problem),
                "problem should contain {problem:?}: {shown}"
            );
            assert!(f.contains(fix), "fix should contain {fix:?}: {shown}");
            assert!(
                shown.starts_with(&format!("/etc/authdash.toml: `{key}`: ")),
                "{shown}"
            );
            assert!(shown.contains("\n  fix: "), "{shown}");
            shown
        }
        Err(other) => panic!("expected Invalid for {key}, got {other:?}"),
        Ok(_) => panic!("expected Invalid for {key}, the config was accepted"),
    }
}

#[track_caller]
fn invalid(text: &str, key: &str, problem: &str, fix: &str) -> String {
    invalid_with(text, &|_| None, key, problem, fix)
}

// --- files -------------------------------------------------------------

#[test]
fn missing_file_is_not_found() {
    let err = Config::load(Path::new("/no/such/dir/authdash.toml"), &|_| None).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("fix:"));
}

#[test]
fn unreadable_file_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Config::load(dir.path(), &|_| None).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err:?}");
}

#[test]
fn toml_syntax_error_carries_the_line() {
    let err = parse_with("[auth]\nclient_id = \"unterminated\n", &|_| None).unwrap_err();
    let ConfigError::Syntax { path, message } = &err else {
        panic!("expected Syntax, got {err:?}");
    };
    assert_eq!(path, Path::new("/etc/authdash.toml"));
    assert!(message.contains("line 2"), "{message}");
}

// --- [auth] ------------------------------------------------------------

#[test]
fn no_auth_table() {
    invalid(
        "[connections.db]\nurl = \"x\"\n",
        "auth",
        "no `[auth]` table",
        "client_id",
    );
}

#[test]
fn auth_is_not_a_table() {
    invalid("auth = \"google\"\n", "auth", "expected a table", "a table");
}

#[test]
fn auth_without_any_provider() {
    invalid(
        "[auth]\nredirect_uri = \"http://localhost:8501/oauth2callback\"\ncookie_secret = \"x\"\n",
        "auth",
        "names no provider",
        "[auth.NAME]",
    );
}

#[test]
fn missing_client_id() {
    invalid(
        &format!("[auth]\nserver_metadata_url = \"{META}\"\n"),
        "auth.client_id",
        "is missing",
        "client_id = ",
    );
}

#[test]
fn missing_client_id_in_a_named_provider() {
    invalid(
        &format!("[auth.acme]\nserver_metadata_url = \"{META}\"\n"),
        "auth.acme.client_id",
        "is missing",
        "client ID",
    );
}

#[test]
fn missing_server_metadata_url() {
    invalid(
        "[auth]\nclient_id = \"cid\"\n",
        "auth.server_metadata_url",
        "is missing",
        "/.well-known/openid-configuration",
    );
}

#[test]
fn server_metadata_url_not_a_url() {
    invalid(
        "[auth]\nclient_id = \"cid\"\nserver_metadata_url = \"accounts.google.com\"\n",
        "auth.server_metadata_url",
        "is not a URL",
        "discovery URL",
    );
}

#[test]
fn server_metadata_url_plain_http_to_a_remote_host() {
    invalid(
        "[auth.acme]\nclient_id = \"cid\"\nserver_metadata_url = \"http://auth.acme.com/.well-known/openid-configuration\"\n",
        "auth.acme.server_metadata_url",
        "`http:` toward `auth.acme.com`",
        "use https",
    );
}

#[test]
fn server_metadata_url_without_the_discovery_path() {
    invalid(
        "[auth]\nclient_id = \"cid\"\nserver_metadata_url = \"https://accounts.google.com/\"\n",
        "auth.server_metadata_url",
        "does not end in `/.well-known/openid-configuration`",
        "the issuer followed by",
    );
}

#[test]
fn client_secret_and_client_secret_env_together() {
    invalid(
        &acme_line("client_secret = \"s\"\nclient_secret_env = \"ACME_SECRET\""),
        "auth.acme.client_secret_env",
        "both `client_secret` and `client_secret_env`",
        "keep one",
    );
}

#[test]
fn client_secret_env_names_an_unset_variable() {
    invalid(
        &acme_line("client_secret_env = \"ACME_SECRET\""),
        "auth.acme.client_secret_env",
        "`ACME_SECRET` is not set",
        "set `ACME_SECRET`",
    );
}

#[test]
fn client_secret_env_names_an_empty_variable() {
    invalid_with(
        &acme_line("client_secret_env = \"ACME_SECRET\""),
        &|_| Some(String::new()),
        "auth.acme.client_secret_env",
        "`ACME_SECRET` is empty",
        "public client",
    );
}

#[test]
fn client_secret_empty() {
    invalid(
        &auth_line("client_secret = \"\""),
        "auth.client_secret",
        "is empty",
        "public client",
    );
}

#[test]
fn redirect_uri_not_a_url() {
    invalid(
        &auth_line("redirect_uri = \"localhost:8501/cb\""),
        "auth.redirect_uri",
        "not a URL with a host",
        "http://localhost:8501/oauth2callback",
    );
    invalid(
        &auth_line("redirect_uri = \"/callback\""),
        "auth.redirect_uri",
        "is not a URL",
        "http://127.0.0.1/callback",
    );
}

#[test]
fn redirect_uri_not_http() {
    invalid(
        &auth_line("redirect_uri = \"https://localhost:8501/oauth2callback\""),
        "auth.redirect_uri",
        "`https:`; a loopback redirect is plain `http`",
        "use `http://`",
    );
}

#[test]
fn redirect_uri_host_not_loopback() {
    invalid(
        &auth_line("redirect_uri = \"http://myapp.example.com/callback\""),
        "auth.redirect_uri",
        "`myapp.example.com` is not a loopback address",
        "RFC 8252",
    );
    invalid(
        &auth_line("redirect_uri = \"http://0.0.0.0:8501/callback\""),
        "auth.redirect_uri",
        "not a loopback address",
        "127.0.0.1, [::1] or localhost",
    );
}

#[test]
fn redirect_uri_with_query_or_fragment() {
    invalid(
        &auth_line("redirect_uri = \"http://127.0.0.1/cb?x=1\""),
        "auth.redirect_uri",
        "query or fragment",
        "`code` and `state`",
    );
    invalid(
        &auth_line("redirect_uri = \"http://127.0.0.1/cb#top\""),
        "auth.redirect_uri",
        "query or fragment",
        "remove",
    );
}

#[test]
fn named_provider_redirect_uri_is_checked_under_its_own_key() {
    invalid(
        &acme_line("redirect_uri = \"http://example.com/cb\""),
        "auth.acme.redirect_uri",
        "not a loopback address",
        "RFC 8252",
    );
}

#[test]
fn scope_without_openid() {
    invalid(
        &auth_line("client_kwargs = { scope = \"profile email\" }"),
        "auth.client_kwargs.scope",
        "does not include `openid`",
        "scope = \"openid profile email\"",
    );
}

#[test]
fn client_kwargs_value_not_a_string() {
    invalid(
        &acme_line("client_kwargs = { max_age = 3600 }"),
        "auth.acme.client_kwargs.max_age",
        "expected a string, found an integer",
        "a string",
    );
}

#[test]
fn client_kwargs_is_not_a_table() {
    invalid(
        &auth_line("client_kwargs = \"scope=openid\""),
        "auth.client_kwargs",
        "expected a table",
        "a table",
    );
}

#[test]
fn client_kwargs_prompt_is_accepted_as_is() {
    let c = parse_with(
        &auth_line("client_kwargs = { prompt = \"login consent\" }"),
        &|_| None,
    )
    .unwrap();
    assert_eq!(c.providers[0].prompt.as_deref(), Some("login consent"));
}

#[test]
fn client_kwargs_parameter_authdash_sets_itself() {
    invalid(
        &auth_line("client_kwargs = { redirect_uri = \"http://localhost/x\" }"),
        "auth.client_kwargs.redirect_uri",
        "authdash sets itself",
        "remove `redirect_uri`",
    );
    invalid(
        &auth_line("client_kwargs = { code_challenge_method = \"plain\" }"),
        "auth.client_kwargs.code_challenge_method",
        "not supported",
        "S256",
    );
}

#[test]
fn client_kwargs_typo_of_a_known_key() {
    invalid(
        &auth_line("client_kwargs = { scopes = \"openid\" }"),
        "auth.client_kwargs.scopes",
        "unknown key",
        "did you mean `scope`?",
    );
}

#[test]
fn unknown_key_in_auth_suggests_the_nearest() {
    invalid(
        &auth_line("server_metdata_url = \"x\""),
        "auth.server_metdata_url",
        "unknown key",
        "did you mean `server_metadata_url`?",
    );
    invalid(
        &auth_line("cookie_secrt = \"x\""),
        "auth.cookie_secrt",
        "unknown key",
        "did you mean `cookie_secret`?",
    );
}

#[test]
fn unknown_key_in_a_named_provider_suggests_the_nearest() {
    invalid(
        &acme_line("clientsecret = \"x\""),
        "auth.acme.clientsecret",
        "unknown key",
        "did you mean `client_secret`?",
    );
    // `[auth]`-only keys are unknown in a provider table.
    invalid(
        &acme_line("store_secret = \"x\""),
        "auth.acme.store_secret",
        "unknown key",
        "the keys here are",
    );
}

#[test]
fn unknown_key_without_a_near_one_lists_the_keys() {
    invalid(
        &auth_line("zzz = 1"),
        "auth.zzz",
        "unknown key",
        "remove it; the keys here are",
    );
}

#[test]
fn streamlit_expose_tokens_is_accepted() {
    parse_with(&auth_line("expose_tokens = [\"id\", \"access\"]"), &|_| {
        None
    })
    .unwrap();
}

#[test]
fn a_known_key_written_as_a_table() {
    invalid(
        &auth_line("[auth.redirect_uri]\nport = 8501"),
        "auth.redirect_uri",
        "expected a string, found a table",
        "a string",
    );
}

#[test]
fn provider_name_not_a_bare_key() {
    invalid(
        &with_provider(&format!(
            "[auth.\"my provider\"]\nclient_id = \"c\"\nserver_metadata_url = \"{META}\"\n"
        )),
        "auth.\"my provider\"",
        "not a usable provider name",
        "letters, digits",
    );
}

#[test]
fn default_provider_given_twice() {
    invalid(
        &with_provider(&format!(
            "[auth.default]\nclient_id = \"c\"\nserver_metadata_url = \"{META}\"\n"
        )),
        "auth.default",
        "given twice",
        "[auth.default]",
    );
}

#[test]
fn org_claims_unknown() {
    invalid(
        &acme_line("org_claims = \"keycloak\""),
        "auth.acme.org_claims",
        "`keycloak` is not a known claim mapping",
        "propelauth, none",
    );
}

#[test]
fn account_url_invalid() {
    invalid(
        &acme_line("account_url = \"auth.acme.com/account\""),
        "auth.acme.account_url",
        "is not a URL",
        "account page",
    );
    invalid(
        &acme_line("account_url = \"mailto:help@acme.com\""),
        "auth.acme.account_url",
        "not a URL with a host",
        "https",
    );
    invalid(
        &acme_line("account_url = \"ftp://acme.com/account\""),
        "auth.acme.account_url",
        "`ftp:`",
        "https",
    );
}

#[test]
fn wrong_type_says_what_was_expected() {
    invalid(
        "[auth]\nclient_id = 5\n",
        "auth.client_id",
        "expected a string, found an integer",
        "double quotes",
    );
    invalid(
        &auth_line("label = true"),
        "auth.label",
        "expected a string, found a boolean",
        "a string",
    );
}

// --- [authdash] --------------------------------------------------------

#[test]
fn authdash_is_not_a_table() {
    invalid(
        &format!("authdash = 1\n{}", with_provider("")),
        "authdash",
        "expected a table, found an integer",
        "a table",
    );
}

#[test]
fn unknown_key_in_authdash() {
    invalid(
        &with_provider("[authdash]\nrole_ordr = [\"Owner\"]\n"),
        "authdash.role_ordr",
        "unknown key",
        "did you mean `role_order`?",
    );
}

#[test]
fn role_order_empty() {
    invalid(
        &with_provider("[authdash]\nrole_order = []\n"),
        "authdash.role_order",
        "is empty",
        "highest first",
    );
}

#[test]
fn role_order_with_duplicates() {
    invalid(
        &with_provider("[authdash]\nrole_order = [\"Owner\", \"Admin\", \"Owner\"]\n"),
        "authdash.role_order",
        "lists `Owner` twice",
        "keep one `Owner`",
    );
}

#[test]
fn role_order_wrong_types() {
    invalid(
        &with_provider("[authdash]\nrole_order = \"Owner, Admin\"\n"),
        "authdash.role_order",
        "expected an array of strings, found a string",
        "[\"a\", \"b\"]",
    );
    invalid(
        &with_provider("[authdash]\nrole_order = [\"Owner\", 2]\n"),
        "authdash.role_order[1]",
        "expected a string, found an integer",
        "a string",
    );
    invalid(
        &with_provider("[authdash]\nrole_order = [\"Owner\", \" \"]\n"),
        "authdash.role_order[1]",
        "empty role name",
        "",
    );
}

#[test]
fn timeout_zero() {
    invalid(
        &with_provider("[authdash]\nconnect_timeout_secs = 0\n"),
        "authdash.connect_timeout_secs",
        "must be positive",
        "from 1 to 86400",
    );
}

#[test]
fn timeout_negative() {
    invalid(
        &with_provider("[authdash]\nrequest_timeout_secs = -5\n"),
        "authdash.request_timeout_secs",
        "is -5",
        "from 1 to 86400",
    );
}

#[test]
fn timeout_absurd() {
    invalid(
        &with_provider("[authdash]\nlogin_timeout_secs = 86401\n"),
        "authdash.login_timeout_secs",
        "more than a day",
        "one day",
    );
}

#[test]
fn timeout_not_an_integer() {
    invalid(
        &with_provider("[authdash]\nlogin_timeout_secs = 2.5\n"),
        "authdash.login_timeout_secs",
        "expected an integer, found a float",
        "whole number",
    );
}

// --- panels ------------------------------------------------------------

fn panels(body: &str) -> String {
    with_provider(&format!("[authdash]\n{body}"))
}

#[test]
fn panels_not_an_array_of_tables() {
    invalid(
        &panels("[authdash.panels]\nid = \"a\"\ntitle = \"A\"\n"),
        "authdash.panels",
        "expected an array of tables, found a table",
        "[[authdash.panels]]",
    );
}

#[test]
fn panel_is_not_a_table() {
    invalid(
        &panels("panels = [\"billing\"]\n"),
        "authdash.panels[0]",
        "expected a table, found a string",
        "",
    );
}

#[test]
fn panel_missing_id() {
    invalid(
        &panels("[[authdash.panels]]\ntitle = \"Billing\"\n"),
        "authdash.panels[0].id",
        "is missing",
        "unique id",
    );
}

#[test]
fn panel_missing_title() {
    invalid(
        &panels(
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\n[[authdash.panels]]\nid = \"billing\"\n",
        ),
        "authdash.panels[1].title",
        "is missing",
        "title = ",
    );
}

#[test]
fn panel_duplicate_id() {
    invalid(
        &panels(
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\n[[authdash.panels]]\nid = \"a\"\ntitle = \"B\"\n",
        ),
        "authdash.panels[1].id",
        "`a` is also the id of authdash.panels[0]",
        "its own id",
    );
}

#[test]
fn panel_unknown_key() {
    invalid(
        &panels("[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nrequire = {}\n"),
        "authdash.panels[0].require",
        "unknown key",
        "did you mean `requires`?",
    );
}

#[test]
fn panel_min_role_not_in_role_order() {
    invalid(
        &panels(
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nrequires = { min_role = \"Administrator\" }\n",
        ),
        "authdash.panels[0].requires.min_role",
        "`Administrator` is not in `authdash.role_order`",
        "Owner, Admin, Member",
    );
}

#[test]
fn panel_role_not_in_custom_role_order() {
    invalid(
        &panels(
            "role_order = [\"Boss\", \"Staff\"]\n[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nrequires = { role = \"Owner\" }\n",
        ),
        "authdash.panels[0].requires.role",
        "`Owner` is not in",
        "use one of: Boss, Staff",
    );
}

#[test]
fn panel_unknown_key_in_requires() {
    invalid(
        &panels(
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nrequires = { permission = [\"x\"] }\n",
        ),
        "authdash.panels[0].requires.permission",
        "unknown key",
        "did you mean `permissions`?",
    );
}

#[test]
fn panel_permissions_wrong_type() {
    invalid(
        &panels(
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\nrequires = { permissions = \"can_view\" }\n",
        ),
        "authdash.panels[0].requires.permissions",
        "expected an array of strings",
        "",
    );
}

#[test]
fn panel_data_url_not_a_url() {
    invalid(
        &panels("[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\ndata_url = \"/orgs/{org_id}\"\n"),
        "authdash.panels[0].data_url",
        "is not a URL",
        "{org_id}",
    );
}

#[test]
fn panel_data_url_unknown_placeholder() {
    invalid(
        &panels(
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\ndata_url = \"https://api.acme.com/{org}/x\"\n",
        ),
        "authdash.panels[0].data_url",
        "unknown placeholder `{org}`",
        "{org_id} and {panel_id}",
    );
}

#[test]
fn panel_data_url_not_http() {
    invalid(
        &panels(
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\ndata_url = \"ftp://files.acme.com/{org_id}\"\n",
        ),
        "authdash.panels[0].data_url",
        "`ftp:`",
        "https",
    );
}

#[test]
fn panel_data_url_plain_http_to_a_remote_host() {
    invalid(
        &panels(
            "[[authdash.panels]]\nid = \"a\"\ntitle = \"A\"\ndata_url = \"http://api.acme.com/{org_id}\"\n",
        ),
        "authdash.panels[0].data_url",
        "plain http",
        "use https",
    );
}
