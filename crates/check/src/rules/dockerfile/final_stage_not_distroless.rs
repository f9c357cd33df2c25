use super::runtime::{distroless_cannot_run, not_a_runtime, shipped_stage};
use super::{normalize_image, resolved_base};
use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

/// Final-stage bases accepted as minimal runtime images.
pub const MINIMAL: &[&str] = &[
    "gcr.io/distroless/",
    "cgr.dev/",
    "nginxinc/nginx-unprivileged",
    "ghcr.io/nginxinc/nginx-unprivileged",
    "bitnami/nginx",
];

/// Is this image (normalised) a minimal runtime image?
pub fn is_minimal(image: &str) -> bool {
    let image = normalize_image(image);
    // Chiseled Ubuntu: `ubuntu/dotnet-runtime:8.0-24.04_chiseled`, `…-chiseled` images.
    let chiseled = image.contains("chiseled");
    image == "scratch" || chiseled || MINIMAL.iter().any(|prefix| image.starts_with(prefix))
}

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose shipped stage (the image a service runs) is not built on a
    /// minimal runtime image: `scratch`, distroless (`gcr.io/distroless/*`), Chainguard and
    /// Wolfi (`cgr.dev/chainguard/*`, `cgr.dev/…`), chiseled Ubuntu (`ubuntu/…-chiseled`,
    /// `…:*-chiseled`), or, for static front ends, unprivileged nginx
    /// (`nginxinc/nginx-unprivileged`). The base is followed through `FROM <stage>` and
    /// global `ARG` defaults.
    ///
    /// ## Which image ships
    /// The last stage, unless it is a local-development stage (`dev`, `development`,
    /// `debug`, `local`) and a release stage exists (`production`, `prod`, `release`,
    /// `runtime`, `final`): releases build `--target production`. The rule is about a
    /// service's runtime image, so it stays silent on:
    /// - dev containers (`.devcontainer/`) and Dockerfiles named for local development
    ///   (`Dockerfile.dev`, `Dockerfile-local`, `debug.Dockerfile`);
    /// - a shipped stage that is, or builds on, a CI-only stage (`lint`, `validate`,
    ///   `test`, `check`, `outdated`…);
    /// - artefact stages: `scratch` with no `ENTRYPOINT` or `CMD`, copied from or exported;
    /// - builder and workstation images (`gcr.io/cloud-builders/…`, Cloud Workstations);
    /// - a base chosen at build time (`FROM ${BASE}` with no default);
    /// - images distroless cannot run: with no command of their own (a vendor image
    ///   extended, which runs its base's command), whose command is a shell script, a shell
    ///   or a supervisor, or that runs PHP, Ruby or Perl (distroless has no such image).
    ///
    /// ## Why is this bad?
    /// A full distribution image ships a shell, a package manager and hundreds of packages
    /// the application never uses: each is attack surface, a source of scanner findings and
    /// megabytes in the registry (Artifact Registry's free allowance is 0.5 GB). Build in a
    /// full image, then copy the artefact into a minimal one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// RUN pip install -r requirements.txt
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim@sha256:… AS build
    /// WORKDIR /app
    /// COPY . .
    /// RUN uv sync --locked --no-dev
    ///
    /// FROM gcr.io/distroless/python3-debian12:nonroot@sha256:…
    /// COPY --from=build /app /app
    /// CMD ["/app/.venv/bin/python", "/app/main.py"]
    /// ```
    ///
    /// ## References
    /// - Distroless images: <https://github.com/GoogleContainerTools/distroless>
    /// - Multi-stage builds: <https://docs.docker.com/build/building/multi-stage/>
    /// - Unprivileged nginx: <https://hub.docker.com/r/nginxinc/nginx-unprivileged>
    /// - Artifact Registry pricing (0.5 GB free): <https://cloud.google.com/artifact-registry/pricing> (as published, checked 2026-11)
    pub struct FinalStageNotDistroless {
        code: "DF001",
        name: "final-stage-not-distroless",
        family: Dockerfile,
        severity: Error,
        summary: "final image is not distroless, scratch or unprivileged nginx",
        fix: "build in a full image, then `COPY --from=build` into gcr.io/distroless/… (or nginxinc/nginx-unprivileged for static sites)",
    }
}

impl Rule for FinalStageNotDistroless {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        if not_a_runtime(df).is_some() || distroless_cannot_run(df).is_some() {
            return;
        }
        let Some(stage) = shipped_stage(df) else {
            return;
        };
        let base = resolved_base(df, stage);
        if !is_minimal(&base) {
            let from = &df.instrs[stage.from];
            let loc = df.loc(from, &stage.image);
            cx.report(
                loc,
                format!("the shipped stage runs on `{base}`, not a distroless or minimal image"),
            );
        }
    }
}
