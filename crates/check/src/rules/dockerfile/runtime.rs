//! Which stage of a Dockerfile ships, and whether it is a service's runtime image at all:
//! what DF001 (distroless) and DF002 (root) are about. A dev container, a CI-only stage,
//! an artefact stage, a builder or workstation image is built, not deployed as a service.

use super::{expand, global_args};
use crate::parse::dockerfile::{Dockerfile, Instr, Stage};

/// Names of stages that run checks in CI and ship nothing (`docker buildx bake lint`).
const CI_STAGES: &[&str] = &[
    "lint",
    "validate",
    "validation",
    "check",
    "checks",
    "test",
    "tests",
    "outdated",
    "vet",
    "audit",
    "fmt",
    "format",
    "ci",
];

/// Names of a local-development last stage, and of the stage a release builds instead
/// (`--target production`).
const DEV_STAGES: &[&str] = &["dev", "development", "debug", "local"];
const RELEASE_STAGES: &[&str] = &["production", "prod", "release", "runtime", "final"];

/// Bases of images that are tools, not services: Cloud Build builders (run as steps, as
/// root over a root-owned /workspace) and Cloud Workstations images (which start as root
/// and create the developer's user).
const TOOL_BASES: &[&str] = &["gcr.io/cloud-builders/", "cloud-workstations-images/"];

/// Programs for which there is no distroless image: an image that runs them cannot move
/// to distroless, so DF001 has nothing to offer it.
const NO_DISTROLESS: &[&str] = &["php", "php-fpm", "ruby", "perl", "supervisord"];

/// Why a Dockerfile ships no service runtime image, if it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotARuntime {
    /// `.devcontainer/Dockerfile` or `Dockerfile.dev`: a developer's environment.
    DevContainer,
    /// The shipped stage is (or builds on) a CI-only stage such as `lint` or `validate`.
    CiStage,
    /// The shipped stage is `scratch` with no command: files for `COPY --from` or an
    /// exported build output, never run.
    Artefact,
    /// A Cloud Build builder or Cloud Workstations image.
    Tool,
    /// `FROM ${ARG}` with no default: the base is chosen by whoever builds it.
    UnknownBase,
}

/// The stage a build ships: the last one, unless it is a local-development stage and a
/// release stage exists (a release builds `--target production`).
pub fn shipped_stage(df: &Dockerfile) -> Option<&Stage> {
    let last = df.final_stage()?;
    let named = |stage: &Stage, names: &[&str]| {
        stage
            .name
            .as_deref()
            .is_some_and(|name| names.iter().any(|n| name.eq_ignore_ascii_case(n)))
    };
    if named(last, DEV_STAGES)
        && let Some(release) = df.stages.iter().rev().find(|s| named(s, RELEASE_STAGES))
    {
        return Some(release);
    }
    Some(last)
}

/// The stages `stage` builds on within the file, itself first. A base written with an
/// argument (`binaries-$TARGETOS`) follows every stage whose name it could be.
pub(crate) fn chain<'a>(df: &'a Dockerfile, stage: &'a Stage) -> Vec<&'a Stage> {
    let args = global_args(df);
    let mut out = vec![stage];
    let mut index = 0;
    while let Some(current) = out.get(index).copied() {
        index += 1;
        let image = expand(&current.image, &args);
        for parent in df.stages.iter().take_while(|s| s.from < current.from) {
            let matches = parent
                .name
                .as_deref()
                .is_some_and(|name| name_matches(&image, name));
            if matches && !out.iter().any(|s| std::ptr::eq(*s, parent)) {
                out.push(parent);
            }
        }
    }
    out
}

/// Whether a stage name matches a `FROM` written with arguments (`binaries-$TARGETOS`
/// matches `binaries-linux`): each `$VAR` or `${VAR}` stands for any text.
pub(super) fn name_matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains('$') {
        return pattern.eq_ignore_ascii_case(name);
    }
    let parts = literal_parts(&pattern.to_ascii_lowercase());
    // `$BASE` alone names no stage: it is an image chosen at build time.
    if parts.iter().all(String::is_empty) {
        return false;
    }
    let name = name.to_ascii_lowercase();
    let Some((first, rest)) = parts.split_first() else {
        return false;
    };
    let Some(mut remaining) = name.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part.as_str()) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last.as_str())
}

/// The literal text around the variables of `pattern`: `a-$X-b` → `["a-", "-b"]`.
fn literal_parts(pattern: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find('$') {
        parts.push(rest[..start].to_owned());
        let after = &rest[start + 1..];
        let end = match after.strip_prefix('{') {
            Some(braced) => braced.find('}').map_or(after.len(), |at| at + 2),
            None => after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len()),
        };
        rest = &after[end..];
    }
    parts.push(rest.to_owned());
    parts
}

/// The registry images at the root of a stage's chain (several when a base names stages
/// with an argument).
fn root_images(df: &Dockerfile, stage: &Stage) -> Vec<String> {
    let args = global_args(df);
    chain(df, stage)
        .into_iter()
        .filter(|s| {
            let image = expand(&s.image, &args);
            !df.stages.iter().take_while(|p| p.from < s.from).any(|p| {
                p.name
                    .as_deref()
                    .is_some_and(|name| name_matches(&image, name))
            })
        })
        .map(|s| expand(&s.image, &args))
        .collect()
}

