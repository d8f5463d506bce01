//! What every check stage (schema, rules, cluster) receives.

use crate::config::Config;
use crate::object::Object;
use crate::source::SourceMap;
use crate::version::KubeVersion;

pub struct CheckContext<'a> {
    pub sources: &'a SourceMap,
    /// Every object of the run, in input order.
    pub objects: &'a [Object],
    pub kube_version: KubeVersion,
    /// Where objects without `metadata.namespace` land.
    pub release_namespace: &'a str,
    pub config: &'a Config,
    /// `--strict`: warnings that depend on a closed world become errors where a rule says so.
    pub strict: bool,
    /// CustomResourceDefinitions given with `--crd`: they validate custom resources of the run but
    /// are not themselves part of it.
    pub extra_crds: &'a [Object],
    /// `--create-namespace`: the release namespace is created before anything is applied.
    pub create_namespace: bool,
}
