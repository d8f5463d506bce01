//! The values stage on the fixture chart: precedence, null deletion, list replacement, subchart
//! and global coalescing, subchart conditions, and where each value came from.

use crate::chartvals_common;

use chartvals_common::*;
use kforge::chart::LoadOptions;
use kforge::source::SourceMap;
use kforge::values::{self, ValueArgs};
use serde_json::json;

fn args(files: &[&str]) -> ValueArgs {
    ValueArgs {
        files: files
            .iter()
            .map(|f| fixture(&format!("values/{f}")))
            .collect(),
        ..ValueArgs::default()
    }
}

#[test]
fn chart_defaults_alone() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (chart, _) = load_fixture("webapp", &LoadOptions::default(), &mut sources);
    let (values, diags) = values::merge(Some(&chart), &ValueArgs::default(), &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    let v = values.to_json();
    assert_eq!(
        v["image"],
        json!({"repository": "nginx", "tag": "1.25", "pullPolicy": "IfNotPresent"})
    );
    // The parent's section wins over the subchart's defaults, which fill the rest; the parent's
    // globals are copied in and win over the subchart's own.
    assert_eq!(
        v["redis"],
        json!({
            "enabled": true,
            "port": 6380,
            "global": {"env": "dev", "registry": "docker.io", "tier": "cache"},
            "auth": {"enabled": true},
            "exports": {"connection": {"timeoutSeconds": 5}}
        })
    );
    // import-values: `connection` is the child's exports.connection, at the parent's top level.
    assert_eq!(v["timeoutSeconds"], json!(5));
    assert_eq!(v["redisAuth"], json!({"enabled": true}));
    // The aliased copy gets the same defaults under its alias.
    assert_eq!(v["sessions"]["port"], json!(6379));
    assert_eq!(v["sessions"]["enabled"], json!(false));
}

/// defaults < -f a < -f b < --set-json < --set < --set-string < --set-file
#[test]
fn precedence_null_deletion_and_list_replacement() {
    if !yaml_ready() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tag_file = dir.path().join("tag.txt");
    std::fs::write(&tag_file, "from-file").unwrap();
    let mut sources = SourceMap::new();
    let (chart, _) = load_fixture("webapp", &LoadOptions::default(), &mut sources);
    let mut a = args(&["a.yaml", "b.yaml"]);
    a.set_json = vec![r#"image.tag="json",extra={"k":[1,2]},replicaCount=3"#.into()];
    a.set = vec!["replicaCount=4,image.repository=registry.local/nginx,extra.k[1]=9".into()];
    a.set_string = vec!["replicaCount=5".into()];
    a.set_file = vec![format!("image.tag={}", tag_file.display())];
    let (values, diags) = values::merge(Some(&chart), &a, &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    let v = values.to_json();
    assert_eq!(v["replicaCount"], json!("5"));
    assert_eq!(
        v["image"],
        json!({"repository": "registry.local/nginx", "tag": "from-file"}),
        "pullPolicy: null in b.yaml deletes the default"
    );
    assert_eq!(
        v.get("service"),
        None,
        "service: null in b.yaml deletes the whole default map"
    );
    assert_eq!(v["list"], json!(["z"]), "lists replace");
    assert_eq!(v["extra"], json!({"k": [1, 9]}));
    assert_eq!(
        v["redis"]["port"],
        json!(7000),
        "-f beats the parent's values.yaml and the subchart's"
    );
}

#[test]
fn every_value_knows_where_it_came_from() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (chart, _) = load_fixture("webapp", &LoadOptions::default(), &mut sources);
    let mut a = args(&["a.yaml"]);
    a.set = vec!["image.repository=my/nginx".into()];
    let (values, _) = values::merge(Some(&chart), &a, &mut sources);
    let at = |path: &[&str]| {
        let loc = sources.locate(values.path(path).unwrap().span);
        (
            loc.path.rsplit("chartvals/").next().unwrap().to_string(),
            loc.line,
            loc.column,
        )
    };
    assert_eq!(at(&["image", "repository"]), ("--set".to_string(), 1, 18));
    assert_eq!(at(&["image", "tag"]), ("values/a.yaml".to_string(), 3, 8));
    assert_eq!(
        at(&["image", "pullPolicy"]),
        ("webapp/values.yaml".to_string(), 5, 15)
    );
    assert_eq!(
        at(&["redis", "auth", "enabled"]),
        ("webapp/charts/redis/values.yaml".to_string(), 4, 12)
    );
}

#[test]
fn subcharts_see_their_section_and_global() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (chart, _) = load_fixture("webapp", &LoadOptions::default(), &mut sources);
    let (values, _) = values::merge(Some(&chart), &ValueArgs::default(), &mut sources);
    let redis = &chart.subcharts[0];
    let v = values::for_subchart(&values, redis).to_json();
    assert_eq!(v["port"], json!(6380));
    assert_eq!(v["global"]["registry"], json!("docker.io"));
    assert_eq!(v.get("replicaCount"), None);
}

