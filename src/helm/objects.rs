//! Helm's built-in objects as Go values: `.Release`, `.Chart`, `.Capabilities`, `.Files`,
//! `.Template` (pkg/engine/engine.go `recAllTpls`, pkg/chart/common). Shapes follow Helm v4:
//! `.Chart` is a map of chart.Metadata's Go field names plus `IsRoot`, `.Release` and `.Template`
//! are maps, `.Capabilities` is a `*common.Capabilities` and `.Files` Helm's `files` map type
//! with its methods.

use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use base64::Engine as _;
use kforge_gotpl::Value;
use kforge_gotpl::value::Object;

use super::glob::Glob;
use crate::chart::Chart;
use crate::version::KubeVersion;
use crate::yaml::Node;

/// What Helm v4.2 reports as its build (`.Capabilities.HelmVersion`).
const HELM_VERSION: &str = "v4.2";
const HELM_GO_VERSION: &str = "go1.26.6";
const HELM_KUBE_CLIENT_VERSION: &str = "v1.36";

fn map(entries: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// `.Release` for `helm template` / install: revision 1, not an upgrade.
pub fn release(name: &str, namespace: &str, revision: u32, is_upgrade: bool) -> Value {
    map([
        ("Name", Value::str(name)),
        ("Namespace", Value::str(namespace)),
        ("IsInstall", Value::Bool(!is_upgrade)),
        ("IsUpgrade", Value::Bool(is_upgrade)),
        ("Revision", Value::Int(i64::from(revision))),
        ("Service", Value::str("Helm")),
    ])
}

/// `.Template`.
pub fn template(name: &str, base_path: &str) -> Value {
    map([
        ("Name", Value::str(name)),
        ("BasePath", Value::str(base_path)),
    ])
}

/// `.Chart`: Helm's `structToMap(chart.Metadata)` (every field, by Go name, empty when absent)
/// plus `IsRoot`. `chart` holds only the subcharts that take part in the render.
pub fn chart(chart: &Chart, is_root: bool) -> Value {
    let metadata = &chart.metadata;
    let tree = &metadata.tree;
    let text = |key: &str| {
        Value::string(
            tree.get(key)
                .and_then(Node::scalar_text)
                .unwrap_or_default(),
        )
    };
    let strings = |node: Option<&Node>| {
        Value::list(
            node.and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .map(|n| Value::string(n.scalar_text().unwrap_or_default()))
                .collect(),
        )
    };
    let maintainers = tree
        .get("maintainers")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .map(|m| {
            let field =
                |k: &str| Value::string(m.get(k).and_then(Node::scalar_text).unwrap_or_default());
            map([
                ("Name", field("name")),
                ("Email", field("email")),
                ("URL", field("url")),
            ])
        })
        .collect();
    // As Helm's `ProcessDependencies` leaves them: disabled dependencies dropped, the rest
    // enabled and named by their alias, `import-values` in their `{child, parent}` form.
    let dependencies = chart
        .metadata
        .dependencies()
        .iter()
        .filter(|d| chart.subcharts.iter().any(|s| s.metadata.name == d.key()))
        .map(|d| {
            let imports = d
                .import_values
                .iter()
                .map(|iv| {
                    map([
                        ("child", Value::str(&iv.child)),
                        ("parent", Value::str(&iv.parent)),
                    ])
                })
                .collect();
            map([
                ("Name", Value::str(d.key())),
                ("Version", Value::str(&d.version)),
                ("Repository", Value::str(&d.repository)),
                ("Condition", Value::str(&d.condition)),
                (
                    "Tags",
                    Value::list(d.tags.iter().map(|t| Value::str(t)).collect()),
                ),
                ("Enabled", Value::Bool(true)),
                ("ImportValues", Value::list(imports)),
                ("Alias", Value::str(d.alias.as_deref().unwrap_or_default())),
            ])
        })
        .collect();
    let annotations = match tree.get("annotations").and_then(Node::as_map) {
        Some(entries) => Value::map(
            entries
                .iter()
                .filter_map(|(k, v)| {
                    Some((
                        k.scalar_text()?,
                        Value::string(v.scalar_text().unwrap_or_default()),
                    ))
                })
                .collect(),
        ),
        None => Value::empty_map(),
    };
    map([
        ("Name", Value::str(&metadata.name)),
        ("Home", text("home")),
        ("Sources", strings(tree.get("sources"))),
        ("Version", text("version")),
        ("Description", text("description")),
        ("Keywords", strings(tree.get("keywords"))),
        ("Maintainers", Value::list(maintainers)),
        ("Icon", text("icon")),
        ("APIVersion", text("apiVersion")),
        ("Condition", text("condition")),
        ("Tags", text("tags")),
        ("AppVersion", text("appVersion")),
        (
            "Deprecated",
            Value::Bool(
                tree.get("deprecated")
                    .and_then(Node::as_bool)
                    .unwrap_or(false),
            ),
        ),
        ("Annotations", annotations),
        ("KubeVersion", text("kubeVersion")),
        ("Dependencies", Value::list(dependencies)),
        ("Type", text("type")),
        ("IsRoot", Value::Bool(is_root)),
    ])
}

/// `*common.Capabilities`.
#[derive(Debug)]
pub struct Capabilities {
    kube: Rc<KubeVersionObject>,
    api_versions: Rc<VersionSet>,
}

impl Capabilities {
    pub fn value(kube_version: KubeVersion, api_versions: Vec<String>) -> Value {
        Value::Object(Rc::new(Capabilities {
            kube: Rc::new(KubeVersionObject::new(kube_version)),
            api_versions: Rc::new(VersionSet(api_versions)),
        }))
    }
}

fn helm_version_struct() -> String {
    format!("{{{HELM_VERSION}   {HELM_GO_VERSION} {HELM_KUBE_CLIENT_VERSION}}}")
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Object(self.kube.clone())),
            "APIVersions" => Some(Value::Object(self.api_versions.clone())),
            "HelmVersion" => Some(Value::Object(Rc::new(HelmVersion))),
            _ => None,
        }
    }

    fn call(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    fn has_method(&self, _name: &str) -> bool {
        false
    }

    fn go_string(&self) -> String {
        // fmt prints the struct behind the pointer without calling the fields' String methods
        // (they have pointer receivers): `&{{v1.36.0 v1.36.0 1 36} [v1 …] {v4.2   go… v1.36}}`.
        format!(
            "&{{{} {} {}}}",
            self.kube.go_string(),
            self.api_versions.go_string(),
            helm_version_struct()
        )
    }

    fn to_json(&self) -> Value {
        map([
            ("KubeVersion", self.kube.to_json()),
            ("APIVersions", self.api_versions.to_json()),
            ("HelmVersion", HelmVersion.to_json()),
        ])
    }
}

