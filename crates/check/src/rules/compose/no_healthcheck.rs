use std::collections::{HashMap, HashSet};

use super::services;
use crate::parse::dockerfile::Dockerfile;
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Project, ProjectCx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Compose services with no `healthcheck` (or with `healthcheck.disable: true`).
    ///
    /// A service counts as checked when any Compose file of the project gives it a
    /// `healthcheck`, or when the image it builds declares one (`HEALTHCHECK` in the
    /// final stage of the Dockerfile its `build:` names). Override files are read with
    /// the file they override: an entry that only adds `build`, `ports`, `dns`, `profiles`
    /// or volumes to a service defined with an `image` elsewhere (or that has neither an
    /// `image` nor a `build`, so it cannot run alone) is not reported; the defining entry
    /// is.
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

    fn project(&self, project: &Project, cx: &mut ProjectCx<'_>) {
        let entries: Vec<Entry<'_>> = project
            .compose
            .iter()
            .flat_map(|file| {
                services(file).map(move |(name, key, service)| Entry {
                    file,
                    name,
                    key,
                    service,
                })
            })
            .collect();
        let mut by_name: HashMap<&str, Vec<&Entry<'_>>> = HashMap::new();
        for entry in &entries {
            by_name.entry(entry.name).or_default().push(entry);
        }
        let base_folders: HashSet<&str> = project
            .compose
            .iter()
            .filter(|file| !is_override(file))
            .map(folder)
            .collect();
        // An override alone in its folder is a template written for a base elsewhere.
        let template =
            |e: &Entry<'_>| e.in_override_file() && !base_folders.contains(folder(e.file));
        // Entries read together, as Compose reads a base with its overrides: the same folder
        // with an override among them, or a template with a base anywhere. Two bases (two
        // stacks, a CI variant) never lend each other a healthcheck.
        let together = |a: &Entry<'_>, b: &Entry<'_>| {
            std::ptr::eq(a, b)
                || (folder(a.file) == folder(b.file)
                    && (a.in_override_file() || b.in_override_file()))
                || (template(a) && !b.in_override_file())
                || (template(b) && !a.in_override_file())
        };
        for entry in &entries {
            let siblings: Vec<&Entry<'_>> = by_name[entry.name]
                .iter()
                .copied()
                .filter(|sibling| together(entry, sibling))
                .collect();
            let siblings = &siblings;
            if entry.is_partial(siblings) {
                continue;
            }
            let healthcheck = siblings
                .iter()
                .find_map(|sibling| sibling.service.get("healthcheck"));
            match healthcheck {
                Some(check) if !disabled(check) => {}
                Some(_) => {
                    cx.report(
                        &entry.file.src,
                        entry.key.loc(&entry.file.src),
                        format!("service `{}` disables its healthcheck", entry.name),
                    );
                }
                None if siblings.iter().any(|sibling| {
                    sibling.declares_healthcheck_in_image(siblings, &project.dockerfiles)
                }) => {}
                None => {
                    cx.report(
                        &entry.file.src,
                        entry.key.loc(&entry.file.src),
                        format!("service `{}` has no healthcheck", entry.name),
                    );
                }
            }
        }
    }
}

/// The folder of a Compose file, as shown.
fn folder(file: &YamlFile) -> &str {
    file.src
        .display
        .rsplit_once('/')
        .map_or("", |(folder, _)| folder)
}

/// Whether the file is an override by name (`compose.override.yaml`, templates in
/// `docker-compose.override.yml.d/`).
fn is_override(file: &YamlFile) -> bool {
    file.src.display.to_ascii_lowercase().contains("override")
}

fn disabled(check: &YNode) -> bool {
    check.get("disable").and_then(|d| d.as_str()) == Some("true")
}

/// One service entry of one Compose file.
struct Entry<'a> {
    file: &'a YamlFile,
    name: &'a str,
    key: &'a YNode,
    service: &'a YNode,
}

