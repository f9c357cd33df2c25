use crate::parse::dockerfile::{Dockerfile, Instr};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags shell-form `RUN` instructions with a pipe (`a | b`) when neither the stage's
    /// `SHELL` nor the script itself sets `-o pipefail`. A pipe fed only by `echo`,
    /// `printf` or `yes`, which cannot fail, is left alone, and so are pipes in the
    /// condition of an `if`, `while` or `until` and in a command substitution `$(…)`.
    ///
    /// ## Why is this bad?
    /// A pipeline's status is its last command's. `RUN curl -fsSL https://… | tar -xz`
    /// succeeds when the download fails half way, and `RUN make | tee build.log` succeeds
    /// when the build fails: the image is built, cached and shipped without what the
    /// command was for, and the failure shows up later, in production.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    /// (BusyBox's `ash` on Alpine knows `set -o pipefail` too; Debian's `dash` before
    /// 0.5.11 does not, so use bash there.)
    ///
    /// ## References
    /// - hadolint DL4006: <https://github.com/hadolint/hadolint/wiki/DL4006>
    pub struct PipeWithoutPipefail {
        code: "DF011",
        name: "pipe-without-pipefail",
        family: Dockerfile,
        severity: Warning,
        summary: "RUN pipeline whose failures are hidden (no pipefail)",
        fix: "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start it with `set -o pipefail &&`",
    }
}

/// Commands on the left of a pipe that cannot fail.
const CANNOT_FAIL: &[&str] = &["echo", "printf", "yes"];

/// Splits a script where `separator` (given the text from a position, the length of the
/// separator that starts there, or 0) finds one outside quotes and outside `$(…)`.
fn split_top_level(script: &str, separator: impl Fn(&str) -> usize) -> Vec<&str> {
    let bytes = script.as_bytes();
    let mut parts = Vec::new();
    let (mut single, mut double, mut depth) = (false, false, 0usize);
    let (mut start, mut at) = (0, 0);
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if !single => at += 1,
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            _ if single => {}
            b'$' if bytes.get(at + 1) == Some(&b'(') => {
                depth += 1;
                at += 1;
            }
            b')' if depth > 0 => depth -= 1,
            _ if depth > 0 || double => {}
            // Separators are ASCII: the bytes of a wider character are never one.
            byte if !byte.is_ascii() => {}
            _ => {
                let length = separator(&script[at..]);
                if length > 0 {
                    parts.push(&script[start..at]);
                    start = at + length;
                    at = start;
                    continue;
                }
            }
        }
        at += 1;
    }
    parts.push(&script[start..]);
    parts
}

/// The commands feeding pipes in a script, left of each `|` that is not `||`. Pipes in
/// the condition of an `if`, `while` or `until` are left out (their status is tested
/// there), and so are pipes in `$(…)`: they compute a value the next command uses (an
/// architecture, a version), so a failure shows as a wrong value, not as silence.
fn piped_from(script: &str) -> Vec<&str> {
    let statements = split_top_level(script, |rest| {
        if rest.starts_with("&&") || rest.starts_with("||") {
            2
        } else if rest.starts_with(['\n', ';']) {
            1
        } else {
            0
        }
    });
    let mut out = Vec::new();
    let mut condition = false;
    for statement in statements {
        let mut words = statement.trim_start_matches([' ', '\t', '(', '{']).trim();
        let first = words.split_whitespace().next().unwrap_or("");
        match first {
            "if" | "elif" | "while" | "until" | "!" => condition = true,
            "then" | "do" | "else" => {
                condition = false;
                words = words[first.len()..].trim_start();
            }
            _ => {}
        }
        if condition {
            continue;
        }
        let stages = split_top_level(words, |rest| usize::from(rest.starts_with('|')));
        out.extend(stages.iter().rev().skip(1).rev().map(|left| left.trim()));
    }
    out
}

fn sets_pipefail(text: &str) -> bool {
    text.contains("pipefail")
}

/// `RUN ["sh", "-c", "…"]`: a JSON array, not a shell line that starts with `[ … ]`.
fn exec_form(instr: &Instr) -> bool {
    serde_json::from_str::<Vec<String>>(instr.args.trim()).is_ok()
}

impl Rule for PipeWithoutPipefail {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        for stage in &df.stages {
            let mut shell_sets_it = false;
            for instr in df.stage_instrs(stage) {
                match instr.keyword.as_str() {
                    "SHELL" => shell_sets_it = sets_pipefail(&instr.args),
                    "RUN" if !shell_sets_it && !exec_form(instr) && !sets_pipefail(&instr.args) => {
                        let risky = piped_from(&instr.args).into_iter().find(|left| {
                            let program = left.split_whitespace().next().unwrap_or("");
                            !CANNOT_FAIL.contains(&program)
                        });
                        if let Some(left) = risky {
                            let program = left.split_whitespace().next().unwrap_or(left);
                            cx.report(
                                df.loc(instr, "|"),
                                format!("the pipe hides a failure of `{program}`: the RUN succeeds if only the last command does"),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::piped_from;

    #[test]
    fn pipes_are_found_outside_quotes_and_or_lists() {
        assert_eq!(piped_from("curl -fsSL x | tar -xz"), ["curl -fsSL x"]);
        assert_eq!(piped_from("a || b"), Vec::<&str>::new());
        assert_eq!(piped_from("echo \\é | wc"), ["echo \\é"]);
        assert_eq!(piped_from("grep 'a|b' file"), Vec::<&str>::new());
        assert_eq!(piped_from("cd x && make | tee log"), ["make"]);
        assert_eq!(piped_from("echo \"x\" | sh -c 'cat'"), ["echo \"x\""]);
        assert_eq!(
            piped_from("a=$(arch | sed s/x/y/) && wget x"),
            Vec::<&str>::new()
        );
        assert_eq!(
            piped_from("if head -n 1 .git | grep -q x; then\n  git log | sort\nfi"),
            ["git log"]
        );
    }
}
