//! Who may do what: API tokens, their roles, and the rules that go with them. Pure: the
//! server draws the random bytes and the clock; this module names, hashes and decides.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Every token starts with this, so one found in a log, a paste or a repository is
/// recognisable (and secret scanners can be taught it).
pub const TOKEN_PREFIX: &str = "rpc_";
/// Random bytes in a token: 256 bits.
pub const TOKEN_BYTES: usize = 32;
/// How much of a token identifies it in lists and logs without revealing it.
const SHOWN_HEX: usize = 8;

/// What a token may do. Cumulative along two lines: `viewer` ⊂ `agent` (also reports,
/// for agent ids under its name) and `viewer` ⊂ `operator` (also halts and resumes) ⊂
/// `admin` (also manages tokens and reads security events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Agent,
    Operator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Agent => "agent",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "viewer" => Ok(Role::Viewer),
            "agent" => Ok(Role::Agent),
            "operator" => Ok(Role::Operator),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role `{other}`: expected viewer, agent, operator or admin"
            )),
        }
    }
}

/// Something a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission<'a> {
    /// The board, the audit log, the agents, status.
    Read,
    /// Report as the agent with this id.
    Report { agent: &'a str },
    /// Record what a backup did (`backup run`, `verify` on any host).
    RecordBackup,
    /// Halt or resume.
    Change,
    /// Create, list and revoke tokens; read security events.
    Administer,
}

impl Permission<'_> {
    /// Whether a token named `name` with `role` may do this. An agent token reports only
    /// for ids under its name (`<name>/…`), so a leaked agent token cannot forge the
    /// reports of other hosts.
    pub fn allowed(self, role: Role, name: &str) -> bool {
        match self {
            Permission::Read => true,
            Permission::Report { agent } => match role {
                Role::Admin => true,
                Role::Agent => agent
                    .strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with('/')),
                Role::Viewer | Role::Operator => false,
            },
            Permission::RecordBackup => {
                matches!(role, Role::Agent | Role::Operator | Role::Admin)
            }
            Permission::Change => matches!(role, Role::Operator | Role::Admin),
            Permission::Administer => role == Role::Admin,
        }
    }
}

/// A secret that must not reach a log: `Debug` and `Display` print `[redacted]`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// What is kept of a token: never the secret, only its SHA-256 (right for a random
/// 256-bit secret: nothing to brute-force) and the short prefix shown in lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenDigest {
    pub hash: String,
    pub shown: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a ripcord token: expected `{TOKEN_PREFIX}` and 64 hex digits")]
pub struct TokenFormatError;

/// The token for `random` bytes (drawn by the caller from the operating system).
pub fn token_from(random: &[u8; TOKEN_BYTES]) -> Secret {
    Secret(format!("{TOKEN_PREFIX}{}", hex::encode(random)))
}

/// What `token revoke` is given, as it may be stored and shown: a whole token (someone
/// revoking a leaked secret) becomes its shown prefix, so the secret is neither looked up
/// nor echoed; a prefix or a name stays as it is.
pub fn token_reference(prefix_or_name_or_token: &str) -> std::borrow::Cow<'_, str> {
    match digest(prefix_or_name_or_token) {
        Ok(digest) => std::borrow::Cow::Owned(digest.shown),
        Err(_) => std::borrow::Cow::Borrowed(prefix_or_name_or_token),
    }
}

/// The digest of a presented token, or why it cannot be one.
pub fn digest(token: &str) -> Result<TokenDigest, TokenFormatError> {
    let body = token.strip_prefix(TOKEN_PREFIX).ok_or(TokenFormatError)?;
    if body.len() != TOKEN_BYTES * 2 || !body.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TokenFormatError);
    }
    use sha2::{Digest, Sha256};
    Ok(TokenDigest {
        hash: hex::encode(Sha256::digest(token.as_bytes())),
        shown: format!("{TOKEN_PREFIX}{}", &body[..SHOWN_HEX]),
    })
}

