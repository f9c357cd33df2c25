//! Free tier (GCP): rules that keep a Terraform configuration inside Google Cloud's
//! always-free allowances.

pub mod bucket_outside_free_tier;
pub mod cloud_run_cpu_always_allocated;
pub mod cloud_run_max_instances;
pub mod cloud_run_memory;
pub mod cloud_run_min_instances;
pub mod cloud_run_module;
pub mod compute_disk;
pub mod compute_machine_type;
pub mod compute_region;
pub mod kms_key;
pub mod known_modules;
pub mod more_than_one_vm;
pub mod no_budget_alert;
pub mod no_free_tier_resource;

use std::ops::Range;

use crate::parse::terraform::{TfBlock, TfFile, TfVal};

/// Regions whose e2-micro and Standard storage are in the always-free tier.
pub const FREE_REGIONS: &[&str] = &["us-west1", "us-central1", "us-east1"];

pub const CLOUD_RUN_V1: &str = "google_cloud_run_service";
pub const CLOUD_RUN_V2: &str = "google_cloud_run_v2_service";

/// Cloud Run services (v1 and v2) of a file.
pub fn cloud_run_services(file: &TfFile) -> impl Iterator<Item = &TfBlock> {
    file.resources_of(&[CLOUD_RUN_V1, CLOUD_RUN_V2])
}

/// A v1 service's revision-template annotation: value and span of the `"key" = value` pair.
pub fn v1_template_annotation<'a>(
    service: &'a TfBlock,
    key: &str,
) -> Option<(&'a TfVal, &'a Range<usize>)> {
    let metadata = service.body.path(&["template", "metadata"])?;
    metadata.body.attr("annotations")?.value.get(key)
}

/// A v1 service's service-level annotation.
pub fn v1_service_annotation<'a>(
    service: &'a TfBlock,
    key: &str,
) -> Option<(&'a TfVal, &'a Range<usize>)> {
    service
        .body
        .block("metadata")?
        .body
        .attr("annotations")?
        .value
        .get(key)
}

/// Containers of a Cloud Run service (v1: `template.spec.containers`, v2: `template.containers`).
pub fn containers(service: &TfBlock) -> Vec<&TfBlock> {
    let template = service.body.block("template");
    let parent = if service.label(0) == CLOUD_RUN_V1 {
        template.and_then(|t| t.body.block("spec"))
    } else {
        template
    };
    parent
        .map(|p| p.body.blocks("containers").collect())
        .unwrap_or_default()
}

/// Bytes in a Kubernetes-style quantity (`512Mi`, `1Gi`, `2G`, `536870912`).
pub fn quantity_bytes(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(q.len());
    let (number, unit) = q.split_at(split);
    let number: f64 = number.trim().parse().ok()?;
    let factor = match unit {
        "" => 1.0,
        "k" | "K" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0_f64.powi(4),
        _ => return None,
    };
    Some(number * factor)
}

/// The region of a zone (`us-central1-a` → `us-central1`).
pub fn zone_region(zone: &str) -> &str {
    match zone.rsplit_once('-') {
        Some((region, suffix)) if suffix.len() == 1 => region,
        _ => zone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_and_zones() {
        assert_eq!(quantity_bytes("512Mi"), Some(536_870_912.0));
        assert_eq!(quantity_bytes("1Gi"), Some(1_073_741_824.0));
        assert_eq!(quantity_bytes("1G"), Some(1e9));
        assert_eq!(quantity_bytes("x"), None);
        assert_eq!(zone_region("us-central1-a"), "us-central1");
        assert_eq!(zone_region("europe-west4"), "europe-west4");
    }
}
