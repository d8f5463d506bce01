//! Workloads shared by the criterion benches (`benches/pipeline.rs`) and `scripts/bench`: the
//! shared corpora and a large generated chart. Not part of the pipeline.

use std::path::{Path, PathBuf};

/// `../shared` beside the repository, when present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.is_dir().then_some(dir)
}

/// Writes a chart with `templates` templates, each rendering `objects_per_template` objects
/// (Deployment + Service pairs and ConfigMaps that reference each other correctly), so that a
/// clean lint of it exercises every stage. Returns the chart directory.
pub fn write_large_chart(
    root: &Path,
    templates: usize,
    objects_per_template: usize,
) -> std::io::Result<PathBuf> {
    let chart = root.join("large");
    std::fs::create_dir_all(chart.join("templates"))?;
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: large\nversion: 1.0.0\nappVersion: \"1.0\"\n",
    )?;
    std::fs::write(
        chart.join("values.yaml"),
        "image:\n  repository: nginx\n  tag: \"1.27\"\nreplicas: 2\nport: 8080\n",
    )?;
    for t in 0..templates {
        let mut text = String::new();
        // Exactly `objects_per_template` objects: ConfigMap, Deployment, Service, ConfigMap, ...
        for i in 0..objects_per_template {
            let name = format!("app-{t}-{}", i / 3);
            let object = match i % 3 {
                0 => format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\n    release: {{{{ release.name }}}}\ndata:\n  LOG_LEVEL: info\n  PORT: \"{{{{ values.port }}}}\"\n"
                ),
                1 => format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\nspec:\n  replicas: {{{{ values.replicas }}}}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n        - name: web\n          image: \"{{{{ values.image.repository }}}}:{{{{ values.image.tag }}}}\"\n          ports:\n            - name: http\n              containerPort: {{{{ values.port }}}}\n          envFrom:\n            - configMapRef:\n                name: {name}\n          resources:\n            requests:\n              cpu: 10m\n              memory: 16Mi\n"
                ),
                _ => format!(
                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n"
                ),
            };
            text.push_str("---\n");
            text.push_str(&object);
        }
        std::fs::write(
            chart.join("templates").join(format!("app-{t:03}.yaml")),
            text,
        )?;
    }
    Ok(chart)
}

/// A chart with one template holding one Deployment: the start-up cost case.
pub fn write_one_file_chart(root: &Path) -> std::io::Result<PathBuf> {
    write_large_chart(&root.join("one"), 1, 3)
}

/// Every `.yaml`/`.yml` file under `dir`, sorted: how the corpora are walked.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
        .collect();
    files.sort();
    files
}