/// `common.KubeVersion`: `Version`, `Major`, `Minor`, `GitVersion`; prints as its version.
#[derive(Debug)]
pub struct KubeVersionObject {
    version: String,
    major: String,
    minor: String,
}

impl KubeVersionObject {
    fn new(v: KubeVersion) -> KubeVersionObject {
        KubeVersionObject {
            version: format!("v{}.{}.{}", v.major, v.minor, v.patch),
            major: v.major.to_string(),
            minor: v.minor.to_string(),
        }
    }
}

impl Object for KubeVersionObject {
    fn type_name(&self) -> &str {
        "*common.KubeVersion"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" | "GitVersion" | "String" => Some(Value::str(&self.version)),
            "Major" => Some(Value::str(&self.major)),
            "Minor" => Some(Value::str(&self.minor)),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "GitVersion" | "String" => {
                Some(no_args(name, args).map(|()| Value::str(&self.version)))
            }
            _ => None,
        }
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(name, "GitVersion" | "String")
    }

    fn go_string(&self) -> String {
        // The struct: Version, the unexported normalized version (the same for the versions
        // kforge accepts), Major, Minor.
        format!(
            "{{{} {} {} {}}}",
            self.version, self.version, self.major, self.minor
        )
    }

    fn addressable_string(&self) -> Option<String> {
        Some(self.version.clone())
    }

    fn to_json(&self) -> Value {
        map([
            ("Version", Value::str(&self.version)),
            ("Major", Value::str(&self.major)),
            ("Minor", Value::str(&self.minor)),
        ])
    }
}

