//! The load stage on fixture charts and manifests.

use crate::chartvals_common;

use chartvals_common::*;
use kforge::chart::{self, Input, LoadOptions, Loaded};
use kforge::source::SourceMap;
use kforge::version::KubeVersion;

#[test]
fn a_chart_with_aliased_subcharts_loads() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (chart, diags) = load_fixture("webapp", &LoadOptions::default(), &mut sources);
    assert!(diags.is_empty(), "{:#?}", summary(&sources, &diags));
    let md = &chart.metadata;
    assert_eq!(
        (
            md.api_version.as_str(),
            md.name.as_str(),
            md.version.as_str()
        ),
        ("v2", "webapp", "1.2.3")
    );
    assert_eq!(md.app_version.as_deref(), Some("2.0.1"));
    assert_eq!(md.kube_version.as_deref(), Some(">=1.25.0-0"));
    assert_eq!(md.chart_type, "application");
    let names: Vec<&str> = chart.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "webapp/templates/NOTES.txt",
            "webapp/templates/_helpers.tpl",
            "webapp/templates/deployment.yaml"
        ]
    );
    assert_eq!(
        sources.name(chart.templates[2].file),
        "tests/fixtures/chartvals/webapp/templates/deployment.yaml"
    );
    assert_eq!(chart.crds.len(), 1);
    assert_eq!(
        sources.name(chart.crds[0]),
        "tests/fixtures/chartvals/webapp/crds/widget.yaml"
    );
    let files: Vec<&str> = chart.files.files.keys().map(String::as_str).collect();
    assert_eq!(files, ["README.md", "crds/widget.yaml"]);
    assert!(chart.values_file.is_some());
    // Two dependencies on the same chart: one under its name, one under its alias.
    let subs: Vec<(&str, &str)> = chart
        .subcharts
        .iter()
        .map(|s| (s.metadata.name.as_str(), s.templates[0].name.as_str()))
        .collect();
    assert_eq!(
        subs,
        [
            ("redis", "webapp/charts/redis/templates/service.yaml"),
            ("sessions", "webapp/charts/sessions/templates/service.yaml")
        ]
    );
    let sessions = &chart.subcharts[1].metadata.tree;
    assert_eq!(
        sessions.get("name").and_then(|n| n.as_str()),
        Some("sessions")
    );
    let deps = chart.metadata.dependencies();
    assert_eq!(deps[1].key(), "sessions");
    assert_eq!(deps[1].tags, ["extras"]);
}

#[test]
fn a_broken_chart_yaml_is_reported_at_each_key() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (_, diags) = load_fixture("broken", &LoadOptions::default(), &mut sources);
    let got = summary(&sources, &diags);
    let expected = [
        (
            "chart/invalid-name",
            "warning",
            "chart name \"Broken_Chart\" should be lower-case letters, digits and dashes",
            2,
        ),
        (
            "chart/invalid-version",
            "error",
            "chart version \"one.two\" is not a SemVer 2 version",
            3,
        ),
        (
            "chart/invalid-type",
            "error",
            "chart type \"app\" must be application or library",
            4,
        ),
        (
            "chart/kube-version",
            "error",
            "chart requires kubeVersion: <1.20.0 which is incompatible with Kubernetes v1.37.0",
            5,
        ),
        (
            "chart/unknown-field",
            "warning",
            "unknown field \"appversion\" in Chart.yaml",
            6,
        ),
        (
            "chart/missing-dependency",
            "warning",
            "dependency \"postgresql\" is not in charts/ of chart \"Broken_Chart\"",
            8,
        ),
    ];
    let expected: Vec<(String, String, String, u32)> = expected
        .iter()
        .map(|(r, s, m, l)| (r.to_string(), s.to_string(), m.to_string(), *l))
        .collect();
    assert_eq!(got, expected);
    let unknown = diags
        .iter()
        .find(|d| d.rule.id == "chart/unknown-field")
        .unwrap();
    assert_eq!(unknown.help.as_deref(), Some("did you mean `appVersion`?"));
    let ty = diags
        .iter()
        .find(|d| d.rule.id == "chart/invalid-type")
        .unwrap();
    let loc = sources.locate(ty.primary.as_ref().unwrap().span);
    assert_eq!(
        (loc.path.as_str(), loc.column),
        ("tests/fixtures/chartvals/broken/Chart.yaml", 7)
    );
}

