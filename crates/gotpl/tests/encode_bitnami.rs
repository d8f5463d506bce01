//! `toYaml` of every bitnami chart's parsed `values.yaml` against Helm's `{{ toYaml .Values }}`.
//! Helm coalesces the values first, which drops null-valued keys; the test does the same.
//! Needs the charts and Helm's outputs, so it is ignored by default:
//! `KFORGE_BITNAMI_TOYAML=DIR cargo test -p kforge-gotpl --test encode_bitnami -- --ignored`,
//! with DIR holding `<chart>.yaml` as Helm rendered it (a chart `t` whose `values.yaml` is the
//! chart's and whose only template is `{{ toYaml .Values }}`).

use std::path::Path;

use kforge_gotpl::Value;

/// Helm's coalescing drops map keys whose value is null (lists are not coalesced).
fn strip_nulls(v: &Value) {
    if let Value::Map(m) = v {
        m.borrow_mut().retain(|_, item| !item.is_nil());
        for item in m.borrow().values() {
            strip_nulls(item);
        }
    }
}

#[test]
#[ignore = "needs /work/bitnami and Helm's recorded outputs (KFORGE_BITNAMI_TOYAML)"]
fn to_yaml_of_bitnami_values_matches_helm() {
    let charts = Path::new("/work/bitnami/bitnami");
    let expected = std::env::var("KFORGE_BITNAMI_TOYAML").expect("KFORGE_BITNAMI_TOYAML");
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&expected)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for want_path in entries {
        let name = want_path.file_stem().unwrap().to_string_lossy().to_string();
        let values = std::fs::read_to_string(charts.join(&name).join("values.yaml")).unwrap();
        let want = std::fs::read_to_string(&want_path).unwrap();
        let parsed = match kforge_gotpl::encode::from_yaml_str(&values) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        strip_nulls(&parsed);
        let got = kforge_gotpl::encode::to_yaml(&parsed).unwrap();
        let got = got.strip_suffix('\n').unwrap_or(&got);
        checked += 1;
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            failures.push(format!(
                "{name}: first difference at line {}:\n  got:  {:?}\n  want: {:?}",
                line + 1,
                got.lines().nth(line),
                want.lines().nth(line)
            ));
        }
    }
    assert!(checked > 0);
    assert!(
        failures.is_empty(),
        "{} of {checked} charts differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Two bitnami charts' values with Helm's `{{ toYaml .Values }}`, kept in the repository
/// (`tests/fixtures/to-yaml/NAME.values.yaml` and `NAME.helm.yaml`, recorded with Helm v4.2.3).
#[test]
fn to_yaml_of_recorded_bitnami_values() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/to-yaml");
    let mut checked = 0;
    for name in ["tensorflow-resnet", "multus-cni"] {
        let values = std::fs::read_to_string(dir.join(format!("{name}.values.yaml"))).unwrap();
        let want = std::fs::read_to_string(dir.join(format!("{name}.helm.yaml"))).unwrap();
        let parsed = kforge_gotpl::encode::from_yaml_str(&values).unwrap();
        strip_nulls(&parsed);
        let got = kforge_gotpl::encode::to_yaml(&parsed).unwrap();
        assert_eq!(got.strip_suffix('\n').unwrap_or(&got), want, "{name}");
        checked += 1;
    }
    assert_eq!(checked, 2);
}
