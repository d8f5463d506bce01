//! `.Capabilities.APIVersions` as templates see it: the built-ins, the CRDs of the run (charts'
//! `crds/`, manifest inputs, `--crd`), then `--api-versions` (`-a`, repeatable, comma-separated),
//! each answering `Has` in both the `group/version` and `group/version/Kind` forms. Helm's
//! handling of `--api-versions` is pinned against Helm itself in tests/helm_oracle.rs.

use crate::common;

use common::{kforge, run};

const CHART: &str = "tests/fixtures/helm-capabilities/chart";
const GADGET_CRD: &str = "tests/fixtures/helm-capabilities/gadget-crd.yaml";

#[test]
fn template_sees_chart_crds_and_api_versions_flags() {
    let out = run(kforge().args([
        "template",
        CHART,
        "-a",
        "x.io/v1",
        "--api-versions",
        "y.io/v2/Thing",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "---
# Source: caps/templates/cm.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: caps
data:
  widget: \"true\"
  widget-kind: \"true\"
  gadget: \"false\"
  flag: \"true\"
  flag-kind: \"true\"
"
    );
}

#[test]
fn without_flags_only_the_chart_crds_are_added() {
    let out = run(kforge().args(["template", CHART]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("  widget-kind: \"true\"\n  gadget: \"false\"\n  flag: \"false\"\n  flag-kind: \"false\"\n"), "{}", out.stdout);
}

#[test]
fn comma_separated_values_and_crd_files_of_the_run() {
    let out = run(kforge().args(["template", CHART, "-a", "x.io/v1,gadgets.io/v1beta1/Gadget"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("kind: Gadget\n"), "{}", out.stdout);
    assert!(out.stdout.contains("  flag: \"true\"\n"), "{}", out.stdout);

    // Lint renders the Gadget only when its CRD is part of the run: as --crd or as an input.
    let objects = |extra: &[&str]| {
        let mut cmd = kforge();
        cmd.args(["lint", CHART, "--format", "json"]).args(extra);
        let out = run(&mut cmd);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        json["summary"]["objects"].as_u64().unwrap()
    };
    // The chart's CRD and its ConfigMap.
    assert_eq!(objects(&[]), 2);
    // ... and the Gadget.
    assert_eq!(objects(&["--crd", GADGET_CRD]), 3);
    // ... and the CRD itself, an input of the same run (each PATH is a run of its own
    // without --together).
    assert_eq!(objects(&[GADGET_CRD, "--together"]), 4);
}

#[test]
fn a_malformed_api_version_is_a_usage_error() {
    let out = run(kforge().args(["template", CHART, "-a", "x.io/v1,bad thing"]));
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: --api-versions \"bad thing\": expected group/version or group/version/Kind (e.g. monitoring.coreos.com/v1 or monitoring.coreos.com/v1/ServiceMonitor)\n"
    );
}
