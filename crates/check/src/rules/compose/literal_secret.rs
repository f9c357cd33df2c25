use super::services;
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, looks_like_secret_name, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags literal secrets in a Compose service's `environment`: a variable whose name
    /// looks like a secret (`PASSWORD`, `SECRET`, `TOKEN`, `API_KEY`, …) with a literal
    /// value, or any URL value with a password in it (`postgres://user:pass@db/app`).
    /// Values interpolated from the environment (`${POSTGRES_PASSWORD}`) are fine.
    ///
    /// ## Why is this bad?
    /// The Compose file is committed: the secret is in git history forever, in every fork
    /// and clone, and development passwords have a way of reaching staging. Interpolate
    /// from an untracked `.env` file, or use Compose `secrets:`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     environment:
    ///       POSTGRES_PASSWORD: hunter2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     environment:
    ///       POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
    /// ```
    ///
    /// ## References
    /// - Compose interpolation: <https://docs.docker.com/reference/compose-file/interpolation/>
    /// - Compose secrets: <https://docs.docker.com/compose/how-tos/use-secrets/>
    pub struct LiteralSecretInEnvironment {
        code: "CP005",
        name: "literal-secret-in-environment",
        family: Compose,
        severity: Error,
        summary: "literal secret in a Compose environment",
        fix: "interpolate it (`${NAME:?}` from an untracked .env) or use Compose `secrets:`",
    }
}

fn url_with_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    authority.split_once('@').is_some_and(|(userinfo, _)| {
        userinfo
            .split_once(':')
            .is_some_and(|(_, pass)| !pass.is_empty() && !pass.contains('$'))
    })
}

/// A value that stands for one the operator fills in (`<your-API-key>`), or a JWT
/// configuration that names where the public keys are (`{"jwk_url": …}`) and holds no key.
fn not_a_secret(value: &str) -> bool {
    let value = value.trim();
    let placeholder = value.starts_with('<') && value.ends_with('>');
    let public_keys = value.starts_with('{')
        && serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(value).is_ok_and(
            |config| {
                ["jwk_url", "jwks_uri"]
                    .iter()
                    .any(|k| config.contains_key(*k))
                    && !config.contains_key("key")
            },
        );
    placeholder || public_keys
}

fn check(name: &str, key: &str, value: &str, node: &YNode, file: &YamlFile, cx: &mut Cx<'_>) {
    let literal = !value.is_empty()
        && !value.contains("${")
        && !value.starts_with('$')
        && !not_a_secret(value);
    if literal && looks_like_secret_name(key) {
        cx.report(
            node.loc(&file.src),
            format!("service `{name}` sets `{key}` to a literal value"),
        );
    } else if url_with_password(value) {
        cx.report(
            node.loc(&file.src),
            format!("service `{name}` puts a password in the URL of `{key}`"),
        );
    }
}

impl Rule for LiteralSecretInEnvironment {
    rule_meta!();

    fn compose(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        for (name, _, service) in services(file) {
            let Some(env) = service.get("environment") else {
                continue;
            };
            for (key, _, value) in env.entries() {
                if let Some(v) = value.as_str().filter(|_| !value.is_null()) {
                    check(name, key, v, value, file, cx);
                }
            }
            for item in env.items() {
                let Some(text) = item.as_str() else { continue };
                if let Some((key, value)) = text.split_once('=') {
                    check(name, key, value, item, file, cx);
                }
            }
        }
    }
}