/// Images whose own Dockerfile declares a `HEALTHCHECK` (checked upstream), so a service
/// that runs them is checked without one in Compose.
const IMAGES_WITH_HEALTHCHECK: &[&str] = &["clamav/clamav"];

impl Entry<'_> {
    fn has(&self, key: &str) -> bool {
        self.service.get(key).is_some()
    }

    /// Whether the file is an override by name (`compose.override.yaml`, templates in
    /// `docker-compose.override.yml.d/`).
    fn in_override_file(&self) -> bool {
        self.file
            .src
            .display
            .to_ascii_lowercase()
            .contains("override")
    }

    /// An entry that does not define the service on its own: it has neither `image` nor
    /// `build` (Compose refuses to run it alone), it has no `image` while another file
    /// defines the service with one (an override adding a build, ports or DNS), or it is
    /// in an override file and another file, not an override, defines the service.
    fn is_partial(&self, siblings: &[&Entry<'_>]) -> bool {
        let others = || {
            siblings
                .iter()
                .filter(|sibling| !std::ptr::eq(**sibling, self))
        };
        if self.in_override_file() && others().any(|sibling| !sibling.in_override_file()) {
            return true;
        }
        if self.has("image") {
            return false;
        }
        !self.has("build") || others().any(|sibling| sibling.has("image"))
    }

    /// Whether the image this entry runs declares a healthcheck: a well-known image that
    /// does, or a `build:` whose final stage (or `build.target`) has a `HEALTHCHECK`
    /// other than `NONE`. A build context is tried from the folder of every file that
    /// names the service, since override templates are written for the base's folder.
    fn declares_healthcheck_in_image(
        &self,
        siblings: &[&Entry<'_>],
        dockerfiles: &[Dockerfile],
    ) -> bool {
        let image = self
            .service
            .get("image")
            .and_then(YNode::as_str)
            .unwrap_or("");
        let repository = image.split(['@', ':']).next().unwrap_or("");
        if IMAGES_WITH_HEALTHCHECK.contains(&repository) {
            return true;
        }
        let Some(build) = self.service.get("build") else {
            return false;
        };
        let (context, dockerfile, target) = match build.as_str() {
            Some(context) => (context, "Dockerfile", None),
            None => (
                build.get("context").and_then(YNode::as_str).unwrap_or("."),
                build
                    .get("dockerfile")
                    .and_then(YNode::as_str)
                    .unwrap_or("Dockerfile"),
                build.get("target").and_then(YNode::as_str),
            ),
        };
        let wanted: Vec<String> = siblings
            .iter()
            .map(|sibling| {
                let folder = sibling
                    .file
                    .src
                    .display
                    .rsplit_once('/')
                    .map_or("", |(folder, _)| folder);
                normalise(&format!("{folder}/{context}/{dockerfile}"))
            })
            .collect();
        dockerfiles
            .iter()
            .filter(|file| wanted.contains(&file.src.display))
            .any(|file| {
                let stage = match target {
                    Some(target) => file.stages.iter().find(|stage| {
                        stage
                            .name
                            .as_deref()
                            .is_some_and(|name| name.eq_ignore_ascii_case(target))
                    }),
                    None => file.final_stage(),
                };
                stage.is_some_and(|stage| {
                    file.stage_instrs(stage).iter().any(|instr| {
                        instr.keyword == "HEALTHCHECK"
                            && !instr.args.trim().eq_ignore_ascii_case("none")
                    })
                })
            })
    }
}

/// A `/`-separated relative path without `.`, empty parts or resolvable `..`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn paths_are_normalised() {
        assert_eq!(
            normalise("/./data/Dockerfiles/clamd/Dockerfile"),
            "data/Dockerfiles/clamd/Dockerfile"
        );
        assert_eq!(normalise("app/../web/./Dockerfile"), "web/Dockerfile");
        assert_eq!(normalise("../x/Dockerfile"), "../x/Dockerfile");
    }
}
