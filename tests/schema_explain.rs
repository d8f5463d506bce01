//! `kforge explain` output from the embedded schemas, pinned by snapshots.

use kforge::schema::explain;
use kforge::version::KubeVersion;

#[test]
fn explain_deployment_spec_strategy() {
    let out = explain(KubeVersion::NEWEST, "deployment.spec.strategy", None, false);
    insta::assert_snapshot!(out.unwrap_or_else(|e| e));
}

#[test]
fn explain_deployment_spec_strategy_recursive() {
    let out = explain(KubeVersion::NEWEST, "deployment.spec.strategy", None, true);
    insta::assert_snapshot!(out.unwrap_or_else(|e| e));
}

#[test]
fn explain_picks_the_requested_api_version() {
    let v125 = KubeVersion {
        major: 1,
        minor: 25,
        patch: 0,
    };
    let out = explain(v125, "hpa", None, false).unwrap_or_default();
    assert!(
        out.contains(
            "GROUP:      autoscaling\nKIND:       HorizontalPodAutoscaler\nVERSION:    v2\n"
        ),
        "{out}"
    );
    let out = explain(
        v125,
        "horizontalpodautoscalers",
        Some("autoscaling/v2beta2"),
        false,
    )
    .unwrap_or_default();
    assert!(out.contains("VERSION:    v2beta2"), "{out}");
    let unknown = explain(KubeVersion::NEWEST, "deploymnet", None, false);
    assert_eq!(
        unknown,
        Err(
            "the server doesn't have a resource type \"deploymnet\"; did you mean deployment?"
                .to_string()
        )
    );
}
