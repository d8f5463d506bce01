//! Issue 18: real install manifests from many projects. Each test is one class of the issue,
//! with the exact finding (or its absence) on a minimal fixture.

use crate::cluster_support;
use crate::common;
use cluster_support::{sim, sim_with};
use common::{kforge, run};
use kforge::version::KubeVersion;

const DEPLOYMENT_IN_MONITORING: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: monitoring\nspec:\n  replicas: -1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: monitoring\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n";

/// Class "blind spot": in the open world a namespace the run does not create is assumed once,
/// and the objects in it still get the API server's validation.
#[test]
fn objects_in_an_assumed_namespace_are_still_validated() {
    let s = sim(DEPLOYMENT_IN_MONITORING);
    assert_eq!(
        s.messages(),
        [
            "cluster/invalid: The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "cluster/namespace-not-found: namespaces \"monitoring\" not found: assumed to exist for 2 objects of the run",
        ]
    );
    let ns = &s.diags[1];
    assert_eq!(ns.severity, kforge::diag::Severity::Warning);
    assert_eq!(s.line(ns), 5);
    // The ConfigMap in the assumed namespace is in the cluster; so is the one in the release
    // namespace.
    assert!(
        s.state
            .objects
            .keys()
            .any(|k| k.kind == "ConfigMap" && k.namespace == "monitoring" && k.name == "settings")
    );
}

/// In a closed world (`--strict`, `--cluster FILE`) the create fails: one error per namespace,
/// nothing in it is applied (so no validation finding follows).
#[test]
fn a_closed_world_stops_at_a_missing_namespace_once() {
    let s = sim_with(DEPLOYMENT_IN_MONITORING, KubeVersion::NEWEST, true);
    let d = s.only();
    assert_eq!(
        d.message,
        "error when creating Deployment \"web\": namespaces \"monitoring\" not found"
    );
    assert_eq!(
        d.notes,
        ["2 objects of the run go into namespace \"monitoring\" and fail the same way"]
    );
    assert_eq!(d.severity, kforge::diag::Severity::Error);
}

