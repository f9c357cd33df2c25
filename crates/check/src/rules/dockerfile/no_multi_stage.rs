use super::first_build;
use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags a single-stage Dockerfile that compiles or bundles (`cargo build`, `go build`,
    /// `mvn package`, `gradle`, `dotnet publish`, `npm run build`, `vite build`, `make`, a C
    /// compiler).
    ///
    /// ## Why is this bad?
    /// The compiler, its caches, the source and every build dependency ship in the runtime
    /// image: hundreds of megabytes and a toolchain an attacker can use. A build stage
    /// followed by a minimal runtime stage ships only the artefact.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rust:1.88
    /// COPY . .
    /// RUN cargo build --locked --release
    /// CMD ["./target/release/app"]
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM rust:1.88@sha256:… AS build
    /// COPY . .
    /// RUN cargo build --locked --release
    ///
    /// FROM gcr.io/distroless/cc-debian12:nonroot@sha256:…
    /// COPY --from=build /target/release/app /app
    /// CMD ["/app"]
    /// ```
    ///
    /// ## References
    /// - Multi-stage builds: <https://docs.docker.com/build/building/multi-stage/>
    pub struct NoMultiStageForCompiled {
        code: "DF005",
        name: "no-multi-stage-for-compiled",
        family: Dockerfile,
        severity: Warning,
        summary: "compiled or bundled in a single-stage Dockerfile",
        fix: "split into a build stage and a minimal runtime stage that copies only the artefact",
    }
}

/// Whether a script uninstalls, after building, packages it installed itself (`apt-get
/// purge build-essential`, `apk del .build-deps` after `apk add --virtual .build-deps`).
/// `autoremove` alone removes nothing that was installed by name.
fn removes_toolchain(script: &str) -> bool {
    let mut installed: Vec<&str> = Vec::new();
    let mut removed: Vec<&str> = Vec::new();
    for words in super::commands(script) {
        let words = super::strip_prefixes(&words);
        let packages = || {
            words
                .iter()
                .skip(2)
                .filter(|word| !word.starts_with('-'))
                .copied()
                .collect::<Vec<_>>()
        };
        match words {
            ["apt-get" | "apt" | "dnf" | "yum", "install", ..] | ["apk", "add", ..] => {
                installed.extend(packages());
            }
            ["apt-get" | "apt", "purge" | "remove", ..]
            | ["apk", "del", ..]
            | ["dnf" | "yum", "remove", ..] => removed.extend(packages()),
            _ => {}
        }
    }
    removed.iter().any(|package| installed.contains(package))
}

impl Rule for NoMultiStageForCompiled {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        if df.stages.len() != 1 {
            return;
        }
        if let Some((instr, what)) = first_build(df) {
            // The same RUN removes the toolchain again (`apt-get purge`, `apk del`).
            if removes_toolchain(&instr.args) {
                return;
            }
            let loc = df.src.whole_line(instr.line);
            cx.report(
                loc,
                format!("this single-stage image runs {what}, so the toolchain ships with it"),
            );
        }
    }
}