#[test]
fn missing_required_fields() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (chart, diags) = chart::load_tree(
        tree(&[
            ("Chart.yaml", "description: x\nversion:\n"),
            ("templates/a.yaml", ""),
        ]),
        "c",
        &mut sources,
    );
    assert!(chart.is_some());
    let got: Vec<(String, u32)> = summary(&sources, &diags)
        .into_iter()
        .map(|(r, _, m, l)| (format!("{r}: {m}"), l))
        .collect();
    assert_eq!(
        got,
        [
            (
                "chart/missing-field: Chart.yaml has no apiVersion; Helm requires it".to_string(),
                1
            ),
            (
                "chart/missing-field: Chart.yaml has no name; Helm requires it".to_string(),
                1
            ),
            (
                "chart/missing-field: Chart.yaml has no version; Helm requires it".to_string(),
                2
            ),
        ]
    );
}

#[test]
fn kube_version_is_checked_against_the_target() {
    if !yaml_ready() {
        return;
    }
    let old = LoadOptions {
        kube_version: KubeVersion::parse("1.24").unwrap(),
        ..LoadOptions::default()
    };
    let mut sources = SourceMap::new();
    let (_, diags) = load_fixture("webapp", &old, &mut sources);
    let ids: Vec<&str> = diags.iter().map(|d| d.rule.id).collect();
    assert_eq!(ids, ["chart/kube-version"]);
    assert_eq!(
        diags[0].message,
        "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.24.0"
    );

    let chart_yaml = "apiVersion: v2\nname: c\nversion: 1.0.0\nkubeVersion: at least 1.25\n";
    let (_, diags) = chart::load_tree(
        tree(&[("Chart.yaml", chart_yaml), ("templates/a.yaml", "")]),
        "c",
        &mut sources,
    );
    let ids: Vec<&str> = diags.iter().map(|d| d.rule.id).collect();
    assert_eq!(ids, ["chart/invalid-kube-version"]);
}

#[test]
fn field_types_dependencies_and_library_charts() {
    if !yaml_ready() {
        return;
    }
    let chart_yaml = "apiVersion: v3\nname: ../c\nversion: 1.10\ntype: library\nkeywords: web\ndeprecated: maybe\ndependencies:\n  - name: a\n    alias: b c\n  - name: b\n  - version: 1.0.0\n";
    let mut sources = SourceMap::new();
    let (chart, diags) = chart::load_tree(tree(&[("Chart.yaml", chart_yaml)]), "c", &mut sources);
    assert!(chart.is_some_and(|c| c.metadata.is_library()));
    let got: Vec<(String, u32)> = summary(&sources, &diags)
        .into_iter()
        .map(|(r, _, _, l)| (r, l))
        .collect();
    let expected = [
        ("chart/invalid-api-version", 1),
        ("chart/invalid-name", 2),
        ("chart/invalid-field", 3),
        // The YAML stage also flags `1.10` (read as the number 1.1).
        ("yaml/ambiguous-scalar", 3),
        ("chart/invalid-field", 5),
        ("chart/invalid-field", 6),
        // The alias `b c` is invalid; the last entry has no name.
        ("chart/invalid-dependency", 9),
        ("chart/invalid-dependency", 11),
        // a and b are not in charts/ (the nameless entry cannot be looked up).
        ("chart/missing-dependency", 8),
        ("chart/missing-dependency", 10),
    ];
    let mut expected: Vec<(String, u32)> =
        expected.iter().map(|(r, l)| (r.to_string(), *l)).collect();
    expected.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    assert_eq!(got, expected);
}

#[test]
fn a_chart_with_nothing_to_install() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (_, diags) = load_fixture("empty-templates", &LoadOptions::default(), &mut sources);
    let ids: Vec<&str> = diags.iter().map(|d| d.rule.id).collect();
    assert_eq!(ids, ["chart/no-templates"]);
    assert!(diags[0].is_error());
}

