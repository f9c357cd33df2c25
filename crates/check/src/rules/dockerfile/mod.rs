//! Dockerfile rules: hardened, pinned, reproducible images.

pub mod add_from_url;
pub mod base_image_not_pinned;
pub mod copy_from_image_not_pinned;
pub mod curl_pipe_shell;
pub mod final_stage_not_distroless;
pub mod install_ignores_lockfile;
pub mod no_multi_stage;
pub mod no_source_date_epoch;
pub mod runs_as_root;
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

/// Replaces `$NAME`, `${NAME}` and `${NAME:-default}` with global ARG defaults.
pub fn expand(image: &str, args: &[(String, String)]) -> String {
    let mut out = image.to_string();
    for (name, value) in args {
        out = out
            .replace(&format!("${{{name}}}"), value)
            .replace(&format!("${name}"), value);
    }
    // ${NAME:-default} of an ARG without a default
    while let Some(start) = out.find("${") {
        let Some(end) = out[start..].find('}') else {
            break;
        };
        let inner = &out[start + 2..start + end];
        let replacement = inner
            .split_once(":-")
            .map_or(String::new(), |(_, d)| d.to_string());
        out.replace_range(start..start + end + 1, &replacement);
    }
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
