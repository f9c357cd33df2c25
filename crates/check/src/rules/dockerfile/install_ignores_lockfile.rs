use super::{commands, strip_prefixes};
use crate::parse::dockerfile::Dockerfile;
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags dependency installs that do not enforce a lockfile:
    /// - `uv sync` without `--locked` or `--frozen`;
    /// - `pip install` / `uv pip install` without `--require-hashes` (installing only
    ///   pip, uv, pdm, poetry, setuptools or wheel, or the project itself with `--no-deps`,
    ///   is exempt);
    /// - `npm install` / `npm i` of the project's dependencies instead of `npm ci`;
    /// - `yarn install` without `--frozen-lockfile` / `--immutable`, `pnpm install` and
    ///   `bun install` without `--frozen-lockfile`, `pdm install` without `--frozen-lockfile`;
    /// - `cargo build` / `cargo install` without `--locked` (or `--frozen`).
    ///
    /// The environment switches these tools document count as the flag, from the stage's
    /// `ENV` or inline: `UV_LOCKED=1` / `UV_FROZEN=1`, `PIP_REQUIRE_HASHES=1`,
    /// `YARN_ENABLE_IMMUTABLE_INSTALLS=true`.
    ///
    /// ## Why is this bad?
    /// Without the lockfile enforced, the resolver may pick newer versions than the ones
    /// tested, so two builds of the same commit can differ, and a malicious release of any
    /// transitive dependency is installed the moment it is published.
    ///
    /// pip turns hash-checking on by itself when a requirements file carries `--hash=`
    /// lines, but `--require-hashes` is still asked for: it makes the intent explicit, and
    /// the build fails loudly when someone regenerates the file without hashes instead of
    /// silently installing unpinned packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN uv sync --no-dev
    /// RUN npm install
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN uv sync --locked --no-dev
    /// RUN npm ci
    /// ```
    ///
    /// ## References
    /// - uv: locking and syncing: <https://docs.astral.sh/uv/concepts/projects/sync/>
    /// - pip secure installs (hash-checking mode): <https://pip.pypa.io/en/stable/topics/secure-installs/>
    /// - `npm ci`: <https://docs.npmjs.com/cli/commands/npm-ci>
    /// - `cargo build --locked`: <https://doc.rust-lang.org/cargo/commands/cargo-build.html#manifest-options>
    pub struct InstallIgnoresLockfile {
        code: "DF009",
        name: "install-ignores-lockfile",
        family: Dockerfile,
        severity: Error,
        summary: "dependency install that ignores the lockfile",
        fix: "enforce the lockfile: `uv sync --locked`, `pip install --require-hashes -r …`, `npm ci`, `--frozen-lockfile`, `cargo build --locked`",
    }
}

const BOOTSTRAP: &[&str] = &["pip", "uv", "pdm", "poetry", "setuptools", "wheel", "pipx"];

/// Environment variables that make an installer enforce its lockfile, as uv's and pip's
/// docs recommend for Dockerfiles (`ENV UV_LOCKED=1`).
const LOCKING_ENV: &[(&str, &str)] = &[
    ("uv", "UV_LOCKED"),
    ("uv", "UV_FROZEN"),
    ("pip", "PIP_REQUIRE_HASHES"),
    ("yarn", "YARN_ENABLE_IMMUTABLE_INSTALLS"),
];

/// `NAME=value` pairs in force: from the stage's `ENV` instructions and a command's
/// inline assignments.
#[derive(Debug, Default, Clone)]
pub struct Env(Vec<(String, String)>);

impl Env {
    /// The `ENV` instructions of `df` before instruction `index`, in its stage.
    fn before(df: &Dockerfile, index: usize) -> Self {
        let start = df
            .stages
            .iter()
            .filter(|stage| stage.from <= index)
            .map(|stage| stage.from)
            .max()
            .unwrap_or(0);
        let mut env = Env::default();
        for instr in df.instrs[start..index]
            .iter()
            .filter(|i| i.keyword == "ENV")
        {
            let args = instr.args.trim();
            if args.contains('=') {
                env.extend(args.split_whitespace());
            } else if let Some((name, value)) = args.split_once(char::is_whitespace) {
                // The legacy form: `ENV NAME value`.
                env.0.push((name.to_owned(), value.trim().to_owned()));
            }
        }
        env
    }

