//! Recall against peers: every finding trivy, checkov, zizmor and hadolint make on the
//! corpus in the classes the recall issue names (`tests/corpus/peers.tsv`, made by
//! running them offline; the corpus README says how) is either found by ripcord, at the
//! lines the peer's finding covers, or out of scope for a reason this file lists.
//! docs/check.md has the table.

use std::collections::BTreeMap;

use ripcord_check::Finding;

use crate::corpus::{corpus, findings};

/// The rules that answer each class.
const CLASSES: &[(&str, &[&str])] = &[
    ("gh-checkout-persist-credentials", &["GH007"]),
    ("gh-privileged-trigger", &["GH009", "GH003"]),
    ("gh-write-permissions", &["GH002", "GH008"]),
    ("gh-inputs-injection", &["GH004"]),
    ("gh-template-injection-other", &["GH004"]),
    ("gh-unpinned-action", &["GH001"]),
    ("gh-composite-action", &["GH001", "GH004", "GH007", "GH010"]),
    ("tf-module-not-pinned", &["ST004"]),
    ("tf-public-bucket", &["ST005"]),
    ("tf-cloudsql-public", &["ST006"]),
    ("df-pipefail", &["DF011"]),
    ("df-image-leftovers", &["DF014"]),
];

/// Why a peer's finding is out of ripcord's scope.
const OUT_OF_SCOPE: &[(&str, &str)] = &[
    (
        "pushes",
        "the job pushes with the credentials the checkout keeps",
    ),
    (
        "kept-on-purpose",
        "the checkout is marked `zizmor: ignore[artipacked]`: the team kept the credentials on purpose",
    ),
    (
        "composite-env",
        "a composite action writing `$GITHUB_ENV`: whether that is dangerous depends on its caller's trigger, which the action cannot know",
    ),
    (
        "reusable-inputs",
        "an input of a reusable workflow, whose callers in the repository pass only trusted values (GH004 reports attacker data where it is passed)",
    ),
    (
        "choice-input",
        "a `workflow_dispatch` input typed `choice`: it holds only the listed options",
    ),
    (
        "no-secrets",
        "a privileged trigger whose jobs hold no secret and no OIDC token, only the `GITHUB_TOKEN` whose scopes GH002 and GH008 judge",
    ),
    (
        "computed-context",
        "a value the workflow computed or the repository's owners set (`steps.*.outputs`, `needs.*.outputs`, `env.*`, `vars.*`, `matrix.*`), not text an outsider controls",
    ),
    (
        "jobs-scoped",
        "every job sets its own `permissions`, so the top level never applies (checkov fails any workflow without a top-level block)",
    ),
    ("read-all", "`read-all` grants no write scope"),
    (
        "exact-version",
        "a registry module pinned to one exact `version`, which is what ST004 asks; checkov wants a commit hash, which a registry source cannot take",
    ),
    (
        "org-policy",
        "the same repository enforces public access prevention for the organisation (`storage.publicAccessPrevention`)",
    ),
    (
        "substitution-pipe",
        "a pipe inside `$(…)` or an `if` condition: its value or status is used where it is",
    ),
    (
        "not-service-image",
        "not a service image a cold start pulls: a dev container, a Cloud Workstations or Cloud Build image, or a base chosen at build time (DF014 skips what DF001/DF002 skip)",
    ),
    (
        "debug-only",
        "the RUN acts only in debug builds (`if [ \"$DEBUG\" == \"true\" ]`)",
    ),
];

/// One peer finding: `class tool rule folder file line from to expect message`.
struct Peer<'a> {
    class: &'a str,
    tool: &'a str,
    rule: &'a str,
    folder: &'a str,
    file: &'a str,
    from: usize,
    to: usize,
    expect: &'a str,
}

fn parse(line: &str) -> Peer<'_> {
    let fields: Vec<&str> = line.split('\t').collect();
    assert!(fields.len() == 10, "peers.tsv: a row has 10 fields: {line}");
    let number = |at: usize| {
        fields[at]
            .parse::<usize>()
            .unwrap_or_else(|_| panic!("peers.tsv: `{}` is no line number: {line}", fields[at]))
    };
    Peer {
        class: fields[0],
        tool: fields[1],
        rule: fields[2],
        folder: fields[3],
        file: fields[4],
        from: number(6),
        to: number(7),
        expect: fields[8],
    }
}

#[test]
fn every_peer_finding_is_found_or_out_of_scope() {
    let text = std::fs::read_to_string(corpus().join("peers.tsv")).expect("peers.tsv");
    let mut found: BTreeMap<&str, Vec<Finding>> = BTreeMap::new();
    let mut missed = Vec::new();
    let mut tally: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let peer = parse(line);
        let rules = CLASSES
            .iter()
            .find(|(class, _)| *class == peer.class)
            .unwrap_or_else(|| panic!("peers.tsv: unknown class `{}`", peer.class))
            .1;
        let entry = tally.entry((peer.class, peer.tool)).or_default();
        if peer.expect != "match" {
            assert!(
                OUT_OF_SCOPE.iter().any(|(key, _)| *key == peer.expect),
                "peers.tsv: `{}` is neither `match` nor a reason listed in recall.rs",
                peer.expect
            );
            entry.1 += 1;
            continue;
        }
        entry.0 += 1;
        let ours = found
            .entry(peer.folder)
            .or_insert_with(|| findings(&corpus().join(peer.folder)));
        let hit = ours.iter().any(|finding| {
            rules.contains(&finding.rule)
                && finding.file == peer.file
                && (peer.from..=peer.to).contains(&finding.line)
        });
        if !hit {
            missed.push(format!(
                "{} {} at {}/{}:{}-{} ({})",
                peer.tool, peer.rule, peer.folder, peer.file, peer.from, peer.to, peer.class
            ));
        }
    }
    // Shown with `--nocapture`: found / out of scope, per class and tool.
    for ((class, tool), (matched, out)) in &tally {
        println!("{class:<34} {tool:<20} {matched:>4} found {out:>4} out of scope");
    }
    assert!(
        missed.is_empty(),
        "peer findings ripcord found before and no longer finds:\n{}",
        missed.join("\n")
    );
}
