use crate::rules::{Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Reports a `ripcord:ignore` comment that names a rule code that does not exist.
    ///
    /// ## Why is this bad?
    /// A typo in a suppression (`DF03` for `DF003`) silently suppresses nothing, and the
    /// author believes the finding is handled.
    ///
    /// ## Example
    /// ```yaml
    /// # ripcord:ignore GH01 pinned by our internal mirror
    /// - uses: actions/checkout@v4
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// # ripcord:ignore GH001 pinned by our internal mirror
    /// - uses: actions/checkout@v4
    /// ```
    ///
    /// ## References
    /// - `ripcord check --list-rules` prints every code
    pub struct UnknownRuleInSuppression {
        code: "RC003",
        name: "unknown-rule-in-suppression",
        family: Meta,
        severity: Warning,
        summary: "`ripcord:ignore` names an unknown rule",
        fix: "use a code from `ripcord check --list-rules`",
    }
}

impl Rule for UnknownRuleInSuppression {
    rule_meta!();
}
