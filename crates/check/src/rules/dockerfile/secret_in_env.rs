use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, looks_like_secret_name, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `ENV` and `ARG` instructions whose variable name looks like a secret
    /// (`PASSWORD`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`,
    /// `CREDENTIAL`; names ending in `_FILE`, `_PATH` or `_ID` are exempt).
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image config and `ARG` values in its build history:
    /// anyone who can pull the image can read them with `docker history` or
    /// `docker inspect`, and registries, caches and CI logs keep them forever.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG NPM_TOKEN
    /// ENV DATABASE_PASSWORD=hunter2
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    /// and pass runtime secrets from the platform (Cloud Run secrets, Compose `secrets:`).
    ///
    /// ## References
    /// - Build secrets: <https://docs.docker.com/build/building/secrets/>
    /// - SecretsUsedInArgOrEnv build check: <https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/>
    pub struct SecretInEnvOrArg {
        code: "DF008",
        name: "secret-in-env-or-arg",
        family: Dockerfile,
        severity: Error,
        summary: "secret passed through ENV or ARG",
        fix: "use a build secret (`RUN --mount=type=secret,id=…`) or inject it at run time",
    }
}

/// `KEY=value KEY2=value` or the legacy `KEY value` form.
fn names(keyword: &str, args: &str) -> Vec<String> {
    let first_line = args.lines().next().unwrap_or("");
    if keyword == "ENV"
        && !first_line
            .split_whitespace()
            .next()
            .unwrap_or("")
            .contains('=')
    {
        return first_line
            .split_whitespace()
            .next()
            .map(str::to_string)
            .into_iter()
            .collect();
    }
    first_line
        .split_whitespace()
        .filter_map(|w| w.split('=').next())
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .map(str::to_string)
        .collect()
}

impl Rule for SecretInEnvOrArg {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        for instr in df
            .instrs
            .iter()
            .filter(|i| i.keyword == "ENV" || i.keyword == "ARG")
        {
            for name in names(&instr.keyword, &instr.args) {
                if looks_like_secret_name(&name) {
                    let loc = df.loc(instr, &name);
                    cx.report(
                        loc,
                        format!(
                            "`{} {name}` puts a secret into the image's {}",
                            instr.keyword,
                            if instr.keyword == "ENV" {
                                "config"
                            } else {
                                "build history"
                            }
                        ),
                    );
                }
            }
        }
    }
}
