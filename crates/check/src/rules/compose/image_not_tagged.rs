use super::services;
use crate::parse::yaml::YamlFile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Compose services whose `image` has no tag or uses `latest`, unless it is pinned
    /// by digest. Services that `build:` their image are exempt (the image is the output).
    ///
    /// ## Why is this bad?
    /// `postgres` and `postgres:latest` mean "whatever was newest when this machine last
    /// pulled": two developers run different major versions, and a `docker compose pull`
    /// can upgrade a database whose on-disk format then no longer matches.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4-alpine@sha256:…
    /// ```
    ///
    /// ## References
    /// - Compose `image`: <https://docs.docker.com/reference/compose-file/services/#image>
    pub struct ImageLatestOrUntagged {
        code: "CP002",
        name: "image-latest-or-untagged",
        family: Compose,
        severity: Error,
        summary: "Compose image without a tag or with `latest`",
        fix: "pin a version tag, ideally with its digest: `image: name:1.2.3@sha256:…`",
    }
}

impl Rule for ImageLatestOrUntagged {
    rule_meta!();

    fn compose(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        for (name, _, service) in services(file) {
            if service.get("build").is_some() {
                continue;
            }
            let Some(node) = service.get("image") else {
                continue;
            };
            let Some(image) = node.as_str() else { continue };
            if image.is_empty() || image.contains("@sha256:") || image.contains('$') {
                continue;
            }
            let last = image.rsplit('/').next().unwrap_or(image);
            let message = match last.split_once(':') {
                None => format!("service `{name}` uses image `{image}` without a tag"),
                Some((_, "latest")) => format!("service `{name}` uses the `latest` tag"),
                Some(_) => continue,
            };
            cx.report(node.loc(&file.src), message);
        }
    }
}
