//! `[auth]` and its providers.

use super::*;

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
fn flow_unknown() {
    invalid(
        &acme_line("flow = \"qr\""),
        "auth.acme.flow",
        "`qr` is not a login flow",
        "\"browser\" or \"device\"",
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

#[test]
fn store_secret_empty() {
    invalid(
        &auth_line("cookie_secret = \"\""),
        "auth.cookie_secret",
        "is empty",
        "give it a value",
    );
}

#[test]
fn unknown_top_level_keys_and_tables_are_ignored() {
    let text = format!(
        "openai_api_key = \"sk-...\"\n{}\n[connections.db]\nurl = \"x\"\n",
        auth_line("")
    );
    parse_with(&text, &|_| None).unwrap();
}
