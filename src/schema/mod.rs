//! The schema stage: every object against the embedded Kubernetes schemas of the target version,
//! custom resources against CRDs of the run, values against `values.schema.json`.
//! Entry points: [`check`], [`check_values`], [`api_versions`], [`explain`].

mod apis;
mod constraints;
mod crd;
mod explain;
mod json_schema;
mod model;
mod objects;
mod prune;
mod quantity;
mod store;
mod validate;
mod values;

use crate::chart::Chart;
use crate::check::CheckContext;
use crate::diag::Diagnostic;
use crate::source::SourceMap;
use crate::version::KubeVersion;
use crate::yaml::Node;

pub use crate::catalog::schema::*;
pub use crate::catalog::values::{VALUES_SCHEMA, VALUES_SCHEMA_INVALID};
pub use explain::explain;
pub use prune::Pruning;

/// Validates every object of the run (in parallel; output in object order).
pub fn check(ctx: &CheckContext) -> Vec<Diagnostic> {
    objects::check(ctx)
}

/// Validates merged values against the chart's (and each subchart's) `values.schema.json`.
pub fn check_values(chart: &Chart, values: &Node, sources: &SourceMap) -> Vec<Diagnostic> {
    values::check(chart, values, sources)
}

/// `capabilities.api_versions` for templates: every served `group/version` and
/// `group/version/Kind` of the version.
pub fn api_versions(version: KubeVersion) -> Vec<String> {
    apis::api_versions(version)
}

#[cfg(test)]
mod tests;
