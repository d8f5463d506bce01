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

impl<'a> CheckContext<'a> {
    /// A context with the defaults of a plain run: the newest Kubernetes version, release
    /// namespace `default`, not strict, no `--crd`, no `--create-namespace`.
    pub fn new(sources: &'a SourceMap, objects: &'a [Object], config: &'a Config) -> Self {
        CheckContext {
            sources,
            objects,
            kube_version: KubeVersion::NEWEST,
            release_namespace: "default",
            config,
            strict: false,
            extra_crds: &[],
            create_namespace: false,
        }
    }
}
