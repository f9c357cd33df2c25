use super::runtime::{NotARuntime, drops_privileges_itself, not_a_runtime, shipped_stage};
use super::{normalize_image, resolved_base};
use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose shipped stage runs as root: its last `USER` is `root` or
    /// `0`, or it sets no `USER` and its base does not default to a non-root user. Bases
    /// known to default to non-root: distroless `:nonroot` tags, Chainguard images,
    /// unprivileged nginx, and vendor images that set a `USER` themselves (Keycloak).
    ///
    /// The shipped stage is chosen as DF001 chooses it, and the rule is silent where DF001
    /// is for the same reasons (dev containers, CI-only stages, artefact stages with no
    /// command, builder and workstation images). With a base chosen at build time
    /// (`FROM ${BASE}`), only an explicit root `USER` is reported. An image that sets no
    /// `USER` but drops privileges itself is not reported: its command passes `-u USER`,
    /// or it is an entrypoint script or supervisor and the image creates its own service
    /// users or installs `gosu`/`su-exec` (a mail or DNS daemon's master starts as root by
    /// design and runs its workers as those users).
    ///
    /// ## Why is this bad?
    /// A process running as root in a container is root on every volume it mounts and one
    /// kernel or runtime bug away from root on the host. Cloud Run and Kubernetes
    /// (`runAsNonRoot`) both let you drop it; the image should not need it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM gcr.io/distroless/static-debian12
    /// COPY app /app
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM gcr.io/distroless/static-debian12:nonroot
    /// COPY app /app
    /// USER nonroot
    /// ENTRYPOINT ["/app"]
    /// ```
    ///
    /// ## References
    /// - Dockerfile `USER`: <https://docs.docker.com/reference/dockerfile/#user>
    /// - CIS Docker Benchmark 4.1, "Ensure that a user for the container has been created"
    /// - hadolint DL3002: <https://github.com/hadolint/hadolint/wiki/DL3002>
    pub struct RunsAsRoot {
        code: "DF002",
        name: "runs-as-root",
        family: Dockerfile,
        severity: Error,
        summary: "final image runs as root",
        fix: "add `USER nonroot` (or a numeric UID such as `USER 65532`) to the final stage",
    }
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || name == "0"
}

/// Vendor images whose own Dockerfile sets a non-root `USER` (checked upstream).
const NONROOT_IMAGES: &[&str] = &["quay.io/keycloak/keycloak"];

fn base_is_nonroot(image: &str) -> bool {
    let image = normalize_image(image);
    let repository = image.split(['@', ':']).next().unwrap_or("");
    if NONROOT_IMAGES.contains(&repository) {
        return true;
    }
    let tag = image
        .split('@')
        .next()
        .unwrap_or("")
        .rsplit_once(':')
        .map_or("", |(_, t)| t);
    (image.starts_with("gcr.io/distroless/") && tag.contains("nonroot"))
        || image.starts_with("cgr.dev/chainguard/")
        || image.contains("nginx-unprivileged")
}

impl Rule for RunsAsRoot {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        let not_a_runtime = not_a_runtime(df);
        if not_a_runtime.is_some_and(|why| why != NotARuntime::UnknownBase) {
            return;
        }
        let Some(stage) = shipped_stage(df) else {
            return;
        };
        // The shipped stage and every stage it builds on, nearest first.
        let mut chain = vec![stage];
        let mut current = stage;
        while let Some(parent) = df
            .stages
            .iter()
            .take_while(|s| s.from < current.from)
            .find(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&current.image))
            })
        {
            chain.push(parent);
            current = parent;
        }
        for s in &chain {
            if let Some(user) = df
                .stage_instrs(s)
                .iter()
                .rev()
                .find(|i| i.keyword == "USER")
            {
                if is_root(&user.args) {
                    let loc = df.loc(user, &user.args);
                    cx.report(
                        loc,
                        format!("the final image runs as `{}`", user.args.trim()),
                    );
                }
                return;
            }
        }
        // A base chosen at build time: only an explicit root `USER` (above) is known.
        if not_a_runtime.is_some() || drops_privileges_itself(df) {
            return;
        }
        let base = resolved_base(df, stage);
        if !base_is_nonroot(&base) {
            let from = &df.instrs[stage.from];
            let loc = df.loc(from, &stage.image);
            cx.report(
                loc,
                format!("the shipped stage sets no USER and `{base}` runs as root by default"),
            );
        }
    }
}