/// A chart of CRDs only installs them (kube-prometheus vendors such a subchart).
#[test]
fn a_chart_of_crds_only_installs_them() {
    let mut sources = SourceMap::new();
    let (_, diags) = load_fixture("crds-only", &LoadOptions::default(), &mut sources);
    let ids: Vec<&str> = diags.iter().map(|d| d.rule.id).collect();
    assert!(ids.is_empty(), "{ids:?}");
}

#[test]
fn chart_yaml_that_is_not_a_map_is_fatal() {
    if !yaml_ready() {
        return;
    }
    let mut sources = SourceMap::new();
    let (chart, diags) =
        chart::load_tree(tree(&[("Chart.yaml", "- name: web\n")]), "c", &mut sources);
    assert!(chart.is_none());
    assert!(
        diags
            .iter()
            .any(|d| d.rule.id == "chart/invalid-chart-yaml" && d.is_fatal())
    );
}

#[test]
fn archive_without_chart_yaml_is_fatal() {
    let mut sources = SourceMap::new();
    let (chart, diags) = chart::load_tree(tree(&[("templates/a.yaml", "")]), "c.tgz", &mut sources);
    assert!(chart.is_none());
    assert_eq!(diags[0].rule.id, "chart/missing-chart-yaml");
    assert!(diags[0].is_fatal());
}

#[test]
fn helm_template_output_keeps_template_names() {
    let mut sources = SourceMap::new();
    let path = fixture("helm-template-output.yaml");
    let (loaded, diags) = chart::load(&Input::Path(path), &LoadOptions::default(), &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    let Some(Loaded::Manifests(files)) = loaded else {
        panic!("expected manifests")
    };
    let names: Vec<&str> = files.iter().map(|f| sources.name(*f)).collect();
    assert_eq!(
        names,
        [
            "webapp/templates/service.yaml",
            "webapp/templates/deployment.yaml"
        ]
    );
    assert!(sources.text(files[1]).starts_with("apiVersion: apps/v1\n"));
}

#[test]
fn stdin_text_is_manifests() {
    let mut sources = SourceMap::new();
    let input = Input::Text {
        name: "<stdin>".into(),
        text: "kind: A\n".into(),
    };
    let (loaded, diags) = chart::load(&input, &LoadOptions::default(), &mut sources);
    assert!(diags.is_empty());
    let Some(Loaded::Manifests(files)) = loaded else {
        panic!("expected manifests")
    };
    assert_eq!(sources.name(files[0]), "<stdin>");
}

#[test]
fn unusable_inputs_are_fatal_with_a_reason() {
    let cases = [
        (fixture("does-not-exist"), "input/not-found"),
        (fixture("binary.yaml"), "input/not-text"),
    ];
    for (path, rule) in cases {
        let mut sources = SourceMap::new();
        let (loaded, diags) = chart::load(
            &Input::Path(path.clone()),
            &LoadOptions::default(),
            &mut sources,
        );
        assert!(loaded.is_none(), "{}", path.display());
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].rule.id, rule);
        assert!(diags[0].is_fatal());
        assert!(diags[0].help.is_some());
    }
}

#[test]
fn a_directory_of_manifests_is_read_recursively() {
    let mut sources = SourceMap::new();
    let dir = fixture("manifests");
    let (loaded, diags) = chart::load(&Input::Path(dir), &LoadOptions::default(), &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    let Some(Loaded::Manifests(files)) = loaded else {
        panic!("expected manifests")
    };
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            sources
                .name(*f)
                .rsplit("chartvals/")
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["manifests/app.yaml", "manifests/nested/svc.yml"]);
}

#[test]
fn an_empty_directory_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let mut sources = SourceMap::new();
    let (loaded, diags) = chart::load(
        &Input::Path(dir.path().to_path_buf()),
        &LoadOptions::default(),
        &mut sources,
    );
    assert!(loaded.is_none());
    assert!(
        diags
            .iter()
            .any(|d| d.is_fatal() && d.rule.id.starts_with("input/")),
        "{diags:?}"
    );
}