/// A token's name: who it is in the audit log, and the agent ids it may report for.
pub fn check_token_name(name: &str) -> Result<(), String> {
    // A name shaped like a token's prefix would make `token revoke rpc_…` ambiguous.
    if name.starts_with(TOKEN_PREFIX) {
        return Err(format!(
            "invalid token name `{name}`: names may not start with `{TOKEN_PREFIX}`, as tokens do"
        ));
    }
    let valid = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "invalid token name `{name}`: 1 to 64 of a-z, A-Z, 0-9, `-`, `_`, `.`, `@`"
        ))
    }
}

/// A token as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// The first characters of the token: enough to tell tokens apart, not to use one.
    pub prefix: String,
    pub name: String,
    pub role: Role,
    pub created: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Timestamp>,
}

impl TokenInfo {
    /// Whether it authenticates at `now`.
    pub fn valid_at(&self, now: Timestamp) -> bool {
        self.revoked.is_none() && self.expires.is_none_or(|expires| now < expires)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_cumulative_along_their_two_lines() {
        let all = [Role::Viewer, Role::Agent, Role::Operator, Role::Admin];
        for role in all {
            assert!(Permission::Read.allowed(role, "x"));
        }
        let change: Vec<Role> = all
            .into_iter()
            .filter(|role| Permission::Change.allowed(*role, "x"))
            .collect();
        assert_eq!(change, [Role::Operator, Role::Admin]);
        let administer: Vec<Role> = all
            .into_iter()
            .filter(|role| Permission::Administer.allowed(*role, "x"))
            .collect();
        assert_eq!(administer, [Role::Admin]);
        let record: Vec<Role> = all
            .into_iter()
            .filter(|role| Permission::RecordBackup.allowed(*role, "x"))
            .collect();
        assert_eq!(record, [Role::Agent, Role::Operator, Role::Admin]);
    }

    #[test]
    fn an_agent_token_reports_only_under_its_name() {
        let report = |agent| Permission::Report { agent };
        assert!(report("vm-1/job/42").allowed(Role::Agent, "vm-1"));
        assert!(!report("vm-2/job/42").allowed(Role::Agent, "vm-1"));
        assert!(!report("vm-10/job").allowed(Role::Agent, "vm-1"));
        assert!(!report("vm-1").allowed(Role::Agent, "vm-1"));
        assert!(!report("vm-1/job").allowed(Role::Operator, "vm-1"));
        assert!(report("anything").allowed(Role::Admin, "root"));
    }

    #[test]
    fn a_token_digests_to_its_hash_and_shown_prefix_and_a_forgery_does_not() {
        let token = token_from(&[0xab; TOKEN_BYTES]);
        assert!(token.expose().starts_with("rpc_abab"));
        assert_eq!(token.expose().len(), 4 + 64);
        let digest = digest(token.expose()).expect("a token");
        assert_eq!(digest.shown, "rpc_abababab");
        assert_eq!(digest.hash.len(), 64);
        assert!(
            !digest.hash.contains("abababab"),
            "the hash is not the token"
        );
        for bad in [
            "",
            "rpc_",
            "rpc_xyz",
            "abc_abababab",
            &format!("rpc_{}", "g".repeat(64)),
        ] {
            assert_eq!(super::digest(bad), Err(TokenFormatError), "{bad}");
        }
    }

    #[test]
    fn a_secret_never_prints() {
        let token = token_from(&[7; TOKEN_BYTES]);
        let shown = digest(token.expose()).expect("a token").shown;
        assert_eq!(token_reference(token.expose()), shown);
        assert_eq!(token_reference(&shown), shown);
        assert_eq!(token_reference("ci-bot"), "ci-bot");
        assert!(
            check_token_name(&shown).is_err(),
            "a name shaped like a prefix"
        );
        let secret = Secret::new("rpc_secret");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(secret.expose(), "rpc_secret");
    }
}