/// Class "typed lists": any `*List` with `items`, in any group, is unpacked and its items are
/// validated and applied.
#[test]
fn typed_lists_are_unpacked() {
    let text = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleList\nitems:\n  - apiVersion: rbac.authorization.k8s.io/v1\n    kind: Role\n    metadata: {name: reader}\n    rules: []\n---\napiVersion: apps/v1\nkind: DeploymentList\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n    spec:\n      replicas: -1\n      selector: {matchLabels: {app: web}}\n      template:\n        metadata: {labels: {app: web}}\n        spec:\n          containers: [{name: web, image: nginx}]\n";
    let s = sim(text);
    let objects: Vec<String> = s
        .objects
        .iter()
        .map(|o| format!("{} {}", o.kind, o.name))
        .collect();
    assert_eq!(objects, ["Role reader", "Deployment web"]);
    assert_eq!(
        s.messages(),
        [
            "cluster/invalid: The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        ]
    );
    assert_eq!(s.line(&s.diags[0]), 16);
}

/// Class "no-crd": one finding per kind without a CRD, counting the other objects of that kind.
#[test]
fn no_crd_once_per_kind() {
    let text = "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: a}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: b}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: c}\n---\napiVersion: monitoring.coreos.com/v1\nkind: PodMonitor\nmetadata: {name: d}\n";
    let s = sim(text);
    assert_eq!(
        s.messages(),
        [
            "cluster/no-crd: resource mapping not found for PodMonitor \"d\": no matches for kind \"PodMonitor\" in version \"monitoring.coreos.com/v1\"",
            "cluster/no-crd: resource mapping not found for ServiceMonitor \"a\": no matches for kind \"ServiceMonitor\" in version \"monitoring.coreos.com/v1\"",
        ]
    );
    assert_eq!(
        s.diags[1].notes.last().map(String::as_str),
        Some(
            "2 more objects of kind ServiceMonitor (monitoring.coreos.com/v1) in the run fail the same way"
        )
    );
}

/// `kforge lint -` on `text`: each finding as `rule severity line: message`.
fn lint(text: &str, args: &[&str]) -> Vec<String> {
    let out = run(kforge()
        .args(["lint", "-", "--format", "json"])
        .args(args)
        .write_stdin(text));
    let json: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}: {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["line"],
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

const STATEFULSET: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  serviceName: redis\n  replicas: 2\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers:\n        - name: redis\n          image: redis:7.4\n          ports: [{name: redis, containerPort: 6379}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec:\n  clusterIP: None\n  selector: {app: redis}\n  ports: [{port: 6379, targetPort: redis}]\n";

/// Class "controller labels": a Service selecting one StatefulSet pod by
/// `statefulset.kubernetes.io/pod-name` (highly available Redis) selects it; so do selectors
/// on a Deployment's `pod-template-hash` and a Job's `job-name`.
#[test]
fn selectors_on_controller_labels_match_the_controllers_pods() {
    let one_pod = format!(
        "{STATEFULSET}---\napiVersion: v1\nkind: Service\nmetadata: {{name: redis-0}}\nspec:\n  selector:\n    app: redis\n    statefulset.kubernetes.io/pod-name: redis-0\n  ports: [{{port: 6379, targetPort: redis}}]\n"
    );
    assert_eq!(lint(&one_pod, &[]), Vec::<String>::new());
    // The cluster model's StatefulSet controller sets the label: the Service has an endpoint.
    let s = sim(&one_pod);
    let endpoints = s
        .state
        .objects
        .iter()
        .find(|(k, _)| k.kind == "Endpoints" && k.name == "redis-0")
        .map(|(_, v)| v.json.to_string())
        .unwrap_or_default();
    assert!(endpoints.contains("redis-0"), "{endpoints}");
    // A pod name beyond the StatefulSet's name pattern is still a miss (a warning: the label
    // is not on any template).
    let wrong = one_pod.replace("pod-name: redis-0", "pod-name: cache-0");
    assert_eq!(lint(&wrong, &[]).len(), 1, "{:?}", lint(&wrong, &[]));
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n    metadata: {labels: {app: shop}}\n    spec:\n      restartPolicy: Never\n      containers: [{name: migrate, image: shop:1.0, ports: [{containerPort: 8080}]}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: migrate}\nspec:\n  selector: {job-name: migrate, batch.kubernetes.io/job-name: migrate}\n  ports: [{port: 8080}]\n";
    assert_eq!(lint(job, &[]), Vec::<String>::new());
    let s = sim(job);
    let pod = s
        .state
        .objects
        .iter()
        .find(|(k, _)| k.kind == "Pod")
        .map(|(_, v)| v.json["metadata"]["labels"].clone())
        .unwrap_or_default();
    assert_eq!(pod["job-name"], "migrate");
    assert_eq!(pod["batch.kubernetes.io/job-name"], "migrate");
    assert!(pod["batch.kubernetes.io/controller-uid"].is_string());
}

/// Class "probe ports": a numeric probe port no container declares is fine (ingress-nginx
/// probes an undeclared 10254); a named port no container names is an error.
#[test]
fn probe_ports_by_number_are_not_checked() {
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: controller}\nspec:\n  containers:\n    - name: controller\n      image: ingress-nginx/controller:v1.11.2\n      ports: [{name: http, containerPort: 80}]\n      livenessProbe:\n        httpGet: {path: /healthz, port: 10254}\n";
    assert_eq!(lint(pod, &[]), Vec::<String>::new());
    let named = pod.replace("port: 10254", "port: metrics");
    assert_eq!(
        lint(&named, &[]),
        [
            "rules/probe-port error 10: livenessProbe of container \"controller\" in Pod \"controller\" checks port \"metrics\", which the container does not name"
        ]
    );
}

/// Class "one mistake, one finding": an enum typo and a duplicate containerPort are each
/// reported once, by the schema stage; the API server's other wording becomes a note.
#[test]
fn one_field_mistake_gives_one_finding_across_stages() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          imagePullPolicy: Allways\n          ports:\n            - containerPort: 80\n            - containerPort: 80\n";
    assert_eq!(
        lint(text, &[]),
        [
            "schema/enum error 15: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"Allways\": supported values: \"Always\", \"IfNotPresent\", \"Never\"",
            "schema/duplicate-list-key warning 18: spec.template.spec.containers[0].ports[1]: Duplicate value: containerPort=80, protocol=TCP",
        ]
    );
    let out = run(kforge()
        .args(["lint", "-", "--format", "json"])
        .write_stdin(text));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["findings"][1]["notes"][1],
        "the API server says: Warning: spec.template.spec.containers[0].ports[1]: duplicate port definition with spec.template.spec.containers[0].ports[0]"
    );
}

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop-web}\nspec:\n  selector: {matchLabels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: shop}}\n  template:\n    metadata:\n      labels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: shop}\n    spec:\n      containers: [{name: web, image: nginx:1.27, ports: [{containerPort: 80}]}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop-db}\nspec:\n  selector: {matchLabels: {app.kubernetes.io/name: postgresql, app.kubernetes.io/instance: shop}}\n  template:\n    metadata:\n      labels: {app.kubernetes.io/name: postgresql, app.kubernetes.io/instance: shop}\n    spec:\n      containers: [{name: db, image: postgres:16, ports: [{containerPort: 5432}]}]\n";