/// The last `ENTRYPOINT` and `CMD` of the stage or the stages it builds on.
fn command<'a>(df: &'a Dockerfile, stage: &'a Stage) -> (Option<&'a Instr>, Option<&'a Instr>) {
    let last = |keyword: &str| {
        chain(df, stage).into_iter().find_map(|s| {
            df.stage_instrs(s)
                .iter()
                .rev()
                .find(|instr| instr.keyword == keyword)
        })
    };
    (last("ENTRYPOINT"), last("CMD"))
}

/// Whether a Dockerfile's name marks it for local development: `Dockerfile.dev`,
/// `Dockerfile-local`, `debug.Dockerfile`.
pub fn local_development_file(display: &str) -> bool {
    let name = display
        .rsplit('/')
        .next()
        .unwrap_or(display)
        .to_ascii_lowercase();
    let variant = name
        .strip_prefix("dockerfile.")
        .or_else(|| name.strip_prefix("dockerfile-"))
        .or_else(|| name.strip_suffix(".dockerfile"));
    variant.is_some_and(|variant| DEV_STAGES.contains(&variant))
}

/// Why the Dockerfile ships no service runtime, if it does not.
pub fn not_a_runtime(df: &Dockerfile) -> Option<NotARuntime> {
    let display = df.src.display.to_ascii_lowercase();
    if display.contains(".devcontainer/") || local_development_file(&display) {
        return Some(NotARuntime::DevContainer);
    }
    let stage = shipped_stage(df)?;
    let ci = |s: &Stage| {
        s.name
            .as_deref()
            .is_some_and(|name| CI_STAGES.iter().any(|n| name.eq_ignore_ascii_case(n)))
    };
    let args = global_args(df);
    let parent_is_ci = df
        .stages
        .iter()
        .take_while(|s| s.from < stage.from)
        .any(|p| {
            ci(p)
                && p.name
                    .as_deref()
                    .is_some_and(|name| name_matches(&expand(&stage.image, &args), name))
        });
    if ci(stage) || parent_is_ci {
        return Some(NotARuntime::CiStage);
    }
    let roots = root_images(df, stage);
    // Unknown only when the image's name itself is an argument (`$BASE`, `${BASE}` with
    // no default); `$REGISTRY/node:20` is still node.
    let unknown = |image: &str| {
        let repository = image.split(['@', ':']).next().unwrap_or("");
        image.is_empty() || (repository.starts_with('$') && !repository.contains('/'))
    };
    if roots.iter().any(|image| unknown(image)) {
        return Some(NotARuntime::UnknownBase);
    }
    let (entrypoint, cmd) = command(df, stage);
    if !roots.is_empty()
        && roots
            .iter()
            .all(|image| image.eq_ignore_ascii_case("scratch"))
        && entrypoint.is_none()
        && cmd.is_none()
    {
        return Some(NotARuntime::Artefact);
    }
    if roots
        .iter()
        .any(|image| TOOL_BASES.iter().any(|base| image.contains(base)))
    {
        return Some(NotARuntime::Tool);
    }
    None
}

/// Servers and runtimes whose image, run with its own command, is a service with a
/// minimal alternative (unprivileged nginx, distroless Node, Python, Java): an image built
/// on them with no command of its own is still what DF001 is for.
const SERVICE_BASES: &[&str] = &[
    "nginx",
    "httpd",
    "caddy",
    "node",
    "python",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
];

/// Why distroless cannot run what the shipped stage runs, if it cannot: no command of its
/// own on a base that is not a plain server or runtime (a vendor application extended, or
/// an OS image whose command is a shell), a shell script or supervisor as its command, or
/// a runtime distroless has no image for.
pub fn distroless_cannot_run(df: &Dockerfile) -> Option<&'static str> {
    let stage = shipped_stage(df)?;
    let (entrypoint, cmd) = command(df, stage);
    let programs = programs(entrypoint, cmd);
    let service_base = root_images(df, stage).iter().any(|image| {
        let repository = super::normalize_image(image);
        let repository = repository.split(['@', ':']).next().unwrap_or("");
        SERVICE_BASES.contains(&repository)
    });
    if entrypoint.is_none() && cmd.is_none() && !service_base {
        return Some("it runs its base image's own command");
    }
    if programs.iter().any(|program| {
        program.ends_with(".sh")
            || matches!(
                program.as_str(),
                "sh" | "bash" | "ash" | "/bin/sh" | "/bin/bash"
            )
    }) {
        return Some("it runs a shell script");
    }
    if programs.iter().any(|program| {
        let name = program.rsplit('/').next().unwrap_or(program);
        NO_DISTROLESS.contains(&name)
    }) {
        return Some("there is no distroless image for what it runs");
    }
    None
}