/// `common.VersionSet`: a list of `group/version` (and `group/version/Kind`) with `Has`.
#[derive(Debug)]
pub struct VersionSet(Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        (name == "Has").then(|| {
            let wanted = one_string(name, args)?;
            Ok(Value::Bool(self.0.iter().any(|v| v == wanted)))
        })
    }

    fn has_method(&self, name: &str) -> bool {
        name == "Has"
    }

    fn go_string(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }

    fn elements(&self) -> Option<Vec<Value>> {
        Some(self.0.iter().map(|v| Value::str(v)).collect())
    }

    fn kind_name(&self) -> &'static str {
        "slice"
    }

    fn to_json(&self) -> Value {
        Value::str_list(self.0.clone())
    }
}

/// `version.BuildInfo`.
#[derive(Debug)]
pub struct HelmVersion;

impl Object for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(Value::str(HELM_VERSION)),
            "GitCommit" | "GitTreeState" => Some(Value::str("")),
            "GoVersion" => Some(Value::str(HELM_GO_VERSION)),
            "KubeClientVersion" => Some(Value::str(HELM_KUBE_CLIENT_VERSION)),
            _ => None,
        }
    }

    fn call(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    fn has_method(&self, _name: &str) -> bool {
        false
    }

    fn go_string(&self) -> String {
        helm_version_struct()
    }

    fn to_json(&self) -> Value {
        map([
            ("version", Value::str(HELM_VERSION)),
            ("go_version", Value::str(HELM_GO_VERSION)),
            ("kube_client_version", Value::str(HELM_KUBE_CLIENT_VERSION)),
        ])
    }
}

/// Helm's `files` (`map[string][]byte` with methods): the chart's files other than templates,
/// charts, values and Chart.yaml, `.helmignore` applied.
pub struct Files {
    files: BTreeMap<String, Arc<[u8]>>,
    /// [`Object::go_string`], made once: bitnami's helpers print the root dot (a `dict` key)
    /// several times per render, and a chart's `crds/` are files too (2.8 MB printed as
    /// decimal bytes 12 times was 90% of envoy-gateway's render).
    /// Shared with the printer ([`Object::shared_go_string`]): printing the root copies it
    /// once, into the printed string.
    printed: std::cell::OnceCell<Rc<String>>,
}

impl fmt::Debug for Files {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.files.keys()).finish()
    }
}

impl Files {
    pub fn value(files: BTreeMap<String, Arc<[u8]>>) -> Value {
        Value::Object(Rc::new(Files {
            files,
            printed: std::cell::OnceCell::new(),
        }))
    }

    fn printed(&self) -> &Rc<String> {
        self.printed
            .get_or_init(|| Rc::new(print_files(&self.files)))
    }

    fn get_bytes(&self, name: &str) -> &[u8] {
        self.files.get(name).map_or(&[], |b| b)
    }

    fn glob(&self, pattern: &str) -> Value {
        let g = Glob::new(pattern);
        Files::value(
            self.files
                .iter()
                .filter(|(name, _)| g.matches(name))
                .map(|(n, b)| (n.clone(), b.clone()))
                .collect(),
        )
    }

    fn lines(&self, name: &str) -> Value {
        let bytes = self.get_bytes(name);
        if bytes.is_empty() {
            return Value::str_list(Vec::new());
        }
        let text = String::from_utf8_lossy(bytes);
        let text = text.strip_suffix('\n').unwrap_or(&text);
        Value::str_list(text.split('\n').map(str::to_string).collect())
    }