    fn extend<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        for word in words {
            if let Some((name, value)) = word.split_once('=') {
                let value = value.trim_matches(|c| c == '"' || c == '\'');
                self.0.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    /// Whether a lockfile-enforcing variable of `tool` is set to a true value.
    fn locks(&self, tool: &str) -> bool {
        self.0.iter().rev().any(|(name, value)| {
            LOCKING_ENV.iter().any(|(t, n)| *t == tool && n == name)
                && matches!(value.to_ascii_lowercase().as_str(), "1" | "true" | "yes")
        })
    }
}

fn has(words: &[&str], flags: &[&str]) -> bool {
    words.iter().any(|w| {
        flags
            .iter()
            .any(|f| w == f || w.starts_with(&format!("{f}=")))
    })
}

/// What is wrong with one simple command, if anything, with `env` in force.
pub fn problem(words: &[&str], env: &Env) -> Option<(&'static str, &'static str)> {
    let stripped = strip_prefixes(words);
    let mut env = env.clone();
    env.extend(words[..words.len() - stripped.len()].iter().copied());
    let words = stripped;
    let positional: Vec<&str> = words
        .iter()
        .skip(2)
        .filter(|w| !w.starts_with('-'))
        .copied()
        .collect();
    match words {
        ["uv", "sync", ..] if !has(words, &["--locked", "--frozen"]) && !env.locks("uv") => {
            Some(("uv sync", "`uv sync` without `--locked` or `--frozen`"))
        }
        ["pip" | "pip3", "install", ..]
        | ["uv", "pip", "install", ..]
        | ["python" | "python3", "-m", "pip", "install", ..] => {
            let packages: Vec<&str> = words
                .iter()
                .skip_while(|w| !w.eq_ignore_ascii_case("install"))
                .skip(1)
                .filter(|w| !w.starts_with('-'))
                .map(|w| w.split(['=', '<', '>', '[']).next().unwrap_or(w))
                .collect();
            let bootstrap = !packages.is_empty()
                && packages
                    .iter()
                    .all(|p| BOOTSTRAP.contains(&p.to_ascii_lowercase().as_str()));
            let hashes = has(words, &["--require-hashes"]) || env.locks("pip");
            if hashes || bootstrap || has(words, &["--no-deps"]) {
                None
            } else {
                Some(("install", "`pip install` without `--require-hashes`"))
            }
        }
        ["npm", "install" | "i" | "add", ..]
            if !has(words, &["-g", "--global"]) && positional.is_empty() =>
        {
            Some(("npm", "`npm install` instead of `npm ci`"))
        }
        ["yarn"] if !env.locks("yarn") => {
            Some(("yarn", "`yarn` without `--frozen-lockfile` / `--immutable`"))
        }
        ["yarn", "install", ..]
            if !has(words, &["--frozen-lockfile", "--immutable"]) && !env.locks("yarn") =>
        {
            Some((
                "yarn",
                "`yarn install` without `--frozen-lockfile` / `--immutable`",
            ))
        }
        ["pnpm", "install" | "i", ..] if !has(words, &["--frozen-lockfile"]) => {
            Some(("pnpm", "`pnpm install` without `--frozen-lockfile`"))
        }
        ["bun", "install" | "i", ..]
            if !has(words, &["--frozen-lockfile"]) && positional.is_empty() =>
        {
            Some(("bun", "`bun install` without `--frozen-lockfile`"))
        }
        ["pdm", "install", ..] if !has(words, &["--frozen-lockfile", "--check"]) => {
            Some(("pdm", "`pdm install` without `--frozen-lockfile`"))
        }
        ["cargo", "build" | "install" | "auditable", ..]
            if !has(words, &["--locked", "--frozen"]) =>
        {
            Some(("cargo", "`cargo build` without `--locked`"))
        }
        _ => None,
    }
}

impl Rule for InstallIgnoresLockfile {
    rule_meta!();

    fn dockerfile(&self, df: &Dockerfile, cx: &mut Cx<'_>) {
        for (index, instr) in df
            .instrs
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == "RUN")
        {
            let env = Env::before(df, index);
            for words in commands(&instr.args) {
                if let Some((needle, message)) = problem(&words, &env) {
                    let loc = df.loc(instr, needle);
                    // Pinned requirements do fix versions; what is missing is a check that
                    // the files served are the ones tested.
                    let consequence = if message.starts_with("`pip install`") {
                        "files from the index are not checked against known hashes"
                    } else {
                        "the build may install versions the lockfile does not name"
                    };
                    cx.report(loc, format!("{message}: {consequence}"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Env, problem};

    #[test]
    fn installs() {
        let p =
            |s: &str| problem(&s.split_whitespace().collect::<Vec<_>>(), &Env::default()).is_some();
        assert!(p("uv sync --no-dev"));
        assert!(!p("uv sync --locked --no-dev"));
        assert!(!p("uv sync --frozen"));
        assert!(p("pip install -r requirements.txt"));
        assert!(!p("pip install --require-hashes -r requirements.txt"));
        assert!(!p("pip install --no-cache-dir uv==0.5.1"));
        assert!(p("npm install"));
        assert!(!p("npm install -g pnpm"));
        assert!(!p("npm ci"));
        assert!(p("bun install"));
        assert!(!p("bun install --frozen-lockfile"));
        assert!(p("cargo build --release"));
        assert!(!p("cargo build --release --locked"));
        assert!(p("sudo yarn install"));
        // uv's and pip's documented environment switches count as the flag.
        assert!(!p("UV_LOCKED=1 uv sync --no-dev"));
        assert!(p("UV_LOCKED=0 uv sync --no-dev"));
        assert!(!p("PIP_REQUIRE_HASHES=1 pip install -r requirements.txt"));
        let staged = Env(vec![("UV_FROZEN".into(), "true".into())]);
        assert!(problem(&["uv", "sync"], &staged).is_none());
    }
}
