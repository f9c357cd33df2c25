use super::services;
use crate::parse::yaml::YamlFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Compose services with no `healthcheck` (or with `healthcheck.disable: true`).
    ///
    /// ## Why is this bad?
    /// Without a health check, `depends_on: condition: service_healthy` cannot work, so
    /// the app starts before Postgres or Redis accept connections and fails or retries in
    /// a loop; `docker compose ps` shows "running" for a process that is wedged; and
    /// `restart:` policies never fire for a hung service.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17@sha256:…
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17@sha256:…
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "pg_isready -U postgres"]
    ///       interval: 5s
    ///       retries: 10
    /// ```
    ///
    /// ## References
    /// - Compose `healthcheck`: <https://docs.docker.com/reference/compose-file/services/#healthcheck>
    /// - Control startup order: <https://docs.docker.com/compose/how-tos/startup-order/>
    pub struct ServiceWithoutHealthcheck {
        code: "CP001",
        name: "service-without-healthcheck",
        family: Compose,
        severity: Warning,
        summary: "Compose service without a healthcheck",
        fix: "add a `healthcheck:` with a `test` that proves the service answers",
    }
}

impl Rule for ServiceWithoutHealthcheck {
    rule_meta!();

    fn compose(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        for (name, key, service) in services(file) {
            let disabled = |h: &crate::parse::yaml::YNode| {
                h.get("disable").and_then(|d| d.as_str()) == Some("true")
            };
            match service.get("healthcheck") {
                Some(h) if !disabled(h) => {}
                Some(_) => {
                    cx.report(
                        key.loc(&file.src),
                        format!("service `{name}` disables its healthcheck"),
                    );
                }
                None => {
                    cx.report(
                        key.loc(&file.src),
                        format!("service `{name}` has no healthcheck"),
                    );
                }
            }
        }
    }
}
