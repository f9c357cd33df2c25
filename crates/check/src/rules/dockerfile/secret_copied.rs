use super::runtime::{chain, shipped_stage};
use crate::parse::dockerfile::{Dockerfile, Instr};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags `COPY` and `ADD` (not `--from` another stage) in the stages the image ships
    /// (the shipped stage and those it builds on) that copy a file named like a secret —
    /// `.env` and `.env.<name>` (not `.env.example`, `.sample`, `.template`, `.dist`),
    /// private keys (`*key.pem`, `*.key`, `id_rsa`, `id_ed25519`, `*.p12`, `*.pfx`), registry
    /// and cloud credentials (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
    /// `credentials.json`, `service-account*.json`, `*-sa.json`, `.dockercfg`, `.docker/config.json`)
    /// — or copy anything to `/run/secrets`.
    ///
    /// ## Why is this bad?
    /// Every layer of an image is in the image, for good: a file deleted by a later `RUN
    /// rm` is still in the layer that added it, readable by anyone who can pull the image
    /// (`docker save`, `crane export`), from the registry and every cache it passed
    /// through. `/run/secrets` is where BuildKit and Compose mount secrets at run time;
    /// copying there bakes them in instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /app/.npmrc
    /// RUN npm ci && rm /app/.npmrc
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci
    /// ```
    /// built with `docker build --secret id=npmrc,src=$HOME/.npmrc .`; give the
    /// running container its secrets through the platform (Secret Manager, Compose
    /// `secrets:`), and list `.env` in `.dockerignore`.
    ///
    /// ## References
    /// - Build secrets: <https://docs.docker.com/build/building/secrets/>
    /// - trivy's secret scanning of image layers: <https://trivy.dev/latest/docs/scanner/secret/>
    pub struct SecretCopiedIntoImage {
        code: "DF012",
        name: "secret-copied-into-image",
        family: Dockerfile,
        severity: Error,
        summary: "secret file copied into an image layer",
        fix: "mount it for the one RUN that needs it (`RUN --mount=type=secret`), and keep it out of the build context with `.dockerignore`",
    }
}

/// Names (of the last path component, lower-cased) that hold secrets.
const SECRET_FILES: &[&str] = &[
    ".env",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    ".dockercfg",
    "credentials.json",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
];
/// (`*.pem` alone is as often a public certificate: only `*key.pem` counts.)
const SECRET_EXTENSIONS: &[&str] = &["key.pem", ".key", ".p12", ".pfx"];
/// `.env.<name>` files that are templates, not secrets.
const TEMPLATES: &[&str] = &["example", "sample", "template", "dist", "defaults", "tpl"];

/// Why a copied path is a secret, if it is one.
fn secret(path: &str) -> bool {
    let path = path.trim_matches(['"', '\'']).trim_end_matches('/');
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    if path.ends_with(".docker/config.json") {
        return true;
    }
    if let Some(variant) = name.strip_prefix(".env.") {
        return !TEMPLATES
            .iter()
            .any(|t| variant.split('.').any(|part| part == *t));
    }
    SECRET_FILES.contains(&name.as_str())
        || SECRET_EXTENSIONS.iter().any(|e| name.ends_with(e))
        || (name.ends_with(".json")
            && (name.starts_with("service-account") || name.ends_with("-sa.json")))
}

/// The sources and destination of a `COPY`/`ADD` in shell form or JSON form.
fn operands(instr: &Instr) -> Vec<String> {
    let args = instr.args.trim();
    if args.starts_with('[') {
        return serde_json::from_str::<Vec<String>>(args).unwrap_or_default();
    }
    args.split_whitespace().map(str::to_string).collect()
}

impl Rule for SecretCopiedIntoImage {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        let Some(shipped) = shipped_stage(df) else {
            return;
        };
        for stage in chain(df, shipped) {
            for instr in df.stage_instrs(stage) {
                if !matches!(instr.keyword.as_str(), "COPY" | "ADD") || instr.flag("from").is_some()
                {
                    continue;
                }
                let operands = operands(instr);
                let Some((destination, sources)) = operands.split_last() else {
                    continue;
                };
                if let Some(source) = sources.iter().find(|s| secret(s)) {
                    cx.report(
                        df.loc(instr, source),
                        format!("`{source}` is copied into a layer of the image, where anyone who pulls it can read it"),
                    );
                } else if destination
                    .trim_matches(['"', '\''])
                    .starts_with("/run/secrets")
                {
                    cx.report(
                        df.loc(instr, destination),
                        format!("a file is copied to `{destination}`, baking into the image what should be mounted at run time"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::secret;

    #[test]
    fn secret_names() {
        for path in [
            ".env",
            "./.env.production",
            "config/.npmrc",
            "certs/server.key",
            "sa/service-account.json",
            "/root/.docker/config.json",
        ] {
            assert!(secret(path), "{path}");
        }
        for path in [
            ".env.example",
            ".env.local.sample",
            "package.json",
            "keys.ts",
            "public.pem.txt",
            ".",
        ] {
            assert!(!secret(path), "{path}");
        }
    }
}
