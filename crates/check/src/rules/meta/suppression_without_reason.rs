use crate::rules::{Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Reports a `ripcord:ignore` comment that names no rule or gives no reason. Such a
    /// comment suppresses nothing.
    ///
    /// ## Why is this bad?
    /// A suppression is a decision that someone will have to revisit: without a reason,
    /// nobody can tell whether the finding was a false positive, an accepted risk or a
    /// shortcut, and unexplained suppressions accumulate until the check means nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// # ripcord:ignore DF003
    /// FROM node:22
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// # ripcord:ignore DF003 the tag is rebuilt nightly by our own mirror
    /// FROM node:22
    /// ```
    ///
    /// ## References
    /// - `docs/check.md`, section "Suppressing a finding"
    pub struct SuppressionWithoutReason {
        code: "RC002",
        name: "suppression-without-reason",
        family: Meta,
        severity: Error,
        summary: "`ripcord:ignore` without a rule or a reason",
        fix: "write `# ripcord:ignore CODE why this is acceptable`",
    }
}

impl Rule for SuppressionWithoutReason {
    rule_meta!();
}
