use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

const SHELLS: &[&str] = &[
    "sh", "bash", "zsh", "ash", "dash", "ksh", "python", "python3", "perl", "ruby", "node",
];

declare_rule! {
    /// ## What it does
    /// Flags `RUN` instructions that pipe a download into an interpreter: `curl … | sh`,
    /// `wget -qO- … | bash`, `sh -c "$(curl …)"`, `bash <(curl …)`.
    ///
    /// ## Why is this bad?
    /// The script is executed without ever being checked: whatever the server (or anyone
    /// between it and the build) returns runs as root in the image. A truncated download
    /// can even run half a script. Builds are not reproducible either.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/install.sh | sh
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// ADD --checksum=sha256:… https://example.com/install.sh /tmp/install.sh
    /// RUN sh /tmp/install.sh
    /// ```
    /// or install from a package manager or a digest-pinned image.
    ///
    /// ## References
    /// - hadolint DL4006 and the `curl | sh` discussion: <https://github.com/hadolint/hadolint/wiki/DL4006>
    pub struct CurlPipeShell {
        code: "DF007",
        name: "curl-pipe-shell",
        family: Dockerfile,
        severity: Error,
        summary: "downloaded script piped into a shell",
        fix: "download with a pinned checksum (`ADD --checksum=…`), verify, then run; or use a package",
    }
}

fn fetches(s: &str) -> bool {
    s.split_whitespace().any(|w| {
        let w = w.trim_start_matches(['(', '"', '\'', '$', '<']);
        w == "curl" || w == "wget"
    })
}

impl Rule for CurlPipeShell {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        for instr in df.instrs.iter().filter(|i| i.keyword == "RUN") {
            let mut hit = false;
            for line in instr.args.split('\n') {
                for command in line.split("&&").flat_map(|p| p.split(';')) {
                    let stages: Vec<&str> = command.split('|').filter(|s| !s.is_empty()).collect();
                    for pair in stages.windows(2) {
                        let next = pair[1]
                            .split_whitespace()
                            .find(|w| *w != "sudo" && !w.starts_with('-'));
                        if fetches(pair[0])
                            && next.is_some_and(|w| {
                                SHELLS.contains(&w.rsplit('/').next().unwrap_or(w))
                            })
                        {
                            hit = true;
                        }
                    }
                    if (command.contains("$(curl")
                        || command.contains("$(wget")
                        || command.contains("<(curl")
                        || command.contains("<(wget"))
                        && command.split_whitespace().any(|w| SHELLS.contains(&w))
                    {
                        hit = true;
                    }
                }
            }
            if hit {
                let needle = if instr.args.contains("curl") {
                    "curl"
                } else {
                    "wget"
                };
                let loc = df.loc(instr, needle);
                cx.report(
                    loc,
                    "a downloaded script is piped into an interpreter without verification",
                );
            }
        }
    }
}
