//! Shared helpers for the cluster tests: apply YAML text to a profile and inspect the result.
#![allow(dead_code)]

use kforge::check::CheckContext;
use kforge::cluster::{self, ClusterState, Profile};
use kforge::config::Config;
use kforge::diag::{Diagnostic, Severity};
use kforge::object::{self, Object};
use kforge::source::{SourceKind, SourceMap};
use kforge::version::KubeVersion;
use kforge::yaml;

pub struct Sim {
    pub sources: SourceMap,
    pub objects: Vec<Object>,
    pub state: ClusterState,
    pub diags: Vec<Diagnostic>,
    /// Time of the cluster stage alone (not parsing).
    pub apply_time: std::time::Duration,
}

pub fn sim_files(files: &[(&str, &str)], profile: &Profile, create_namespace: bool) -> Sim {
    sim_in(SourceMap::new(), files, profile, create_namespace)
}

/// Like [`sim_files`] with a source map that may already hold the profile file.
pub fn sim_in(
    sources: SourceMap,
    files: &[(&str, &str)],
    profile: &Profile,
    create_namespace: bool,
) -> Sim {
    sim_full(
        sources,
        files,
        profile,
        create_namespace,
        KubeVersion::NEWEST,
        false,
    )
}

/// One manifest against the built-in profile with a target version and `--strict`.
pub fn sim_with(text: &str, kube_version: KubeVersion, strict: bool) -> Sim {
    sim_full(
        SourceMap::new(),
        &[("test.yaml", text)],
        &Profile::default(),
        false,
        kube_version,
        strict,
    )
}

pub fn sim_full(
    mut sources: SourceMap,
    files: &[(&str, &str)],
    profile: &Profile,
    create_namespace: bool,
    kube_version: KubeVersion,
    strict: bool,
) -> Sim {
    let ids: Vec<_> = files
        .iter()
        .map(|(name, text)| sources.add(*name, *text, SourceKind::Manifest))
        .collect();
    let (objects, parse_diags) = object::parse(&sources, &ids, &yaml::Limits::default());
    assert!(
        parse_diags.iter().all(|d| !d.is_error()),
        "fixture does not parse: {:?}",
        parse_diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let config = Config::default();
    let ctx = CheckContext {
        kube_version,
        strict,
        create_namespace,
        ..CheckContext::new(&sources, &objects, &config)
    };
    let start = std::time::Instant::now();
    let (state, diags) = cluster::apply(&ctx, profile);
    let apply_time = start.elapsed();
    Sim {
        sources,
        objects,
        state,
        diags,
        apply_time,
    }
}

pub fn sim(text: &str) -> Sim {
    sim_files(&[("test.yaml", text)], &Profile::default(), false)
}

impl Sim {
    pub fn ids(&self) -> Vec<&'static str> {
        self.diags.iter().map(|d| d.rule.id).collect()
    }

    pub fn messages(&self) -> Vec<String> {
        self.diags
            .iter()
            .map(|d| format!("{}: {}", d.rule.id, d.message))
            .collect()
    }

    /// The only finding; fails when there are none or several.
    pub fn only(&self) -> &Diagnostic {
        assert_eq!(
            self.diags.len(),
            1,
            "expected one finding, got {:#?}",
            self.messages()
        );
        &self.diags[0]
    }

    /// 1-based line of a finding's primary label.
    pub fn line(&self, d: &Diagnostic) -> u32 {
        let span = d.primary.as_ref().expect("primary label").span;
        self.sources.locate(span).line
    }

    pub fn clean(&self) {
        assert!(
            self.diags.is_empty(),
            "expected no findings, got {:#?}",
            self.messages()
        );
    }

    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diags
            .iter()
            .filter(|d| d.severity <= Severity::Error)
            .collect()
    }

    pub fn pods(&self) -> Vec<(String, String)> {
        self.state
            .of_kind("", "Pod")
            .map(|p| {
                let node = p
                    .json
                    .pointer("/spec/nodeName")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string();
                (p.key.name.clone(), node)
            })
            .collect()
    }
}

/// Asserts exactly one finding with `id`, message `msg`, at 1-based `line`.
pub fn expect_one(text: &str, id: &str, msg: &str, line: u32) {
    let s = sim(text);
    let d = s.only();
    assert_eq!(d.rule.id, id, "{:#?}", s.messages());
    assert_eq!(d.message, msg);
    assert_eq!(s.line(d), line, "line of {msg}");
}
