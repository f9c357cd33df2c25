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

/// Ports databases and caches listen on.
pub const DATABASE_PORTS: &[u16] = &[
    5432, 3306, 6379, 27017, 11211, 9200, 9300, 5984, 9042, 26257, 7687, 8086, 8123, 9000, 1433,
    6380,
];

pub fn is_database_image(image: &str) -> bool {
    let repo = image
        .split(['@', ':'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let last = repo.rsplit('/').next().unwrap_or("");
    DATABASE_IMAGES
        .iter()
        .any(|db| last.starts_with(db) || repo.ends_with(db))
}
