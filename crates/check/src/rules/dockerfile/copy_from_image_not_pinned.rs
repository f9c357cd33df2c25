use super::has_digest;
use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `COPY --from=<image>` (and `RUN --mount=…,from=<image>`) where `<image>` is a
    /// registry image rather than an earlier stage, and is not pinned by digest.
    ///
    /// ## Why is this bad?
    /// `COPY --from=ghcr.io/astral-sh/uv:latest /uv /bin/` pulls a binary from whatever the
    /// tag points at on the day of the build: the same hole as an unpinned `FROM`, but
    /// easier to miss because it is not on a `FROM` line.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// COPY --from=ghcr.io/astral-sh/uv:0.5@sha256:… /uv /bin/uv
    /// ```
    ///
    /// ## References
    /// - `COPY --from`: <https://docs.docker.com/reference/dockerfile/#copy---from>
    /// - uv in Docker (pinning the image): <https://docs.astral.sh/uv/guides/integration/docker/>
    pub struct CopyFromImageNotPinned {
        code: "DF004",
        name: "copy-from-image-not-pinned",
        family: Dockerfile,
        severity: Error,
        summary: "COPY --from an image not pinned by digest",
        fix: "pin the image by digest: `COPY --from=image:tag@sha256:<digest> …`",
    }
}

impl Rule for CopyFromImageNotPinned {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        for (i, instr) in df.instrs.iter().enumerate() {
            let mut sources = Vec::new();
            if instr.keyword == "COPY" {
                sources.extend(instr.flag("from"));
            }
            if instr.keyword == "RUN" {
                for (name, value) in &instr.flags {
                    if name == "mount" {
                        sources.extend(value.split(',').filter_map(|kv| kv.strip_prefix("from=")));
                    }
                }
            }
            for image in sources {
                if has_digest(image) || df.is_stage_name(image, i + 1) {
                    continue;
                }
                let loc = df.loc(instr, image);
                cx.report(
                    loc,
                    format!(
                        "`{}` copies from image `{image}`, which is not pinned by digest",
                        instr.keyword
                    ),
                );
            }
        }
    }
}