#[test]
fn conditions_and_tags_enable_subcharts_as_helm_does() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (chart, _) = load_fixture("webapp", &LoadOptions::default(), &mut sources);
    let (redis, sessions) = (&chart.subcharts[0], &chart.subcharts[1]);
    let enabled = |set: &[&str], sources: &mut SourceMap| {
        let a = ValueArgs {
            set: set.iter().map(|s| s.to_string()).collect(),
            ..ValueArgs::default()
        };
        let (values, diags) = values::merge(Some(&chart), &a, sources);
        assert!(diags.is_empty(), "{diags:?}");
        (
            values::subchart_enabled(&chart, redis, &values),
            values::subchart_enabled(&chart, sessions, &values),
        )
    };
    // redis.enabled: true; sessions.enabled: false wins over the true tag (conditions decide last).
    assert_eq!(enabled(&[], &mut sources), (true, false));
    assert_eq!(
        enabled(&["redis.enabled=false,sessions.enabled=true"], &mut sources),
        (false, true)
    );
    // No boolean at the condition path: the tags decide.
    assert_eq!(
        enabled(&["sessions.enabled=maybe"], &mut sources),
        (true, true)
    );
    assert_eq!(
        enabled(&["sessions.enabled=maybe,tags.extras=false"], &mut sources),
        (true, false)
    );
    // A null deletes the parent's `sessions.enabled: false` and, kept through the parent's
    // section of the subchart, the subchart's own default (`enabled: true`) too: no boolean is
    // left at the path, so the false tag decides (Helm v4.2.3, asked with this chart).
    assert_eq!(
        enabled(&["sessions.enabled=null,tags.extras=false"], &mut sources),
        (true, false)
    );
}

#[test]
fn a_values_file_that_is_not_a_map_is_fatal() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (values, diags) = values::merge(None, &args(&["not-a-map.yaml", "a.yaml"]), &mut sources);
    let ids: Vec<&str> = diags.iter().map(|d| d.rule.id).collect();
    assert_eq!(ids, ["values/not-a-map"]);
    assert!(diags[0].is_fatal());
    assert_eq!(
        sources.locate(diags[0].primary.as_ref().unwrap().span).line,
        1
    );
    // The other file still merges, so later findings are still meaningful.
    assert_eq!(values.to_json()["replicaCount"], json!(2));
}

/// Coalescing only the paths the subchart conditions read gives the same values there as
/// coalescing everything, and leaves the rest out.
#[test]
fn coalescing_only_some_paths_gives_the_same_values_there() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (chart, _) = load_fixture("webapp", &LoadOptions::default(), &mut sources);
    let mut paths = values::Paths::default();
    for p in ["tags", "redis.enabled", "sessions.enabled", "redis.auth"] {
        paths.insert(p);
    }
    for set in [
        "",
        "redis.enabled=false,sessions.enabled=true",
        "sessions.enabled=null,tags.extras=false",
        "redis.auth=null,global.tier=x",
    ] {
        let a = ValueArgs {
            set: vec![set.to_string()],
            ..ValueArgs::default()
        };
        let mut diags = Vec::new();
        let user = values::user_values(&a, &mut sources, &mut diags);
        let all = values::coalesce_as_written(&chart, user.clone(), None, &sources, &mut diags);
        let some = values::coalesce_as_written(&chart, user, Some(&paths), &sources, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let (all, some) = (all.to_json(), some.to_json());
        for p in [
            "/tags",
            "/redis/enabled",
            "/sessions/enabled",
            "/redis/auth",
        ] {
            assert_eq!(all.pointer(p), some.pointer(p), "{p} with --set {set}");
        }
        // The parent's keys off the paths, and the subchart's own defaults off them.
        assert!(all.get("image").is_some() && all["redis"].get("exports").is_some());
        assert_eq!(some.get("image"), None, "--set {set}");
        assert_eq!(some["redis"].get("exports"), None, "--set {set}");
    }
}
