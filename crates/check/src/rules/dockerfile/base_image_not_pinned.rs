use super::{expand, global_args, has_digest};
use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `FROM` lines whose image is not pinned by digest (`image:tag@sha256:…`).
    /// `scratch` and references to earlier stages are exempt; global `ARG` defaults are
    /// expanded first.
    ///
    /// ## Why is this bad?
    /// A tag is a pointer that its publisher can move at any time: the same Dockerfile
    /// builds a different image tomorrow, builds are not reproducible, and a compromised
    /// or broken push reaches you without a code change. A digest names exactly one image;
    /// tools like Renovate or Dependabot keep digests current through reviewed pull requests.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim AS build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:2f1b1b0c3a5e… AS build
    /// ```
    ///
    /// ## References
    /// - Pin base image versions: <https://docs.docker.com/build/building/best-practices/#pin-base-image-versions>
    /// - Reproducible builds: <https://reproducible-builds.org/>
    pub struct BaseImageNotPinned {
        code: "DF003",
        name: "base-image-not-pinned",
        family: Dockerfile,
        severity: Error,
        summary: "base image not pinned by digest",
        fix: "pin the image by digest: `FROM image:tag@sha256:<digest>` (keep the tag for readers)",
    }
}

/// A base written with an argument that names earlier stages (`binaries-$TARGETOS` for
/// `binaries-linux`, `binaries-darwin`…).
fn is_stage_pattern(df: &Dockerfile, image: &str, before: usize) -> bool {
    image.contains('$')
        && df
            .stages
            .iter()
            .take_while(|stage| stage.from < before)
            .filter_map(|stage| stage.name.as_deref())
            .any(|name| super::runtime::name_matches(image, name))
}

impl Rule for BaseImageNotPinned {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        let args = global_args(df);
        for stage in &df.stages {
            let image = expand(&stage.image, &args);
            // Chosen where the image is built: `FROM ${BASE}` with no default, or a
            // registry or repository named by an argument with no default or a placeholder
            // one (`YOUR_PROJECT_ID`: each deployer's own), which a digest in the file
            // cannot pin. An argument with a real default is judged at that default.
            let repository = image.split(['@', ':']).next().unwrap_or("");
            let placeholder = repository.to_ascii_lowercase().contains("your");
            let chosen_by_builder = image.is_empty() || repository.contains('$') || placeholder;
            if chosen_by_builder
                || image.eq_ignore_ascii_case("scratch")
                || has_digest(&image)
                || df.is_stage_name(&image, stage.from)
                || is_stage_pattern(df, &image, stage.from)
            {
                continue;
            }
            let loc = df.loc(&df.instrs[stage.from], &stage.image);
            cx.report(loc, format!("base image `{image}` is not pinned by digest"));
        }
    }
}
