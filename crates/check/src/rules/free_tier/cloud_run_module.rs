//! Cloud Run services made by the `GoogleCloudPlatform/cloud-run/google` module: the
//! inputs given to it, read as the service it creates, so FT001–FT004 judge a service made
//! through the module as they judge one written as a resource.
//!
//! - The root module (Cloud Run v1) takes `limits = { memory = … }` and
//!   `template_annotations` (`autoscaling.knative.dev/maxScale`, `…/minScale`,
//!   `run.googleapis.com/cpu-throttling`). Its default `template_annotations` set
//!   maxScale 2 and minScale 1: a service made with the defaults is kept warm.
//! - The `//modules/v2` submodule takes `template_scaling` and `service_scaling`
//!   (`min_instance_count`, `max_instance_count`) and `containers[].resources`
//!   (`limits.memory`, `cpu_idle`, which defaults to true there).
//!
//! Inputs as published by the module (checked 2026-12, v0.x and v2 submodule).

use std::ops::Range;

use super::known_modules::module_source;
use crate::parse::terraform::{TfBlock, TfFile, TfVal};

/// The module's registry address.
const SOURCE: &str = "googlecloudplatform/cloud-run/google";

/// The v1 root module's default `template_annotations`.
pub const V1_DEFAULT_MAX_SCALE: f64 = 2.0;
pub const V1_DEFAULT_MIN_SCALE: f64 = 1.0;

/// Which API the module's service uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    V1,
    V2,
}

/// A `module` block that calls the Cloud Run module.
pub struct ModuleService<'a> {
    pub block: &'a TfBlock,
    pub api: Api,
}

/// An input's value and where to point: the value itself, or the module block's name when
/// the module's default applies.
pub enum Input<'a> {
    Given(&'a TfVal, Range<usize>),
    Default,
    Absent,
}

/// The Cloud Run module calls of a file.
pub fn cloud_run_modules(file: &TfFile) -> impl Iterator<Item = ModuleService<'_>> {
    file.body.blocks("module").filter_map(|block| {
        let (address, submodule) = module_source(block)?;
        if address != SOURCE {
            return None;
        }
        let api = match submodule.as_deref() {
            None => Api::V1,
            Some("modules/v2") => Api::V2,
            Some(_) => return None,
        };
        Some(ModuleService { block, api })
    })
}

impl<'a> ModuleService<'a> {
    /// The module call's name, as findings name the service.
    pub fn name(&self) -> &'a str {
        self.block.label(0)
    }

    /// Where a finding about a module default points: the block's first line.
    pub fn whole(&self) -> Range<usize> {
        self.block.ident_span.start..self.block.span.end
    }

    /// A v1 template annotation: given, left to the module's default (when
    /// `template_annotations` is not given at all), or absent.
    pub fn v1_annotation(&self, key: &str) -> Input<'a> {
        match self.block.body.attr("template_annotations") {
            None => Input::Default,
            Some(attr) => match attr.value.get(key) {
                Some((value, span)) => Input::Given(value, span.clone()),
                None => Input::Absent,
            },
        }
    }

    /// A field of an object input (`template_scaling.max_instance_count`).
    pub fn field(&self, input: &str, key: &str) -> Option<(&'a TfVal, Range<usize>)> {
        let attr = self.block.body.attr(input)?;
        attr.value
            .get(key)
            .map(|(value, span)| (value, span.clone()))
    }

    /// Every container's `resources` of a v2 module (objects of the `containers` list),
    /// with the span of the `containers` input.
    pub fn v2_resources(&self) -> Vec<(&'a TfVal, Range<usize>)> {
        let Some(attr) = self.block.body.attr("containers") else {
            return Vec::new();
        };
        let TfVal::Array(items) = &attr.value else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| item.get("resources"))
            .map(|(resources, span)| (resources, span.clone()))
            .collect()
    }

    /// The v1 `limits` input.
    pub fn v1_limits(&self) -> Option<&'a TfVal> {
        self.block.body.attr("limits").map(|attr| &attr.value)
    }
}