fn service(selector: &str) -> String {
    format!(
        "{WEB}---\napiVersion: v1\nkind: Service\nmetadata: {{name: shop}}\nspec:\n  selector: {selector}\n  ports: [{{port: 80}}]\n"
    )
}

/// Class "service selects nothing": a warning when nothing in the run carries the selector's
/// app identity (and no suggestion pointing at another app); an error with did-you-mean for a
/// near-miss value or a misspelt key.
#[test]
fn service_selects_nothing_needs_evidence_for_an_error() {
    // Another app of the same release: not a typo of the database's labels.
    assert_eq!(
        lint(
            &service("{app.kubernetes.io/name: api, app.kubernetes.io/instance: shop}"),
            &[]
        ),
        [
            "rules/service-selects-nothing warning 27: Service \"shop\" selects nothing in this run: no pod template in namespace \"default\" has {app.kubernetes.io/name: api, app.kubernetes.io/instance: shop}"
        ]
    );
    // A near miss (case) is an error naming the label.
    let out = run(kforge()
        .args(["lint", "-", "--format", "json"])
        .write_stdin(service(
            "{app.kubernetes.io/name: Web, app.kubernetes.io/instance: shop}",
        )));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(
        json["findings"][0]["help"],
        "did you mean app.kubernetes.io/name: web? Make the selector and the labels of Deployment \"shop-web\" agree"
    );
    // A misspelt key is an error with did-you-mean.
    let out = run(kforge()
        .args(["lint", "-", "--format", "json"])
        .write_stdin(service(
            "{app.kubernetes.io/name: web, app.kubernetes.io/instnace: shop}",
        )));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["findings"][0]["message"],
        "Service \"shop\" selects no pods: no pod template in namespace \"default\" has the label key \"app.kubernetes.io/instnace\""
    );
    assert_eq!(json["findings"][0]["severity"], "error");
    assert_eq!(
        json["findings"][0]["help"],
        "did you mean app.kubernetes.io/instance: shop? Make the selector and the labels of Deployment \"shop-web\" agree"
    );
}

