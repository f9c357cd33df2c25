//! Dockerfile rules: hardened, pinned, reproducible images.

pub mod add_from_url;
pub mod base_image_not_pinned;
pub mod copy_from_image_not_pinned;
pub mod curl_pipe_shell;
pub mod end_of_life_base;
pub mod final_stage_not_distroless;
pub mod image_leftovers;
pub mod install_ignores_lockfile;
pub mod no_multi_stage;
pub mod no_source_date_epoch;
pub mod pipe_without_pipefail;
pub mod runs_as_root;
pub mod runtime;
pub mod secret_copied;
pub mod secret_in_env;

use crate::parse::dockerfile::{Dockerfile, Instr, Stage};

/// Default values of the ARGs declared before the first FROM.
pub fn global_args(df: &Dockerfile) -> Vec<(String, String)> {
    df.instrs
        .iter()
        .take_while(|i| i.keyword != "FROM")
        .filter(|i| i.keyword == "ARG")
        .filter_map(|i| {
            let (name, value) = i.args.split_once('=')?;
            Some((
                name.trim().to_string(),
                value.trim().trim_matches(['"', '\'']).to_string(),
            ))
        })
        .collect()
}

/// Replaces `$NAME`, `${NAME}` and `${NAME:-default}` with global ARG defaults (an ARG
/// whose default names another ARG included); an ARG without a default, or not declared,
/// becomes its `:-default` or nothing.
pub fn expand(image: &str, args: &[(String, String)]) -> String {
    let mut out = image.to_string();
    // Defaults may refer to earlier ARGs: a few rounds settle any chain a file has.
    for _ in 0..4 {
        let before = out.clone();
        out = substitute(&out, args);
        if out == before || !out.contains('$') {
            break;
        }
    }
    out
}

/// One round of substitution: each `$NAME`, `${NAME}`, `${NAME:-default}` or
/// `${NAME-default}`, by its whole
/// name (`$VERSION_ALT` is not `$VERSION` followed by `_ALT`).
fn substitute(text: &str, args: &[(String, String)]) -> String {
    let value = |name: &str| {
        args.iter()
            .find(|(arg, _)| arg == name)
            .map(|(_, value)| value.as_str())
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('$') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        if let Some(braced) = after.strip_prefix('{') {
            let Some(end) = braced.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let inner = &braced[..end];
            // `:-` uses the default when the ARG is unset or empty, `-` only when unset.
            let expanded = match inner.split_once(":-") {
                Some((name, default)) => value(name).filter(|v| !v.is_empty()).unwrap_or(default),
                None => match inner.split_once('-') {
                    Some((name, default)) => value(name).unwrap_or(default),
                    None => value(inner).unwrap_or(""),
                },
            };
            out.push_str(expanded);
            rest = &braced[end + 1..];
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let name = &after[..end];
            match value(name) {
                Some(value) => out.push_str(value),
                // Not a global ARG (`$TARGETOS`, set per platform): kept as written.
                None => out.push_str(&rest[start..start + 1 + end]),
            }
            rest = &after[end..];
        }
    }
    out.push_str(rest);
    out
}

/// The registry image a stage finally builds on, following `FROM <earlier stage>`.
pub fn resolved_base(df: &Dockerfile, stage: &Stage) -> String {
    let args = global_args(df);
    let mut image = expand(&stage.image, &args);
    for _ in 0..df.stages.len() {
        let parent = df
            .stages
            .iter()
            .take_while(|s| s.from < stage.from)
            .find(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&image))
            });
        match parent {
            Some(p) => image = expand(&p.image, &args),
            None => break,
        }
    }
    image
}

/// An image reference without its registry host's default prefixes, lower-cased.
pub fn normalize_image(image: &str) -> String {
    let lower = image.to_ascii_lowercase();
    let trimmed = lower
        .trim_start_matches("docker.io/")
        .trim_start_matches("index.docker.io/")
        .trim_start_matches("library/");
    trimmed.to_string()
}

pub fn has_digest(image: &str) -> bool {
    image.contains("@sha256:")
}

/// The simple commands of a shell script: split on `&&`, `||`, `;`, `|` and newlines, each
/// as a list of words. Quotes are kept inside words; good enough to spot commands.
pub fn commands(script: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    for line in script.split('\n') {
        for part in line
            .split("&&")
            .flat_map(|p| p.split("||"))
            .flat_map(|p| p.split(';'))
            .flat_map(|p| p.split('|'))
        {
            let words: Vec<&str> = part.split_whitespace().collect();
            if !words.is_empty() {
                out.push(words);
            }
        }
    }
    out
}

/// Drops a leading `sudo`, `env X=Y`, `RUN --mount` leftovers and similar prefixes.
pub fn strip_prefixes<'a, 'b>(words: &'a [&'b str]) -> &'a [&'b str] {
    let mut words = words;
    while let Some((first, rest)) = words.split_first() {
        if matches!(
            *first,
            "sudo" | "env" | "exec" | "time" | "nohup" | "then" | "do" | "else" | "(" | "{"
        ) || (first.contains('=') && !first.starts_with('-'))
        {
            words = rest;
        } else {
            break;
        }
    }
    words
}

/// RUN instructions that compile or bundle (what makes a stage a build stage).
pub fn build_command(instr: &Instr) -> Option<&'static str> {
    if instr.keyword != "RUN" {
        return None;
    }
    for words in commands(&instr.args) {
        let words = strip_prefixes(&words);
        let joined = words.join(" ");
        let found = match words {
            ["cargo", "build" | "install" | "auditable", ..] => Some("cargo build"),
            ["go", "build" | "install", ..] => Some("go build"),
            ["mvn" | "./mvnw", ..] if joined.contains("package") || joined.contains("install") => {
                Some("mvn package")
            }
            ["gradle" | "./gradlew", ..] => Some("gradle"),
            ["dotnet", "publish" | "build", ..] => Some("dotnet publish"),
            ["npm" | "pnpm" | "yarn" | "bun", "run", "build", ..]
            | ["pnpm" | "yarn" | "bun", "build", ..] => Some("a front-end build"),
            ["vite" | "npx", ..] if joined.contains("vite build") || joined == "vite build" => {
                Some("vite build")
            }
            ["make", ..] => Some("make"),
            ["gcc" | "g++" | "clang" | "cc", ..] => Some("a C compiler"),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The first RUN that compiles or bundles, and what it runs.
pub fn first_build(df: &crate::parse::dockerfile::Dockerfile) -> Option<(&Instr, &'static str)> {
    df.instrs
        .iter()
        .find_map(|i| build_command(i).map(|w| (i, w)))
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn args_expand_as_docker_expands_them() {
        let args = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect()
        };
        let defaults = args(&[
            ("V", "29.6"),
            ("V_ALT", "28.5"),
            ("CLI", "${V}"),
            ("TAG", ""),
        ]);
        assert_eq!(expand("docker:$V_ALT", &defaults), "docker:28.5");
        assert_eq!(expand("docker:$CLI", &defaults), "docker:29.6");
        assert_eq!(
            expand("node:${TAG:-20}", &defaults),
            "node:20",
            "empty uses :-"
        );
        assert_eq!(
            expand("node:${TAG-20}", &defaults),
            "node:",
            "set, so - keeps it"
        );
        assert_eq!(expand("node:${NONE-20}", &defaults), "node:20");
        assert_eq!(
            expand("x/$TARGETOS", &defaults),
            "x/$TARGETOS",
            "not a global ARG"
        );
    }
}
