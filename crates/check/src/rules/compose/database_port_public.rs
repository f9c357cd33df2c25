use super::{DATABASE_PORTS, is_database_image, services};
use crate::parse::yaml::{YNode, YamlFile};
use crate::rules::{Cx, Rule, declare_rule, rule_meta};

declare_rule! {
    /// ## What it does
    /// Flags Compose services that publish a database or cache port (Postgres 5432, MySQL
    /// 3306, Redis 6379, MongoDB 27017, …, or any port of a database image) on all
    /// interfaces: without a host IP, or with `0.0.0.0` / `::`.
    ///
    /// ## Why is this bad?
    /// Docker publishes ports by writing its own iptables rules, which bypass host
    /// firewalls such as ufw. On a laptop on café Wi-Fi or on a VM with a public IP, the
    /// database is then open to the network, usually with a development password.
    /// Containers in the same Compose project reach each other without publishing anything.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17@sha256:…
    ///     ports:
    ///       - "5432:5432"
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:17@sha256:…
    ///     ports:
    ///       - "127.0.0.1:5432:5432"
    /// ```
    ///
    /// ## References
    /// - Compose `ports`: <https://docs.docker.com/reference/compose-file/services/#ports>
    /// - Docker and ufw / iptables: <https://docs.docker.com/engine/network/packet-filtering-firewalls/>
    pub struct DatabasePortOnAllInterfaces {
        code: "CP004",
        name: "database-port-on-all-interfaces",
        family: Compose,
        severity: Error,
        summary: "database port published on all interfaces",
        fix: "bind to loopback (`\"127.0.0.1:5432:5432\"`) or do not publish the port",
    }
}

/// `${NAME:-default}` and `${NAME-default}` replaced by their defaults: what Compose
/// publishes when the variable is not set. Other text is kept as written.
fn with_defaults(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        match inner.split_once(":-").or_else(|| inner.split_once('-')) {
            Some((_, default)) => out.push_str(default),
            None => out.push_str(&rest[start..start + 2 + end + 1]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// (host ip, container port) of a `ports` entry, variables at their defaults.
fn parse_port(entry: &YNode) -> Option<(String, u16)> {
    if let Some(s) = entry.as_str() {
        let expanded = with_defaults(s);
        let s = expanded.split('/').next().unwrap_or(&expanded);
        // [ip:][host:]container, where ip may be [::]
        let (ip, rest) = if let Some(stripped) = s.strip_prefix('[') {
            let (ip, rest) = stripped.split_once(']')?;
            (ip.to_string(), rest.trim_start_matches(':'))
        } else {
            let parts: Vec<&str> = s.split(':').collect();
            if parts.len() == 3 {
                (parts[0].to_string(), &s[parts[0].len() + 1..])
            } else {
                (String::new(), s)
            }
        };
        let container = rest.rsplit(':').next()?;
        let port = container.split('-').next()?.parse().ok()?;
        return Some((ip, port));
    }
    let target = entry.get("target")?.as_str()?.parse().ok()?;
    let ip = with_defaults(entry.get("host_ip").and_then(YNode::as_str).unwrap_or(""));
    Some((ip, target))
}

impl Rule for DatabasePortOnAllInterfaces {
    rule_meta!();

    fn compose(&self, file: &YamlFile, cx: &mut Cx<'_>) {
        for (name, _, service) in services(file) {
            let db_image = service
                .get("image")
                .and_then(YNode::as_str)
                .is_some_and(is_database_image);
            for entry in service.get("ports").into_iter().flat_map(|p| p.items()) {
                let Some((ip, port)) = parse_port(entry) else {
                    continue;
                };
                let public = ip.is_empty() || ip == "0.0.0.0" || ip == "::";
                if public && (db_image || DATABASE_PORTS.contains(&port)) {
                    cx.report(
                        entry.loc(&file.src),
                        format!("service `{name}` publishes port {port} on all interfaces"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Source;

    #[test]
    fn ports() {
        let node = |s: &str| YNode {
            val: crate::parse::yaml::YVal::Scalar(s.into(), false),
            line: 1,
            column: 1,
        };
        assert_eq!(parse_port(&node("5432:5432")), Some((String::new(), 5432)));
        assert_eq!(
            parse_port(&node("127.0.0.1:5432:5432")),
            Some(("127.0.0.1".into(), 5432))
        );
        assert_eq!(
            parse_port(&node("[::1]:6379:6379/tcp")),
            Some(("::1".into(), 6379))
        );
        assert_eq!(parse_port(&node("6379")), Some((String::new(), 6379)));
        assert_eq!(
            parse_port(&node("${SQL_PORT:-127.0.0.1:13306}:3306")),
            Some(("127.0.0.1".into(), 3306))
        );
        assert_eq!(
            parse_port(&node("${SQL_PORT:-13306}:3306")),
            Some((String::new(), 3306))
        );
        let _ = Source::in_memory("x", "");
    }
}