fn tgz(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, path, *data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, &tar).unwrap();
    gz.finish().unwrap()
}

#[test]
fn a_packaged_chart_with_a_packaged_subchart() {
    let sub = tgz(&[
        (
            "db/Chart.yaml",
            b"apiVersion: v2\nname: db\nversion: 0.1.0\n",
        ),
        ("db/templates/svc.yaml", b"kind: Service\n"),
    ]);
    let top = tgz(&[
        (
            "app/Chart.yaml",
            b"apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: db\n    version: 0.1.0\n",
        ),
        ("app/values.yaml", b"db:\n  port: 1\n"),
        ("app/templates/cm.yaml", b"kind: ConfigMap\n"),
        ("app/charts/db-0.1.0.tgz", &sub),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app-1.0.0.tgz");
    std::fs::write(&path, top).unwrap();
    let mut sources = SourceMap::new();
    let (loaded, diags) = chart::load(&Input::Path(path), &LoadOptions::default(), &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    let Some(Loaded::Chart(chart)) = loaded else {
        panic!("expected a chart")
    };
    assert_eq!(chart.templates[0].name, "app/templates/cm.yaml");
    assert_eq!(
        chart.subcharts[0].templates[0].name,
        "app/charts/db/templates/svc.yaml"
    );
    assert!(
        sources
            .name(chart.subcharts[0].templates[0].file)
            .ends_with("app-1.0.0.tgz/charts/db-0.1.0.tgz/templates/svc.yaml")
    );
}

#[test]
fn a_misspelt_chart_yaml_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Chart.yml"),
        "apiVersion: v2\nname: a\nversion: 1.0.0\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/cm.yaml"), "kind: ConfigMap\n").unwrap();
    let mut sources = SourceMap::new();
    let (loaded, diags) = chart::load(
        &Input::Path(dir.path().to_path_buf()),
        &LoadOptions::default(),
        &mut sources,
    );
    assert!(loaded.is_none());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].rule.id, "chart/missing-chart-yaml");
    assert!(
        diags[0]
            .message
            .ends_with("has Chart.yml but no Chart.yaml"),
        "{}",
        diags[0].message
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let options = LoadOptions {
        max_manifest_bytes: 10,
        ..LoadOptions::default()
    };
    let mut sources = SourceMap::new();
    let (loaded, diags) = chart::load(
        &Input::Path(fixture("helm-template-output.yaml")),
        &options,
        &mut sources,
    );
    assert!(loaded.is_none());
    assert_eq!(diags[0].rule.id, "input/unreadable");
    assert!(
        diags[0].message.contains("more than the limit of 10 bytes"),
        "{}",
        diags[0].message
    );
}

#[test]
fn a_subchart_folder_without_chart_yaml_is_an_error_not_fatal() {
    let mut sources = SourceMap::new();
    let files = tree(&[
        ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"),
        ("templates/a.yaml", "kind: A\n"),
        ("charts/db/values.yaml", "port: 1\n"),
        ("charts/.hidden/Chart.yaml", "not: read\n"),
    ]);
    let (chart, diags) = chart::load_tree(files, "c", &mut sources);
    let chart = chart.unwrap();
    assert!(chart.subcharts.is_empty());
    let [d] = diags.as_slice() else {
        panic!("{diags:?}")
    };
    assert_eq!(
        (d.rule.id, d.severity.as_str()),
        ("chart/missing-chart-yaml", "error")
    );
    assert_eq!(d.message, "c/charts/db has no Chart.yaml");
}