fn write_files(root: &std::path::Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";

/// Class "inputs": each PATH is its own run, so unrelated applications that reuse a name do not
/// collide; `--together` makes them one run. Findings come run after run, in the order the
/// PATHs were given, and the summary has a line per run.
#[test]
fn each_path_is_its_own_run() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = format!("{CONFIG_MAP}data:\n  port: 80\n");
    write_files(tmp.path(), &[("b.yaml", &broken), ("a.yaml", CONFIG_MAP)]);
    let lint_in = |args: &[&str]| {
        let out = run(kforge().current_dir(tmp.path()).arg("lint").args(args));
        (out.code, common::stable(&out.stdout))
    };
    let (code, out) = lint_in(&["b.yaml", "a.yaml", "--quiet"]);
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            "error[schema/type]: data.port: expected a string, got integer 80\n   ,-[b.yaml:6:9]\n 5 | data:\n 6 |   port: 80\n   :         ^|\n   :          `-- this is an integer\n   `----\n  = help: quote it: \"80\"\n\n"
        )
    );
    let (code, out) = lint_in(&["a.yaml", "a.yaml"]);
    assert_eq!(
        (code, out.as_str()),
        (
            0,
            "a.yaml: 0 errors, 0 warnings in 1 object from 1 file\na.yaml: 0 errors, 0 warnings in 1 object from 1 file\n0 errors, 0 warnings in 2 objects from 2 files in [elapsed]\n"
        )
    );
    let (code, out) = lint_in(&["--together", "a.yaml", "a.yaml", "--quiet"]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("error[rules/duplicate-object]: ConfigMap \"settings\" in namespace \"default\" is defined twice\n"),
        "{out}"
    );
    let out = run(kforge()
        .current_dir(tmp.path())
        .args(["lint", "--format", "json", "b.yaml", "a.yaml"]));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["runs"],
        serde_json::json!([
            {"inputs": ["b.yaml"], "findings": 1, "summary": {"errors": 1, "warnings": 0, "infos": 0, "suppressed": 0, "objects": 1, "files": 1, "configurations": 1, "skipped": 0}},
            {"inputs": ["a.yaml"], "findings": 0, "summary": {"errors": 0, "warnings": 0, "infos": 0, "suppressed": 0, "objects": 1, "files": 1, "configurations": 1, "skipped": 0}},
        ])
    );
}

