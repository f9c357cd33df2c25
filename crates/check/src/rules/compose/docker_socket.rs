use super::services;
use crate::parse::yaml::YamlFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Compose services that mount the Docker socket (`/var/run/docker.sock` or
    /// `/run/docker.sock`), in short or long volume syntax.
    ///
    /// ## Why is this bad?
    /// The Docker socket is root on the host: any process that can write to it can start a
    /// privileged container that mounts `/`. A compromised web app with the socket mounted
    /// is a compromised machine.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// ## Use instead
    /// Remove the mount. If a tool truly needs the Docker API, put a filtering proxy with a
    /// read-only allow-list in front of it and never expose it to the app.
    ///
    /// ## References
    /// - Docker daemon attack surface: <https://docs.docker.com/engine/security/#docker-daemon-attack-surface>
    /// - OWASP Docker Security Cheat Sheet, rule 1: <https://cheatsheetseries.owasp.org/cheatsheets/Docker_Security_Cheat_Sheet.html>
    pub struct DockerSocketMounted {
        code: "CP003",
        name: "docker-socket-mounted",
        family: Compose,
        severity: Error,
        summary: "Docker socket mounted into a container",
        fix: "remove the docker.sock mount",
    }
}

impl Rule for DockerSocketMounted {
    rule_meta!();

    fn compose(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        for (name, _, service) in services(file) {
            for volume in service.get("volumes").into_iter().flat_map(|v| v.items()) {
                let (node, source) = match volume.as_str() {
                    Some(s) => (volume, s.split(':').next().unwrap_or("")),
                    None => match volume.get("source") {
                        Some(src) => (src, src.as_str().unwrap_or("")),
                        None => continue,
                    },
                };
                if source.ends_with("/docker.sock") {
                    cx.report(
                        node.loc(&file.src),
                        format!("service `{name}` mounts the Docker socket"),
                    );
                }
            }
        }
    }
}