/// Whether the shipped stage starts as root to drop privileges itself, as a daemon's
/// master does (to bind low ports, read keys) before running its workers as their users:
/// - its command passes `-u USER` or `--user USER` for a user the image creates or a
///   system account (`_rspamd`);
/// - it runs a privilege-dropping launcher (`gosu`, `su-exec`, `setpriv`, `chpst`) or a
///   supervisor (`supervisord`, `s6-svscan`, `runsvdir`) and the image creates users;
/// - its command is an entrypoint script, the image creates users, and it hands no copied
///   files to them (`COPY --chown=app` with no `USER app` is the forgotten-`USER` mistake,
///   still reported).
///
/// Only the shipped stage and the stages it builds on are read.
pub fn drops_privileges_itself(df: &Dockerfile) -> bool {
    let Some(stage) = shipped_stage(df) else {
        return false;
    };
    let stages = chain(df, stage);
    let instrs: Vec<&Instr> = stages
        .iter()
        .flat_map(|s| df.stage_instrs(s).iter())
        .collect();
    let created = created_users(&instrs);
    let (entrypoint, cmd) = command(df, stage);
    let words: Vec<String> = [entrypoint, cmd]
        .into_iter()
        .flatten()
        .flat_map(|instr| words_of(&instr.args))
        .collect();
    let user_flag = words.windows(2).any(|pair| {
        matches!(pair[0].as_str(), "-u" | "--user")
            && (created.contains(&pair[1]) || pair[1].starts_with('_'))
    });
    if user_flag {
        return true;
    }
    let mentions = |tool: &str| {
        let word = |w: &str| w == tool || w.ends_with(&format!("/{tool}"));
        words.iter().any(|w| word(w))
            || instrs
                .iter()
                .filter(|instr| instr.keyword == "RUN")
                .any(|instr| instr.args.split_whitespace().any(word))
    };
    let dropper = ["gosu", "su-exec", "setpriv", "chpst"]
        .iter()
        .any(|tool| mentions(tool));
    let programs = programs(entrypoint, cmd);
    let supervisor = programs.iter().any(|program| {
        ["supervisord", "s6-svscan", "runsvdir"]
            .iter()
            .any(|name| program.ends_with(name))
    });
    let script = programs.iter().any(|program| program.ends_with(".sh"));
    let hands_files_to_them = instrs.iter().any(|instr| {
        instr.keyword == "COPY"
            && instr.flag("chown").is_some_and(|owner| {
                let user = owner.split(':').next().unwrap_or(owner);
                created.iter().any(|name| name == user)
            })
    });
    !created.is_empty() && (dropper || supervisor || (script && !hands_files_to_them))
}

/// The users `useradd`/`adduser` create in these instructions: the last word of each.
fn created_users(instrs: &[&Instr]) -> Vec<String> {
    instrs
        .iter()
        .filter(|instr| instr.keyword == "RUN")
        .flat_map(|instr| super::commands(&instr.args))
        .filter_map(|words| {
            let words = super::strip_prefixes(&words);
            match words.first() {
                Some(&"useradd" | &"adduser") => words
                    .iter()
                    .rev()
                    .find(|word| !word.starts_with('-'))
                    .map(|word| (*word).to_owned()),
                _ => None,
            }
        })
        .collect()
}

/// The programs an `ENTRYPOINT` and a `CMD` run.
fn programs(entrypoint: Option<&Instr>, cmd: Option<&Instr>) -> Vec<String> {
    [entrypoint, cmd]
        .into_iter()
        .flatten()
        .filter_map(|instr| first_program(&instr.args))
        .collect()
}

/// The words of an `ENTRYPOINT`/`CMD`, exec form or shell form.
fn words_of(args: &str) -> Vec<String> {
    let args = args.trim();
    if args.starts_with('[') {
        args.trim_matches(['[', ']'])
            .split(',')
            .map(|word| word.trim().trim_matches('"').to_owned())
            .filter(|word| !word.is_empty())
            .collect()
    } else {
        args.split_whitespace().map(str::to_owned).collect()
    }
}

/// The program an `ENTRYPOINT`/`CMD` runs: the first word of its exec form (past `tini`
/// and `--`), or of its shell form.
fn first_program(args: &str) -> Option<String> {
    words_of(args)
        .into_iter()
        .filter(|word| !word.starts_with('-'))
        .find(|word| !word.ends_with("tini") && !word.ends_with("dumb-init"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names_match_froms_written_with_arguments() {
        assert!(name_matches("binaries-$TARGETOS", "binaries-linux"));
        assert!(name_matches("binaries-${TARGETOS}-x", "binaries-darwin-x"));
        assert!(!name_matches("binaries-$TARGETOS", "build-linux"));
        assert!(name_matches("Build", "build"));
        assert!(!name_matches("build", "builder"));
        assert!(
            !name_matches("$BASE", "test"),
            "an argument alone names no stage"
        );
    }

    #[test]
    fn programs_past_init_wrappers() {
        assert_eq!(
            first_program(r#"["/sbin/tini", "-g", "--", "/srv/acme.sh"]"#).as_deref(),
            Some("/srv/acme.sh")
        );
        assert_eq!(first_program("node server.js").as_deref(), Some("node"));
        assert_eq!(first_program("[]"), None);
    }
}