#[test]
fn archives_of_archives_share_one_budget() {
    let filler = vec![b'#'; 2000];
    let mut archive = tgz(&[
        ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 1.0.0\n"),
        ("c/templates/a.yaml", &filler),
    ]);
    for _ in 0..6 {
        // Each level holds three copies of the level below: 3^6 = 729 leaf charts if unbounded.
        archive = tgz(&[
            ("c/Chart.yaml", b"apiVersion: v2\nname: c\nversion: 1.0.0\n"),
            ("c/templates/a.yaml", b"kind: A\n"),
            ("c/charts/x.tgz", &archive),
            ("c/charts/y.tgz", &archive),
            ("c/charts/z.tgz", &archive),
        ]);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.tgz");
    std::fs::write(&path, archive).unwrap();
    let options = LoadOptions {
        max_total_bytes: 50_000,
        ..LoadOptions::default()
    };
    let mut sources = SourceMap::new();
    let (loaded, diags) = chart::load(&Input::Path(path), &options, &mut sources);
    assert!(matches!(loaded, Some(Loaded::Chart(_))));
    assert!(
        diags
            .iter()
            .any(|d| d.rule.id == "input/unreadable" || d.rule.id.starts_with("package/")),
        "{diags:?}"
    );
    let template_bytes: usize = sources.files().map(|(_, f)| f.text().len()).sum();
    assert!(template_bytes < 200_000, "read {template_bytes} bytes");
}

#[test]
fn only_partials_render_nothing() {
    let mut sources = SourceMap::new();
    let files = tree(&[
        ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"),
        ("templates/_helpers.tpl", "{% macro x() %}{% endmacro %}\n"),
        ("templates/NOTES.txt", "hello\n"),
    ]);
    let (_, diags) = chart::load_tree(files, "c", &mut sources);
    let ids: Vec<&str> = diags.iter().map(|d| d.rule.id).collect();
    assert_eq!(ids, ["chart/no-templates"]);
}

#[test]
fn a_mistyped_path_suggests_its_neighbour() {
    let mut sources = SourceMap::new();
    let path = fixture("webap");
    let (_, diags) = chart::load(&Input::Path(path), &LoadOptions::default(), &mut sources);
    assert_eq!(diags[0].rule.id, "input/not-found");
    let help = diags[0].help.as_deref().unwrap_or("");
    assert!(
        help.starts_with("did you mean `") && help.ends_with("chartvals/webapp`?"),
        "{help}"
    );
}

#[test]
fn v1_charts_keep_dependencies_in_requirements_yaml() {
    let mut sources = SourceMap::new();
    let files = tree(&[
        ("Chart.yaml", "apiVersion: v1\nname: c\nversion: 1.0.0\n"),
        (
            "requirements.yaml",
            "dependencies:\n  - name: db\n    version: 1.x\n",
        ),
        ("templates/a.yaml", "kind: A\n"),
        (
            "charts/db/Chart.yaml",
            "apiVersion: v1\nname: db\nversion: 1.2.0\n",
        ),
        ("charts/db/templates/s.yaml", "kind: S\n"),
    ]);
    let (chart, diags) = chart::load_tree(files, "c", &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    let chart = chart.unwrap();
    assert_eq!(chart.metadata.dependencies()[0].name, "db");
    // Helm's loader keeps a v1 chart's requirements.yaml in `.Files` (tests/fixtures/helm-oracle/
    // v1-requirements, recorded with Helm).
    assert!(chart.files.files.contains_key("requirements.yaml"));

    let files = tree(&[
        (
            "Chart.yaml",
            "apiVersion: v1\nname: c\nversion: 1.0.0\ntype: application\ndependencies: []\n",
        ),
        ("templates/a.yaml", "kind: A\n"),
    ]);
    let (_, diags) = chart::load_tree(files, "c", &mut sources);
    let got: Vec<(&str, u32)> = diags
        .iter()
        .map(|d| {
            (
                d.rule.id,
                sources.locate(d.primary.as_ref().unwrap().span).line,
            )
        })
        .collect();
    assert_eq!(
        got,
        [("chart/invalid-field", 4), ("chart/invalid-field", 5)]
    );
}

#[test]
fn a_chart_yaml_path_loads_its_chart() {
    let mut sources = SourceMap::new();
    let path = fixture("webapp/Chart.yaml");
    let (loaded, diags) = chart::load(&Input::Path(path), &LoadOptions::default(), &mut sources);
    assert!(diags.is_empty(), "{diags:?}");
    let Some(Loaded::Chart(chart)) = loaded else {
        panic!("expected the chart")
    };
    assert_eq!(chart.metadata.name, "webapp");
    assert!(
        chart.display_path.ends_with("chartvals/webapp"),
        "{}",
        chart.display_path
    );
}
