use jiff::civil::{Date, date};

use super::{expand, global_args, normalize_image};
use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `FROM` lines whose image's version has reached its end of life, from a table
    /// built into ripcord (as of **2026-12-01**; the end of each release's upstream support,
    /// LTS included). A version older than every one listed counts too. Tags that float
    /// (`node:lts`, `python:3`) and digests without a tag are not judged.
    ///
    /// | image | end of life |
    /// |---|---|
    /// | `node` | 14: 2023-04-30, 16: 2023-09-11, 17: 2022-06-01, 18: 2025-04-30, 19: 2023-06-01, 20: 2026-04-30, 21: 2024-06-01, 22: 2027-04-30, 23: 2025-06-01 |
    /// | `python` | 2.7: 2020-01-01, 3.6: 2021-12-23, 3.7: 2023-06-27, 3.8: 2024-10-07, 3.9: 2025-10-31, 3.10: 2026-10-31 |
    /// | `golang` | 1.20: 2024-02-06, 1.21: 2024-08-13, 1.22: 2025-02-11, 1.23: 2025-08-12 |
    /// | `php` | 7.4: 2022-11-28, 8.0: 2023-11-26, 8.1: 2025-12-31 |
    /// | `ruby` | 2.7: 2023-03-31, 3.0: 2024-04-23, 3.1: 2025-03-26 |
    /// | `postgres` | 11: 2023-11-09, 12: 2024-11-21, 13: 2025-11-13 |
    /// | `debian` (and `-buster`, `-bullseye` variants of other images) | 9 stretch: 2022-06-30, 10 buster: 2024-06-30, 11 bullseye: 2026-08-31 |
    /// | `ubuntu` | 16.04: 2021-04-30, 18.04: 2023-05-31, 20.04: 2025-05-31 |
    /// | `alpine` | 3.16: 2024-05-23, 3.17: 2024-11-22, 3.18: 2025-05-09, 3.19: 2025-11-01, 3.20: 2026-04-01 |
    ///
    /// ## Why is this bad?
    /// Nobody fixes an end-of-life release any more: each new vulnerability in its
    /// interpreter, C library or packages stays in your image, and scanners report them
    /// with no fix available. Upgrading later means jumping several versions at once,
    /// usually under pressure.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:16-alpine
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:22-alpine@sha256:…
    /// ```
    ///
    /// ## References
    /// - endoflife.date: <https://endoflife.date/>
    /// - Docker Official Images (supported tags): <https://github.com/docker-library/official-images>
    pub struct EndOfLifeBaseImage {
        code: "DF013",
        name: "end-of-life-base-image",
        family: Dockerfile,
        severity: Warning,
        summary: "base image version past its end of life",
        fix: "move to a supported release of the image, pinned by digest",
    }
}

/// Each image's releases, oldest first, with the day support ended.
const RELEASES: &[(&str, &[(&str, Date)])] = &[
    (
        "node",
        &[
            ("14", date(2023, 4, 30)),
            ("16", date(2023, 9, 11)),
            ("17", date(2022, 6, 1)),
            ("18", date(2025, 4, 30)),
            ("19", date(2023, 6, 1)),
            ("20", date(2026, 4, 30)),
            ("21", date(2024, 6, 1)),
            ("22", date(2027, 4, 30)),
            ("23", date(2025, 6, 1)),
        ],
    ),
    (
        "python",
        &[
            ("2.7", date(2020, 1, 1)),
            ("3.6", date(2021, 12, 23)),
            ("3.7", date(2023, 6, 27)),
            ("3.8", date(2024, 10, 7)),
            ("3.9", date(2025, 10, 31)),
            ("3.10", date(2026, 10, 31)),
        ],
    ),
    (
        "golang",
        &[
            ("1.20", date(2024, 2, 6)),
            ("1.21", date(2024, 8, 13)),
            ("1.22", date(2025, 2, 11)),
            ("1.23", date(2025, 8, 12)),
        ],
    ),
    (
        "php",
        &[
            ("7.4", date(2022, 11, 28)),
            ("8.0", date(2023, 11, 26)),
            ("8.1", date(2025, 12, 31)),
        ],
    ),
    (
        "ruby",
        &[
            ("2.7", date(2023, 3, 31)),
            ("3.0", date(2024, 4, 23)),
            ("3.1", date(2025, 3, 26)),
        ],
    ),
    (
        "postgres",
        &[
            ("11", date(2023, 11, 9)),
            ("12", date(2024, 11, 21)),
            ("13", date(2025, 11, 13)),
        ],
    ),
    (
        "debian",
        &[
            ("9", date(2022, 6, 30)),
            ("stretch", date(2022, 6, 30)),
            ("10", date(2024, 6, 30)),
            ("buster", date(2024, 6, 30)),
            ("11", date(2026, 8, 31)),
            ("bullseye", date(2026, 8, 31)),
        ],
    ),
    (
        "ubuntu",
        &[
            ("16.04", date(2021, 4, 30)),
            ("xenial", date(2021, 4, 30)),
            ("18.04", date(2023, 5, 31)),
            ("bionic", date(2023, 5, 31)),
            ("20.04", date(2025, 5, 31)),
            ("focal", date(2025, 5, 31)),
        ],
    ),
    (
        "alpine",
        &[
            ("3.16", date(2024, 5, 23)),
            ("3.17", date(2024, 11, 22)),
            ("3.18", date(2025, 5, 9)),
            ("3.19", date(2025, 11, 1)),
            ("3.20", date(2026, 4, 1)),
        ],
    ),
];

