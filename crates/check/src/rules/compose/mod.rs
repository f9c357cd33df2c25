//! Compose rules: local and small-VM stacks that are healthy, pinned and not wide open.

pub mod database_port_public;
pub mod docker_socket;
pub mod image_not_tagged;
pub mod literal_secret;
pub mod no_healthcheck;

use crate::parse::yaml::{YNode, YamlFile};

/// `services:` entries of a Compose file: name, key node, service node.
pub fn services(file: &YamlFile) -> impl Iterator<Item = (&str, &YNode, &YNode)> {
    file.docs
        .iter()
        .filter_map(|d| d.get("services"))
        .flat_map(|s| s.entries())
}

/// Images that are databases or caches (by repository name).
pub const DATABASE_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "valkey",
    "memcached",
    "elasticsearch",
    "opensearch",
    "couchdb",
    "cassandra",
    "cockroach",
    "neo4j",
    "influxdb",
    "clickhouse",
    "keydb",
    "dragonfly",
    "supabase/postgres",
    "timescale",
];

/// Ports databases and caches listen on. (Not 9000: MinIO, php-fpm and many dashboards
/// use it too.)
pub const DATABASE_PORTS: &[u16] = &[
    5432, 3306, 6379, 27017, 11211, 9200, 9300, 5984, 9042, 26257, 7687, 8086, 8123, 1433, 6380,
];

/// Images named after a database that are tools around it, not the database.
const DATABASE_TOOL_MARKERS: &[&str] = &[
    "exporter",
    "express",
    "commander",
    "admin",
    "insight",
    "ui",
    "backup",
];

/// `postgres:16`, `bitnami/postgresql`, `clickhouse/clickhouse-server`; not
/// `mongo-express` or `prometheuscommunity/postgres-exporter`.
pub fn is_database_image(image: &str) -> bool {
    let repo = image
        .split(['@', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let last = repo.rsplit('/').next().unwrap_or("");
    DATABASE_IMAGES
        .iter()
        .any(|db| match last.strip_prefix(db) {
            // What follows the database's name says whether it is a tool around it.
            Some(rest) => !DATABASE_TOOL_MARKERS
                .iter()
                .any(|marker| rest.contains(marker)),
            None => repo.ends_with(db),
        })
}

#[cfg(test)]
mod tests {
    use super::is_database_image;

    #[test]
    fn database_images_but_not_their_tools() {
        for db in [
            "postgres:16",
            "bitnami/postgresql:16",
            "clickhouse/clickhouse-server",
            "redis@sha256:ab",
            "supabase/postgres:15",
        ] {
            assert!(is_database_image(db), "{db}");
        }
        for tool in [
            "mongo-express",
            "prometheuscommunity/postgres-exporter",
            "rediscommander/redis-commander",
            "redis/redisinsight",
            "nginx",
        ] {
            assert!(!is_database_image(tool), "{tool}");
        }
    }
}
