//! `--account` / `--org` (and `AUTHDASH_ACCOUNT` / `AUTHDASH_ORG`): which
//! account and org one run uses, without changing what is remembered. Each
//! choice carries the rule that made it, for `status` to say.

use std::fmt;

use crate::auth::Session;
use crate::identity::visible;
use crate::session::{AccountId, Accounts, Preferences};

use super::CliError;

/// Where a choice came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `--account` / `--org` on the command line.
    Flag,
    /// `AUTHDASH_ACCOUNT` / `AUTHDASH_ORG` in the environment.
    Env,
    /// The remembered active account (`authdash switch`) or org (the
    /// dashboard's org switcher).
    Remembered,
    /// Nothing chose: the account's first org.
    First,
}

/// A value asked for this run, and by which rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Asked {
    value: String,
    rule: Rule,
}

/// What the command line and the environment ask for this run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub(crate) account: Option<Asked>,
    org: Option<Asked>,
}

impl Selection {
    /// The flag wins over the variable; empty values count as unset.
    pub fn new(
        account_flag: Option<&str>,
        org_flag: Option<&str>,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Self {
        let pick = |flag: Option<&str>, name: &str| {
            flag.filter(|v| !v.is_empty())
                .map(|v| Asked {
                    value: v.to_owned(),
                    rule: Rule::Flag,
                })
                .or_else(|| {
                    var(name).filter(|v| !v.is_empty()).map(|value| Asked {
                        value,
                        rule: Rule::Env,
                    })
                })
        };
        Self {
            account: pick(account_flag, "AUTHDASH_ACCOUNT"),
            org: pick(org_flag, "AUTHDASH_ORG"),
        }
    }
}

/// The account and org one run uses.
#[derive(Debug, Clone)]
pub struct Chosen {
    pub(crate) session: Session,
    pub(crate) account_rule: Rule,
    /// `(org_id, org_name)`, when the account has orgs.
    pub(crate) org: Option<(String, String)>,
    pub(crate) org_rule: Rule,
}

impl Rule {
    fn describe(self, what: &str, var: &str) -> String {
        match self {
            Rule::Flag => format!("chosen by --{what}"),
            Rule::Env => format!("chosen by ${var}"),
            Rule::Remembered => format!("the remembered active {what}"),
            Rule::First => format!("the account's first {what}"),
        }
    }
}

impl Chosen {
    /// "chosen by --account", "the remembered active account", …
    pub(crate) fn account_reason(&self) -> String {
        self.account_rule.describe("account", "AUTHDASH_ACCOUNT")
    }

    pub(crate) fn org_reason(&self) -> String {
        self.org_rule.describe("org", "AUTHDASH_ORG")
    }
}

/// The accounts `wanted` names: its number in `authdash switch`'s list,
/// `subject at issuer` as shown there, `provider/subject`, the subject or the
/// email.
pub(crate) fn matching(accounts: &Accounts, wanted: &str) -> Vec<AccountId> {
    accounts
        .sessions
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            let id = AccountId::of(s);
            wanted == (i + 1).to_string()
                || wanted == id.to_string()
                || wanted == format!("{}/{}", s.provider, s.user.subject)
                || wanted == s.user.subject
                || s.user.email.as_deref() == Some(wanted)
        })
        .map(|(_, s)| AccountId::of(s))
        .collect()
}

/// The account for this run: the one asked for, else the remembered active
/// one. `Ok(None)` when there is none (a login is needed); a name that
/// matches nothing or several accounts is a usage error.
pub(crate) fn choose(
    accounts: &Accounts,
    preferences: &Preferences,
    selection: &Selection,
) -> Result<Option<Chosen>, CliError> {
    let (session, account_rule) = match &selection.account {
        Some(asked) => match matching(accounts, &asked.value).as_slice() {
            [one] => match accounts.find(one) {
                Some(s) => (s.clone(), asked.rule),
                None => return Ok(None),
            },
            [] => {
                return Err(CliError::Usage(format!(
                    "no account matches `{}` ({}); `authdash switch` lists them",
                    visible(&asked.value),
                    Rule::describe(asked.rule, "account", "AUTHDASH_ACCOUNT")
                )));
            }
            _ => {
                return Err(CliError::Usage(format!(
                    "`{}` matches several accounts; use provider/subject or the number from \
                     `authdash switch`",
                    visible(&asked.value)
                )));
            }
        },
        None => match accounts.active_session() {
            Some(s) => (s.clone(), Rule::Remembered),
            None => return Ok(None),
        },
    };
    let orgs = &session.user.orgs;
    let named = |wanted: &str| {
        orgs.iter()
            .find(|o| o.org_id == wanted)
            .or_else(|| orgs.iter().find(|o| o.org_name == wanted))
    };
    let (org, org_rule) = match &selection.org {
        Some(asked) => match named(&asked.value) {
            Some(o) => (Some(o), asked.rule),
            None => {
                let known: Vec<String> = orgs
                    .iter()
                    .map(|o| visible(&o.org_name).into_owned())
                    .collect();
                return Err(CliError::Usage(format!(
                    "{} has no org `{}` ({}); theirs: {}",
                    visible(session.user.display_name()),
                    visible(&asked.value),
                    Rule::describe(asked.rule, "org", "AUTHDASH_ORG"),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )));
            }
        },
        None => match preferences
            .active_org(&session.provider, &session.user.subject)
            .and_then(named)
        {
            Some(o) => (Some(o), Rule::Remembered),
            None => (orgs.first(), Rule::First),
        },
    };
    let org = org.map(|o| (o.org_id.clone(), o.org_name.clone()));
    Ok(Some(Chosen {
        session,
        account_rule,
        org,
        org_rule,
    }))
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rule::Flag => "flag",
            Rule::Env => "env",
            Rule::Remembered => "remembered",
            Rule::First => "first",
        })
    }
}
