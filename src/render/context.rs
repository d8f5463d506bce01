//! The names a template sees: `values`, `release`, `chart`, `capabilities`, `files`, `template`.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use minijinja::{Error, ErrorKind, State};

use super::RenderOptions;
use crate::chart::Chart;
use crate::yaml::Node;

/// The top-level names every template and partial of a chart sees.
pub const NAMES: &[&str] = &[
    "values",
    "release",
    "chart",
    "capabilities",
    "files",
    "template",
];

/// The context of one chart (everything but `template`), and the same as JSON for did-you-mean.
pub struct ChartContext {
    pub base: Vec<(&'static str, Value)>,
    pub json: serde_json::Map<String, serde_json::Value>,
}

/// `log`: where the values' maps record their reads, and the chart's values path from the root.
pub fn chart_context(
    chart: &Chart,
    values: &Node,
    options: &RenderOptions,
    log: Option<(&Arc<super::reads::ReadLog>, &[String])>,
) -> ChartContext {
    let values_json = values.to_json();
    let release = serde_json::json!({
        "name": options.release_name,
        "namespace": options.namespace,
        "revision": options.revision,
        "is_install": !options.is_upgrade,
        "is_upgrade": options.is_upgrade,
        "service": "Helm",
    });
    let chart_json = chart_json(chart);
    let kv = options.kube_version;
    let kube_version = serde_json::json!({
        "version": format!("v{}.{}.{}", kv.major, kv.minor, kv.patch),
        "git_version": format!("v{}.{}.{}", kv.major, kv.minor, kv.patch),
        "major": kv.major.to_string(),
        "minor": kv.minor.to_string(),
    });
    let api = ApiVersions(options.api_versions.clone());
    let capabilities = Value::from_pairs([
        ("kube_version", to_value(&kube_version)),
        ("api_versions", Value::from_object(api)),
    ]);
    let files = Files::of_chart(chart);
    let mut json = serde_json::Map::new();
    json.insert("values".into(), values_json.clone());
    json.insert("release".into(), release.clone());
    json.insert("chart".into(), chart_json.clone());
    json.insert(
        "capabilities".into(),
        serde_json::json!({"kube_version": kube_version, "api_versions": options.api_versions}),
    );
    json.insert("files".into(), serde_json::json!({}));
    json.insert(
        "template".into(),
        serde_json::json!({"name": "", "base_path": ""}),
    );
    let base = vec![
        (
            "values",
            match log {
                Some((log, path)) => super::reads::tracked(&values_json, &mut path.to_vec(), log),
                None => to_value(&values_json),
            },
        ),
        ("release", to_value(&release)),
        ("chart", to_value(&chart_json)),
        ("capabilities", capabilities),
        ("files", Value::from_object(files)),
    ];
    ChartContext { base, json }
}

pub fn to_value(json: &serde_json::Value) -> Value {
    Value::from(minijinja::value::Serde(json))
}

/// Chart.yaml as written, plus snake_case aliases (`app_version` for `appVersion`) and defaults.
fn chart_json(chart: &Chart) -> serde_json::Value {
    let mut map = match chart.metadata.tree.to_json() {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    let keys: Vec<String> = map.keys().cloned().collect();
    for k in keys {
        let snake = snake_case(&k);
        if snake != k
            && !map.contains_key(&snake)
            && let Some(v) = map.get(&k).cloned()
        {
            map.insert(snake, v);
        }
    }
    let m = &chart.metadata;
    let mut set_default = |k: &str, v: serde_json::Value| {
        map.entry(k.to_string()).or_insert(v);
    };
    set_default("name", m.name.clone().into());
    set_default("version", m.version.clone().into());
    set_default("type", m.chart_type.clone().into());
    set_default("api_version", m.api_version.clone().into());
    if let Some(av) = &m.app_version {
        set_default("app_version", av.clone().into());
        set_default("appVersion", av.clone().into());
    }
    serde_json::Value::Object(map)
}

fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `capabilities.api_versions`: a list with a `has("apps/v1")` method (`"x" in ...` works too).
#[derive(Debug)]
pub struct ApiVersions(Vec<String>);

impl Object for ApiVersions {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_usize()?).map(|s| Value::from(s.as_str()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        match (method, args) {
            ("has", [v]) => Ok(Value::from(
                v.as_str().is_some_and(|v| self.0.iter().any(|a| a == v)),
            )),
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }
}

/// `files`: the chart's files outside `templates/` and `charts/` (Helm's `.Files`), by path
/// relative to the chart root. Paths with `..` or absolute paths are refused.
#[derive(Debug)]
pub struct Files(BTreeMap<String, Arc<[u8]>>);

impl Files {
    fn of_chart(chart: &Chart) -> Files {
        let files = chart
            .files
            .files
            .iter()
            .filter(|(p, _)| {
                !p.starts_with("templates/")
                    && !p.starts_with("charts/")
                    && !matches!(
                        p.as_str(),
                        "Chart.yaml"
                            | "Chart.lock"
                            | "values.yaml"
                            | "values.schema.json"
                            | "requirements.yaml"
                            | "requirements.lock"
                    )
            })
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect();
        Files(files)
    }

    fn text(&self, path: &str) -> Result<String, Error> {
        check_path(path)?;
        Ok(self
            .0
            .get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default())
    }

    fn glob(&self, pattern: &str) -> Result<Files, Error> {
        check_path(pattern)?;
        let matcher = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("files.glob: {e}")))?
            .compile_matcher();
        Ok(Files(
            self.0
                .iter()
                .filter(|(p, _)| matcher.is_match(p.as_str()))
                .map(|(p, b)| (p.clone(), b.clone()))
                .collect(),
        ))
    }

    fn base_name(path: &str) -> &str {
        path.rsplit('/').next().unwrap_or(path)
    }

    /// `name: content` per file, as YAML (Helm's `AsConfig`).
    fn as_config(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(p, b)| {
                (
                    Self::base_name(p).to_string(),
                    String::from_utf8_lossy(b).into_owned().into(),
                )
            })
            .collect();
        let text = crate::yaml::emit(&serde_json::Value::Object(map));
        if self.0.is_empty() {
            String::new()
        } else {
            text.trim_end_matches('\n').to_string()
        }
    }