    /// `AsConfig` / `AsSecrets`: file base names (a later path with the same base name wins, as
    /// Go's map assignment in key order) to contents, as Helm's `toYAML`.
    fn as_yaml(&self, encode: impl Fn(&[u8]) -> String) -> Value {
        let mut by_base = BTreeMap::new();
        for (name, bytes) in &self.files {
            let base = name.rsplit('/').next().unwrap_or(name);
            by_base.insert(base.to_string(), Value::string(encode(bytes)));
        }
        Value::string(super::encode::to_yaml(&Value::map(by_base)))
    }
}

/// Each byte in decimal followed by a space: the text's 4 bytes (little-endian; the tail past
/// the space is written over by the next word) in the low half, its length in the high half.
/// One load gives both, so the next store's position waits for a single load.
#[allow(clippy::indexing_slicing)] // built at compile time, `b < 256`
const BYTE_WORDS: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let (h, t, u) = ((b / 100) as u64, (b / 10 % 10) as u64, (b % 10) as u64);
        let (zero, space) = (b'0' as u64, b' ' as u64);
        table[b] = if b >= 100 {
            (zero + h) | (zero + t) << 8 | (zero + u) << 16 | space << 24 | 4 << 32
        } else if b >= 10 {
            (zero + t) | (zero + u) << 8 | space << 16 | 3 << 32
        } else {
            (zero + u) | space << 8 | 2 << 32
        };
        b += 1;
    }
    table
};

/// Go's `%v` of a `map[string][]byte`: `map[a.txt:[104 105] b:[]]`.
fn print_files(files: &BTreeMap<String, Arc<[u8]>>) -> String {
    let size: usize = files.iter().map(|(n, b)| n.len() + 4 * b.len() + 4).sum();
    let mut out = String::with_capacity(size + 5);
    out.push_str("map[");
    for (i, (name, bytes)) in files.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(name);
        out.push_str(":[");
        push_decimal_bytes(&mut out, bytes);
        out.push(']');
    }
    out.push(']');
    out
}

/// Appends `bytes` as Go prints a `[]byte`'s elements: decimals separated by spaces. A
/// chart's files can be megabytes (envoy-gateway's CRDs), printed when a template prints the
/// root: each byte is one table load and one 4-byte store into a stack buffer whose bound the
/// compiler knows, copied out a chunk at a time (growing the vector byte by byte cost four
/// times as much). Each chunk is checked as UTF-8 (it is ASCII) while it is in the cache:
/// checking the whole printed form at the end read megabytes back from memory (envoy-gateway's
/// 2.9 MB of CRDs: 1.9 ms to print and check per chunk, 2.4-3.1 ms before).
fn push_decimal_bytes(out: &mut String, bytes: &[u8]) {
    const CHUNK: usize = 1024;
    let mut tmp = [0u8; 4 * CHUNK + 4];
    for chunk in bytes.chunks(CHUNK) {
        let mut pos = 0;
        for &b in chunk {
            let entry = BYTE_WORDS.get(usize::from(b)).copied().unwrap_or_default();
            // An array store, never a call to `memcpy` (which `copy_from_slice` of a slice
            // became in some builds).
            if pos <= 4 * CHUNK
                && let Some(dst) = tmp.get_mut(pos..).and_then(|s| s.first_chunk_mut::<4>())
            {
                *dst = (entry as u32).to_le_bytes();
            }
            pos += (entry >> 32) as usize;
        }
        let text = tmp.get(..pos).unwrap_or_default();
        out.push_str(std::str::from_utf8(text).unwrap_or_default());
    }
    // Without the last byte's space.
    if !bytes.is_empty() {
        out.pop();
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "AsConfig" => Some(self.as_yaml(|b| String::from_utf8_lossy(b).into_owned())),
            "AsSecrets" => {
                Some(self.as_yaml(|b| base64::engine::general_purpose::STANDARD.encode(b)))
            }
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        Some(match name {
            "Get" => one_string(name, args)
                .map(|n| Value::string(String::from_utf8_lossy(self.get_bytes(n)).into_owned())),
            "GetBytes" => one_string(name, args).map(|n| Value::Bytes(Rc::from(self.get_bytes(n)))),
            "Glob" => one_string(name, args).map(|p| self.glob(p)),
            "Lines" => one_string(name, args).map(|n| self.lines(n)),
            "AsConfig" | "AsSecrets" => no_args(name, args)
                .and_then(|()| self.field(name).ok_or_else(|| format!("no method {name}"))),
            _ => return None,
        })
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Get" | "GetBytes" | "Glob" | "Lines" | "AsConfig" | "AsSecrets"
        )
    }

    fn go_string(&self) -> String {
        self.printed().to_string()
    }

    fn with_go_string(&self, f: &mut dyn FnMut(&str)) {
        f(self.printed());
    }

    fn shared_go_string(&self) -> Option<Rc<String>> {
        Some(Rc::clone(self.printed()))
    }

    fn to_json(&self) -> Value {
        Value::map(
            self.files
                .iter()
                .map(|(n, b)| {
                    (
                        n.clone(),
                        Value::string(base64::engine::general_purpose::STANDARD.encode(b)),
                    )
                })
                .collect(),
        )
    }

    fn entries(&self) -> Option<BTreeMap<String, Value>> {
        Some(
            self.files
                .iter()
                .map(|(n, b)| (n.clone(), Value::Bytes(Rc::from(&b[..]))))
                .collect(),
        )
    }

    fn kind_name(&self) -> &'static str {
        "map"
    }
}