/// Class "inputs": a folder walk skips (and counts) YAML without Kubernetes objects, notes a
/// kustomization, honours `.gitignore` and `exclude:`; a file named explicitly is still checked.
#[test]
fn folder_walks_skip_what_is_not_manifests() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = "apiVersion: v1\nkind: [\n";
    write_files(
        tmp.path(),
        &[
            (".git/HEAD", "ref: refs/heads/main\n"),
            (".gitignore", "generated/\n"),
            (".kforge.yaml", "exclude: [vendor/]\n"),
            ("generated/out.yaml", broken),
            ("vendor/upstream.yaml", broken),
            ("app/settings.yaml", CONFIG_MAP),
            ("app/README.md", "# not YAML\n"),
            (
                ".github/workflows/ci.yml",
                "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
            ),
            ("charts-values.yaml", "replicaCount: 1\nimage:\n  kind: x\n"),
            (
                "overlays/prod/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../app]\n",
            ),
        ],
    );
    let out = run(kforge().current_dir(tmp.path()).args(["lint", "."]));
    assert_eq!(
        (out.code, common::stable(&out.stdout).as_str()),
        (
            0,
            "info[input/kustomization]: overlays/prod/kustomization.yaml is a kustomization: it is skipped, not checked as manifests\n   ,-[overlays/prod/kustomization.yaml:1:1]\n 1 | apiVersion: kustomize.config.k8s.io/v1beta1\n   : ^^^^^^^^^^^^^^^^^^^^^|^^^^^^^^^^^^^^^^^^^^^\n   :                      `-- kustomize builds the manifests from this\n 2 | kind: Kustomization\n   `----\n  = help: check what kustomize builds: kustomize build overlays/prod | kforge lint -\n\n0 errors, 0 warnings, 1 info in 1 object from 2 files (3 YAML files without Kubernetes objects skipped) in [elapsed]\n"
        )
    );
    // Named explicitly, a workflow and an ignored file are checked.
    for (path, rule) in [
        (".github/workflows/ci.yml", "object/missing-field"),
        ("generated/out.yaml", "yaml/syntax"),
    ] {
        let out = run(kforge()
            .current_dir(tmp.path())
            .args(["lint", "--quiet", path]));
        assert_eq!(out.code, 1, "{path}: {}", out.stdout);
        assert!(
            out.stdout.starts_with(&format!("error[{rule}]")),
            "{path}: {}",
            out.stdout
        );
    }
    // Without the ignore files, the walk finds the broken files.
    std::fs::remove_file(tmp.path().join(".gitignore")).unwrap();
    std::fs::write(tmp.path().join(".kforge.yaml"), "exclude: [\"vendor/[\"]\n").unwrap();
    let out = run(kforge().current_dir(tmp.path()).args(["lint", "."]));
    assert_eq!(out.code, 2);
    assert!(
        out.stdout.starts_with("error[config/invalid]: invalid exclude pattern \"vendor/[\": unclosed character class; missing ']'\n"),
        "{}",
        out.stdout
    );
    std::fs::remove_file(tmp.path().join(".kforge.yaml")).unwrap();
    let out = run(kforge()
        .current_dir(tmp.path())
        .args(["lint", ".", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(
        files,
        [
            "generated/out.yaml",
            "overlays/prod/kustomization.yaml",
            "vendor/upstream.yaml"
        ]
    );
}

/// Class "inputs": `helm template … | kforge lint -`. A `# Source:` section's lines are lines of
/// the template's rendered output, not of the template: machine formats name the template
/// without a line and say the rendered position in the message; people see standard input at
/// its own line.
#[test]
fn rendered_streams_never_claim_a_template_line() {
    let stream = "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n---\n# Source: web/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: ClusterIp\n  ports:\n    - port: 80\n";
    let message = "spec.type: Unsupported value: \"ClusterIp\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\" (at line 6, column 9 of the output rendered from web/templates/svc.yaml; line 14 of <stdin>)";
    let lint_as = |format: &str| {
        let out = run(kforge()
            .args(["lint", "-", "--format", format])
            .write_stdin(stream));
        assert_eq!(out.code, 1);
        out.stdout
    };
    let json: serde_json::Value = serde_json::from_str(&lint_as("json")).unwrap();
    let f = &json["findings"][0];
    assert_eq!(
        (&f["file"], &f["line"], &f["column"], &f["message"]),
        (
            &serde_json::json!("web/templates/svc.yaml"),
            &serde_json::Value::Null,
            &serde_json::Value::Null,
            &serde_json::json!(message)
        )
    );
    assert_eq!(
        lint_as("github"),
        format!(
            "::error file=web/templates/svc.yaml,title=schema/enum::{}%0Ahelp: did you mean \"ClusterIP\"?\n",
            message
        )
    );
    let sarif: serde_json::Value = serde_json::from_str(&lint_as("sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"],
        serde_json::json!({"artifactLocation": {"uri": "web/templates/svc.yaml", "uriBaseId": "%SRCROOT%"}})
    );
    let human = lint_as("human");
    assert!(
        human.starts_with(&format!(
            "error[schema/enum]: {message}\n    ,-[<stdin>:14:9]\n 13 | spec:\n 14 |   type: ClusterIp\n"
        )),
        "{human}"
    );
}

/// Class "one mistake, one finding": a Service that selects nothing because its Deployment's
/// template failed to render comes after the render error (though its file sorts first) and
/// says it may follow from it.
#[test]
fn findings_that_follow_a_failed_render_come_after_it_and_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    write_files(
        tmp.path(),
        &[
            (
                "web/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 1.0.0\n",
            ),
            ("web/values.yaml", "image: nginx:1.27\n"),
            (
                "web/templates/deployment.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: {{ .Values.image }}\n          env:\n            - name: HOST\n              value: {{ required \"set host\" .Values.host }}\n",
            ),
            (
                "web/templates/api-service.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
            ),
        ],
    );
    let out = run(kforge()
        .current_dir(tmp.path())
        .args(["lint", "web", "--format", "json"]));
    assert_eq!(out.code, 1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let findings: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                format!(
                    "{} {}",
                    f["rule"].as_str().unwrap(),
                    f["file"].as_str().unwrap()
                ),
                f["notes"]
                    .as_array()
                    .unwrap()
                    .last()
                    .unwrap_or(&serde_json::json!(""))
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [
            ("render/required web/templates/deployment.yaml".to_string(), String::new()),
            (
                "rules/service-selects-nothing web/templates/api-service.yaml".to_string(),
                "web/templates/deployment.yaml failed to render or parse (error above): objects it makes are missing from this run, which may be why".to_string()
            ),
        ]
    );
    // Once the template renders, the Service selects its pods: no finding but the fix's.
    let out = run(kforge().current_dir(tmp.path()).args([
        "lint",
        "web",
        "--set",
        "host=example.com",
        "--format",
        "json",
    ]));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["findings"], serde_json::json!([]), "{}", out.stdout);
}
