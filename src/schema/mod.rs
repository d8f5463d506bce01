//! The schema stage: every object against the embedded Kubernetes schemas of the target version,
//! custom resources against CRDs of the run, values against `values.schema.json`.
//! Entry points: [`check`], [`check_values`].

use crate::chart::Chart;
use crate::check::CheckContext;
use crate::diag::{Diagnostic, Rule};
use crate::source::SourceMap;
use crate::version::KubeVersion;
use crate::yaml::Node;

pub const RULES: &[&Rule] = &[];

pub fn check(ctx: &CheckContext) -> Vec<Diagnostic> {
    let _ = ctx;
    Vec::new()
}

/// Validates merged values against the chart's (and each subchart's) `values.schema.json`.
pub fn check_values(chart: &Chart, values: &Node, sources: &SourceMap) -> Vec<Diagnostic> {
    let _ = (chart, values, sources);
    Vec::new()
}

/// `capabilities.api_versions` for templates: every served `group/version` and
/// `group/version/Kind` of the version.
pub fn api_versions(version: KubeVersion) -> Vec<String> {
    let _ = version;
    Vec::new()
}
