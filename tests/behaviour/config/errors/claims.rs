//! `org_claims` and its `claims` table.

use super::*;

/// A valid provider `acme` with `org_claims = "{mapper}"` and a claims
/// table holding `claims`.
fn mapper(mapper: &str, claims: &str) -> String {
    acme_line(&format!(
        "org_claims = \"{mapper}\"\n[auth.acme.claims]\n{claims}"
    ))
}

#[test]
fn org_claims_unknown() {
    invalid(
        &acme_line("org_claims = \"okta\""),
        "auth.acme.org_claims",
        "`okta` is not a known claim mapping",
        "propelauth, keycloak, auth0, generic, none",
    );
}

#[test]
fn claims_is_not_a_table() {
    invalid(
        &acme_line("org_claims = \"auth0\"\nclaims = \"https://example.com\""),
        "auth.acme.claims",
        "expected a table, found a string",
        "a table",
    );
}

#[test]
fn claims_in_auth_is_the_default_providers_not_a_provider_named_claims() {
    invalid(
        &auth_line(
            "org_claims = \"auth0\"\n[auth.claims]\nnamespace = \"https://example.com/roles\"",
        ),
        "auth.claims.namespace",
        "looks like a whole claim name",
        "`namespace = \"https://example.com\"`",
    );
}

#[test]
fn claims_unknown_key_suggests_the_nearest() {
    invalid(
        &mapper("auth0", "namspace = \"https://example.com\""),
        "auth.acme.claims.namspace",
        "unknown key",
        "did you mean `namespace`?",
    );
}

#[test]
fn claims_key_of_another_mapper() {
    invalid(
        &mapper("keycloak", "namespace = \"https://example.com\""),
        "auth.acme.claims.namespace",
        "applies to `org_claims = \"auth0\"` only, and it is `org_claims = \"keycloak\"` here",
        "set `org_claims` to \"auth0\"",
    );
}

#[test]
fn claims_key_without_org_claims_names_the_default() {
    invalid(
        &acme_line("[auth.acme.claims]\norgs = \"/orgs\""),
        "auth.acme.claims.orgs",
        "`org_claims` is not set, so it is \"propelauth\"",
        "\"generic\"",
    );
}

#[test]
fn claims_with_org_claims_none() {
    invalid(
        &mapper("none", "source = \"userinfo\""),
        "auth.acme.claims",
        "`org_claims = \"none\"` reads no claims",
        "remove the claims table",
    );
}

#[test]
fn claims_source_unknown() {
    invalid(
        &mapper("propelauth", "source = \"access-token\""),
        "auth.acme.claims.source",
        "`access-token` is not a claim source",
        "\"access_token\"",
    );
}

#[test]
fn claims_source_wrong_type() {
    invalid(
        &mapper("keycloak", "source = 1"),
        "auth.acme.claims.source",
        "expected a string, found an integer",
        "in double quotes",
    );
}

#[test]
fn claims_keycloak_client_id_empty() {
    invalid(
        &mapper("keycloak", "client_id = \" \""),
        "auth.acme.claims.client_id",
        "is empty",
        "give it a value",
    );
}

#[test]
fn claims_default_role_empty() {
    invalid(
        &mapper("auth0", "default_role = \"\""),
        "auth.acme.claims.default_role",
        "is empty",
        "give it a value",
    );
}

#[test]
fn claims_auth0_namespace_is_a_whole_claim_name() {
    invalid(
        &mapper("auth0", "namespace = \"https://example.com/permissions\""),
        "auth.acme.claims.namespace",
        "looks like a whole claim name, not its namespace",
        "`namespace = \"https://example.com\"`",
    );
}

#[test]
fn claims_generic_without_orgs() {
    invalid(
        &mapper("generic", "role = \"/role\""),
        "auth.acme.claims.orgs",
        "is missing",
        "orgs = \"/orgs\"",
    );
}

#[test]
fn claims_generic_without_a_claims_table() {
    invalid(
        &acme_line("org_claims = \"generic\""),
        "auth.acme.claims.orgs",
        "is missing",
        "JSON pointer",
    );
}

#[test]
fn claims_pointer_without_a_leading_slash() {
    invalid(
        &mapper("generic", "orgs = \"orgs\""),
        "auth.acme.claims.orgs",
        "is not a JSON pointer: it must start with `/`",
        "`orgs = \"/orgs\"`",
    );
}

#[test]
fn claims_pointer_with_a_bad_escape() {
    invalid(
        &mapper("generic", "orgs = \"/orgs\"\nrole = \"/roles~2\""),
        "auth.acme.claims.role",
        "`~` not followed by 0 or 1",
        "`~1`",
    );
}

#[test]
fn claims_pointer_wrong_type() {
    invalid(
        &mapper("generic", "orgs = [\"/orgs\"]"),
        "auth.acme.claims.orgs",
        "expected a string, found an array",
        "a string",
    );
}

#[test]
fn every_mapper_with_its_settings_is_accepted() {
    let cases = [
        mapper("propelauth", "source = \"access_token\""),
        mapper(
            "keycloak",
            "client_id = \"dashboard\"\ndefault_role = \"Viewer\"",
        ),
        mapper(
            "auth0",
            "namespace = \"https://example.com/\"\nsource = \"id_token\"",
        ),
        mapper(
            "generic",
            "orgs = \"/https:~1~1example.com~1orgs\"\norg_id = \"/id\"\norg_name = \"/name\"\nrole = \"/roles\"\npermissions = \"/perms\"",
        ),
        acme_line("org_claims = \"none\""),
    ];
    for text in cases {
        if let Err(e) = parse_with(&text, &|_| None) {
            panic!("{text}\n{e}");
        }
    }
}
