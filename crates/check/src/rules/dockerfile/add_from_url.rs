use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `ADD` instructions whose source is a URL (`http://`, `https://`, a git
    /// remote), unless `--checksum=sha256:…` pins the download.
    ///
    /// ## Why is this bad?
    /// `ADD <url>` downloads whatever the server returns at build time, with no integrity
    /// check: builds are not reproducible, and a compromised or hijacked host injects code
    /// straight into the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tar.gz /opt/
    /// ```
    /// or `COPY` the file from the build context, or from a digest-pinned image.
    ///
    /// ## References
    /// - `ADD --checksum`: <https://docs.docker.com/reference/dockerfile/#add---checksum>
    /// - hadolint DL3020: <https://github.com/hadolint/hadolint/wiki/DL3020>
    pub struct AddFromUrl {
        code: "DF006",
        name: "add-from-url",
        family: Dockerfile,
        severity: Error,
        summary: "ADD downloads a URL without a checksum",
        fix: "pin the download with `ADD --checksum=sha256:<digest> <url> <dest>`, or COPY it from the context",
    }
}

impl Rule for AddFromUrl {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        for instr in df.instrs.iter().filter(|i| i.keyword == "ADD") {
            if instr
                .flag("checksum")
                .is_some_and(|c| c.starts_with("sha256:"))
            {
                continue;
            }
            let first_line = instr.args.lines().next().unwrap_or("");
            for word in first_line.split_whitespace() {
                let word = word.trim_matches(['"', '[', ']', ',']);
                if word.starts_with("http://")
                    || word.starts_with("https://")
                    || word.starts_with("git@")
                {
                    let loc = df.loc(instr, word);
                    cx.report(
                        loc,
                        format!("`ADD {word}` downloads at build time without a checksum"),
                    );
                }
            }
        }
    }
}
