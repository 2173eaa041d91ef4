//! `[authdash]`: role order, timeouts, panels.

use super::*;

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
        "{org_id}, {org_name}, {user_id}, {panel_id}",
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
