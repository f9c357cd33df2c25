//! Well-known registry modules that create a service with no free tier, so FT010 and
//! FT011 judge a module call as they judge the resources it creates. Sources as published
//! by terraform-google-modules (checked 2026-12).

use crate::parse::terraform::{TfBlock, TfFile};

/// A registry module (lower-case `namespace/name/provider`), the submodules that create
/// the billed service (`None`: the root module), and what they create.
pub const BILLED_MODULES: &[(&str, &[Option<&str>], &str)] = &[
    (
        "terraform-google-modules/sql-db/google",
        &[
            Some("modules/postgresql"),
            Some("modules/mysql"),
            Some("modules/safer_mysql"),
            Some("modules/mssql"),
        ],
        "Cloud SQL",
    ),
    (
        "terraform-google-modules/memorystore/google",
        &[
            None,
            Some("modules/memcache"),
            Some("modules/redis-cluster"),
            Some("modules/valkey"),
        ],
        "Memorystore",
    ),
    (
        "terraform-google-modules/lb-http/google",
        &[
            None,
            Some("modules/serverless_negs"),
            Some("modules/dynamic_backends"),
        ],
        "an HTTP(S) load balancer (billed forwarding rules)",
    ),
    (
        "terraform-google-modules/vpn/google",
        &[None, Some("modules/vpn_ha")],
        "Cloud VPN",
    ),
    (
        "terraform-google-modules/cloud-nat/google",
        &[None],
        "Cloud NAT",
    ),
    (
        "terraform-google-modules/kubernetes-engine/google",
        &[
            None,
            Some("modules/private-cluster"),
            Some("modules/beta-private-cluster"),
            Some("modules/beta-public-cluster"),
            Some("modules/safer-cluster"),
        ],
        "GKE (node VMs are billed)",
    ),
    (
        "terraform-google-modules/kubernetes-engine/google",
        &[
            Some("modules/beta-autopilot-private-cluster"),
            Some("modules/beta-autopilot-public-cluster"),
        ],
        "GKE Autopilot (its pods' CPU and memory are billed)",
    ),
];

/// Modules also published under another namespace, and the name they are listed under.
const ALIASES: &[(&str, &str)] = &[
    (
        "googlecloudplatform/sql-db/google",
        "terraform-google-modules/sql-db/google",
    ),
    (
        "googlecloudplatform/lb-http/google",
        "terraform-google-modules/lb-http/google",
    ),
];

/// The KMS module: keys have no free tier (FT010).
pub const KMS_MODULE: &str = "terraform-google-modules/kms/google";

/// A module call's registry address and submodule (`modules/v2`), lower-cased; `None`
/// for a source that is not a literal.
pub fn module_source(block: &TfBlock) -> Option<(String, Option<String>)> {
    let source = block
        .body
        .attr("source")?
        .value
        .as_str()?
        .to_ascii_lowercase();
    let source = source.trim_start_matches("registry.terraform.io/");
    Some(match source.split_once("//") {
        Some((address, submodule)) => (
            address.trim_end_matches('/').to_string(),
            Some(submodule.trim_end_matches('/').to_string()),
        ),
        None => (source.trim_end_matches('/').to_string(), None),
    })
}

/// The module calls of a file that create a billed service, with what they create.
pub fn billed_modules(file: &TfFile) -> impl Iterator<Item = (&TfBlock, &'static str)> {
    file.body.blocks("module").filter_map(|block| {
        let (address, submodule) = module_source(block)?;
        let address = ALIASES
            .iter()
            .find(|(alias, _)| *alias == address)
            .map_or(address.as_str(), |(_, listed)| listed);
        BILLED_MODULES.iter().find_map(|(name, submodules, what)| {
            (*name == address && submodules.contains(&submodule.as_deref()))
                .then_some((block, *what))
        })
    })
}
