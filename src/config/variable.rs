//! The environment variable a token goes into, checked: one a shell can
//! `export`, and none that steers what a program runs. Settings and
//! command panels both name such a variable.

use super::error::{Checked, Problem};

/// A variable to put a token in (`exec_token_env`, `exec_org_env`, a
/// command panel's `token_env`), as `key` names it: one a shell can
/// `export` (letters, digits and `_`, not starting with a digit), and none
/// that decides what a program runs or loads.
pub(crate) fn token_variable(key: &str, name: &str) -> Checked<String> {
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(Problem::new(
            key,
            "is not an environment variable name",
            "use letters, digits and `_`, not starting with a digit, e.g. `GITHUB_TOKEN`",
        ));
    }
    if steers_the_command(name) {
        return Err(Problem::new(
            key,
            format!(
                "is `{name}`, a variable that decides what the command runs or loads; the \
                 token (whose bytes the provider chooses) must not go there"
            ),
            "name a variable of its own, e.g. `GITHUB_TOKEN`",
        ));
    }
    Ok(name.to_owned())
}

/// Variables the command lookup, the dynamic loader, shells or common
/// interpreters read to decide what runs: a token (or org id) put there
/// would steer CMD, or be printed by a loader that cannot load it.
/// Compared without case (Windows names ignore it).
fn steers_the_command(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "PATH",
        "PATHEXT",
        "HOME",
        "SHELL",
        "IFS",
        "ENV",
        "BASH_ENV",
        "CDPATH",
        "PS4",
        "PROMPT_COMMAND",
        "TMPDIR",
        "COMSPEC",
        "NODE_OPTIONS",
        "NODE_PATH",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSTARTUP",
        "PERL5OPT",
        "PERL5LIB",
        "PERLLIB",
        "RUBYOPT",
        "RUBYLIB",
        "JAVA_TOOL_OPTIONS",
        "_JAVA_OPTIONS",
        "JDK_JAVA_OPTIONS",
        "CLASSPATH",
        "GIT_SSH_COMMAND",
        "GIT_EXEC_PATH",
        "EDITOR",
        "VISUAL",
        "PAGER",
        "GCONV_PATH",
        "LOCPATH",
        "NLSPATH",
        "GLIBC_TUNABLES",
        "SHELLOPTS",
        "BASHOPTS",
    ];
    const PREFIXES: &[&str] = &["LD_", "DYLD_", "BASH_FUNC_"];
    let upper = name.to_ascii_uppercase();
    NAMES.contains(&upper.as_str()) || PREFIXES.iter().any(|p| upper.starts_with(p))
}