    /// `name: base64(content)` per file, as YAML (Helm's `AsSecrets`).
    fn as_secrets(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .0
            .iter()
            .map(|(p, b)| {
                (
                    Self::base_name(p).to_string(),
                    base64::engine::general_purpose::STANDARD.encode(b).into(),
                )
            })
            .collect();
        let text = crate::yaml::emit(&serde_json::Value::Object(map));
        if self.0.is_empty() {
            String::new()
        } else {
            text.trim_end_matches('\n').to_string()
        }
    }
}

fn check_path(path: &str) -> Result<(), Error> {
    let absolute = path.starts_with('/') || path.starts_with('\\') || path.get(1..2) == Some(":");
    if absolute || path.split(['/', '\\']).any(|seg| seg == "..") {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "files: `{path}` is outside the chart (only relative paths without `..` are allowed)"
            ),
        ));
    }
    Ok(())
}

fn one_string(method: &str, args: &[Value]) -> Result<String, Error> {
    match args {
        [v] => v.as_str().map(str::to_string).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("files.{method}: expected a path string"),
            )
        }),
        _ => Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("files.{method}: expected one argument"),
        )),
    }
}

impl Object for Files {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let k = key.as_str()?;
        self.0
            .get(k)
            .map(|b| Value::from(String::from_utf8_lossy(b).into_owned()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.keys().map(|k| Value::from(k.as_str())).collect())
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        args: &[Value],
    ) -> Result<Value, Error> {
        match method {
            "get" => Ok(Value::from(self.text(&one_string(method, args)?)?)),
            "get_bytes" => {
                let path = one_string(method, args)?;
                check_path(&path)?;
                Ok(Value::from_bytes(
                    self.0.get(&path).map(|b| b.to_vec()).unwrap_or_default(),
                ))
            }
            "lines" => {
                let text = self.text(&one_string(method, args)?)?;
                Ok(Value::from(
                    text.lines()
                        .map(|l| Value::from(l.to_string()))
                        .collect::<Vec<_>>(),
                ))
            }
            "glob" => Ok(Value::from_object(self.glob(&one_string(method, args)?)?)),
            "as_config" => Ok(Value::from(self.as_config())),
            "as_secrets" => Ok(Value::from(self.as_secrets())),
            _ => Err(Error::from(ErrorKind::UnknownMethod)),
        }
    }
}
