use super::build_command;
use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Notes a Dockerfile that builds an artefact (`cargo build`, `npm run build`,
    /// `vite build`, `make`, …) but never mentions `SOURCE_DATE_EPOCH`. Go and .NET builds
    /// are left out: they embed no build time, so the same inputs give the same output.
    ///
    /// ## Why is this bad?
    /// Compilers, bundlers, archivers and BuildKit itself embed the current time unless
    /// `SOURCE_DATE_EPOCH` tells them otherwise, so two builds of the same commit differ
    /// and nobody can verify that an image was built from the source it claims.
    /// `ripcord check repro` rebuilds and compares; this rule points at the usual cause.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22@sha256:… AS build
    /// RUN npm ci && npm run build
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22@sha256:… AS build
    /// ARG SOURCE_DATE_EPOCH
    /// RUN npm ci && npm run build
    /// ```
    /// and build with `--build-arg SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)` (BuildKit
    /// 0.11+ also rewrites file timestamps with `rewrite-timestamp=true`).
    ///
    /// ## References
    /// - SOURCE_DATE_EPOCH specification: <https://reproducible-builds.org/docs/source-date-epoch/>
    /// - Reproducible builds with BuildKit: <https://docs.docker.com/build/ci/github-actions/reproducible-builds/>
    pub struct NoSourceDateEpoch {
        code: "DF010",
        name: "no-source-date-epoch",
        family: Dockerfile,
        severity: Info,
        summary: "build without SOURCE_DATE_EPOCH",
        fix: "declare `ARG SOURCE_DATE_EPOCH` in the build stage and pass the commit time as a build arg",
    }
}

impl Rule for NoSourceDateEpoch {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        if df.src.text.contains("SOURCE_DATE_EPOCH") {
            return;
        }
        // Go and .NET builds are deterministic given the same inputs: they embed no time.
        let timestamped = df.instrs.iter().find_map(|instr| {
            build_command(instr)
                .filter(|what| !matches!(*what, "go build" | "dotnet publish"))
                .map(|what| (instr, what))
        });
        if let Some((instr, what)) = timestamped {
            let loc = df.src.whole_line(instr.line);
            cx.report(
                loc,
                format!(
                    "{what} runs without SOURCE_DATE_EPOCH, so its output embeds the build time"
                ),
            );
        }
    }
}