/// Go's message when a method gets the wrong number of arguments.
fn arg_count(name: &str, want: usize, got: usize) -> String {
    format!("wrong number of args for {name}: want {want} got {got}")
}

fn no_args(name: &str, args: &[Value]) -> Result<(), String> {
    if args.is_empty() {
        Ok(())
    } else {
        Err(arg_count(name, 0, args.len()))
    }
}

fn one_string<'a>(name: &str, args: &'a [Value]) -> Result<&'a str, String> {
    match args {
        [Value::Str(s)] => Ok(s),
        [other] => Err(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        )),
        _ => Err(arg_count(name, 1, args.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> Value {
        Files::value(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), Arc::from(v.as_bytes())))
                .collect(),
        )
    }

    fn obj(v: &Value) -> &dyn Object {
        match v {
            Value::Object(o) => o.as_ref(),
            _ => panic!("not an object: {v:?}"),
        }
    }

    #[test]
    fn capabilities_print_as_helm_prints_them() {
        let caps = Capabilities::value(
            KubeVersion::parse("1.36").unwrap(),
            vec!["v1".into(), "apps/v1".into()],
        );
        // Observed with Helm v4.2.3: `{{ .Capabilities | toString }}`.
        assert_eq!(
            obj(&caps).go_string(),
            "&{{v1.36.0 v1.36.0 1 36} [v1 apps/v1] {v4.2   go1.26.6 v1.36}}"
        );
        let kube = obj(&caps).field("KubeVersion").unwrap();
        // `{{ .Capabilities.KubeVersion }}` calls String(); `quote` of it prints the struct.
        assert_eq!(obj(&kube).addressable_string().unwrap(), "v1.36.0");
        assert_eq!(obj(&kube).go_string(), "{v1.36.0 v1.36.0 1 36}");
        assert_eq!(
            format!("{:?}", obj(&kube).field("Minor").unwrap()),
            "\"36\""
        );
        let apis = obj(&caps).field("APIVersions").unwrap();
        let has = |s: &str| {
            format!(
                "{:?}",
                obj(&apis).call("Has", &[Value::str(s)]).unwrap().unwrap()
            )
        };
        assert_eq!(has("apps/v1"), "true");
        assert_eq!(has("batch/v1"), "false");
        assert_eq!(
            obj(&apis).call("Has", &[]).unwrap().unwrap_err(),
            "wrong number of args for Has: want 1 got 0"
        );
    }

    #[test]
    fn files_get_glob_lines_and_truth() {
        let f = files(&[
            ("foo.txt", "x: 1\n"),
            ("files/a.conf", "a\nb\n"),
            ("files/b.sh", ""),
        ]);
        // Observed with Helm v4.2.3: `{{ .Files }}`.
        assert!(files(&[("foo.txt", "x: 1\n")]).truthy());
        assert_eq!(
            obj(&files(&[("foo.txt", "x: 1\n")])).go_string(),
            "map[foo.txt:[120 58 32 49 10]]"
        );
        // Every width of byte, an empty file, twice (the second print is the first one's copy).
        let mut tree = BTreeMap::new();
        tree.insert("b".to_string(), Arc::from(&[0u8, 9, 10, 99, 100, 255][..]));
        tree.insert("c/d".to_string(), Arc::from(&[][..]));
        let printed = Files::value(tree);
        for _ in 0..2 {
            assert_eq!(
                obj(&printed).go_string(),
                "map[b:[0 9 10 99 100 255] c/d:[]]"
            );
        }
        // Files longer than a print chunk (1024 bytes), ending on and off its boundary.
        for len in [1023, 1024, 1025, 2048, 3000] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
            let want = bytes
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(" ");
            let mut tree = BTreeMap::new();
            tree.insert("big".to_string(), Arc::from(&bytes[..]));
            tree.insert("z".to_string(), Arc::from(&[1u8][..]));
            assert_eq!(
                obj(&Files::value(tree)).go_string(),
                format!("map[big:[{want}] z:[1]]")
            );
        }
        let call = |name: &str, arg: &str| obj(&f).call(name, &[Value::str(arg)]).unwrap().unwrap();
        assert_eq!(format!("{:?}", call("Get", "foo.txt")), "\"x: 1\\n\"");
        assert_eq!(format!("{:?}", call("Get", "missing")), "\"\"");
        assert_eq!(
            format!("{:?}", call("Lines", "files/a.conf")),
            "[\"a\", \"b\"]"
        );
        assert_eq!(format!("{:?}", call("Lines", "files/b.sh")), "[]");
        let conf = call("Glob", "files/*.{conf,sh}");
        let names: Vec<String> = obj(&conf).entries().unwrap().into_keys().collect();
        assert_eq!(names, ["files/a.conf", "files/b.sh"]);
        // An empty match is false in `if`, as an empty Go map is.
        assert!(!call("Glob", "nothing/*").truthy());
        assert!(conf.truthy());
        assert_eq!(
            obj(&f).call("Get", &[Value::Int(1)]).unwrap().unwrap_err(),
            "wrong type for value; expected string; got int"
        );
    }

    #[test]
    fn chart_has_go_field_names_and_is_root() {
        let mut sources = crate::source::SourceMap::new();
        let tree = crate::chart::FileTree {
            files: [(
                "Chart.yaml".to_string(),
                Arc::from(&b"apiVersion: v2\nname: t\nversion: 1.0.0\nappVersion: \"2.1\"\nannotations:\n  a: b\nmaintainers:\n  - name: me\n"[..]),
            )]
            .into_iter()
            .collect(),
        };
        let (loaded, _) = crate::chart::load_tree(tree, "t", &mut sources);
        let v = chart(&loaded.unwrap(), true);
        let Value::Map(m) = v else { panic!() };
        let m = m.borrow();
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "APIVersion",
                "Annotations",
                "AppVersion",
                "Condition",
                "Dependencies",
                "Deprecated",
                "Description",
                "Home",
                "Icon",
                "IsRoot",
                "Keywords",
                "KubeVersion",
                "Maintainers",
                "Name",
                "Sources",
                "Tags",
                "Type",
                "Version"
            ]
        );
        assert_eq!(format!("{:?}", m["AppVersion"]), "\"2.1\"");
        assert_eq!(format!("{:?}", m["Annotations"]), "{\"a\": \"b\"}");
        assert_eq!(
            format!("{:?}", m["Maintainers"]),
            "[{\"Email\": \"\", \"Name\": \"me\", \"URL\": \"\"}]"
        );
        assert_eq!(format!("{:?}", m["IsRoot"]), "true");
    }
}