/// Debian codenames other images' tags carry (`python:3.12-slim-buster`).
const DEBIAN_CODENAMES: &[&str] = &["stretch", "buster", "bullseye"];

fn numbers(version: &str) -> Option<Vec<u32>> {
    version.split('.').map(|part| part.parse().ok()).collect()
}

/// When `version` of `image` reached or reaches its end of life, and the release named.
fn end_of_life(image: &str, version: &str) -> Option<(String, Date)> {
    let (_, releases) = RELEASES.iter().find(|(name, _)| *name == image)?;
    if let Some((release, day)) = releases.iter().find(|(release, _)| *release == version) {
        return Some(((*release).to_string(), *day));
    }
    // `3.8.19` is release `3.8`; `8` is older than every listed `node`.
    let given = numbers(version)?;
    for (release, day) in releases.iter() {
        let Some(listed) = numbers(release) else {
            continue;
        };
        if given.len() >= listed.len() && given[..listed.len()] == listed[..] {
            return Some(((*release).to_string(), *day));
        }
    }
    let (oldest, day) = releases
        .iter()
        .find(|(release, _)| numbers(release).is_some())?;
    let oldest_numbers = numbers(oldest)?;
    (given.len() >= oldest_numbers.len() && given[..oldest_numbers.len()] < oldest_numbers[..])
        .then(|| (format!("{version}, older than {oldest}"), *day))
}

/// The end of life that applies to an image reference, if any: the image's own version,
/// else the Debian release in its tag.
fn applies(reference: &str) -> Option<(String, Date)> {
    let reference = normalize_image(reference);
    let without_digest = reference.split('@').next().unwrap_or(&reference);
    let (name, tag) = without_digest.rsplit_once(':')?;
    if name.contains('/') && !name.starts_with("library/") {
        return None;
    }
    let version = tag.split('-').next().unwrap_or(tag);
    if let Some((release, day)) = end_of_life(name, version) {
        return Some((format!("{name} {release}"), day));
    }
    let codename = tag
        .split('-')
        .find(|part| DEBIAN_CODENAMES.contains(part))?;
    end_of_life("debian", codename).map(|(release, day)| (format!("Debian {release}"), day))
}

impl Rule for EndOfLifeBaseImage {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        let args = global_args(df);
        for stage in &df.stages {
            let image = expand(&stage.image, &args);
            if df.is_stage_name(&image, stage.from) {
                continue;
            }
            if let Some((release, day)) = applies(&image)
                && day <= cx.today
            {
                let instr = &df.instrs[stage.from];
                cx.report(
                    df.loc(instr, &stage.image),
                    format!("`{image}` is {release}, whose support ended on {day}"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::applies;

    #[test]
    fn versions_and_codenames() {
        assert_eq!(
            applies("node:16-alpine").map(|(r, _)| r),
            Some("node 16".into())
        );
        assert_eq!(
            applies("python:3.8.19-slim").map(|(r, _)| r),
            Some("python 3.8".into())
        );
        assert_eq!(
            applies("python:3.12-slim-buster").map(|(r, _)| r),
            Some("Debian buster".into())
        );
        assert_eq!(
            applies("node:8").map(|(r, _)| r),
            Some("node 8, older than 14".into())
        );
        assert_eq!(
            applies("docker.io/library/debian:10").map(|(r, _)| r),
            Some("debian 10".into())
        );
        assert_eq!(applies("node:lts"), None);
        assert_eq!(applies("python:3"), None);
        assert_eq!(applies("python:3.13-slim"), None);
        assert_eq!(applies("ghcr.io/acme/node:16"), None);
    }
}
