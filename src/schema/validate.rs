//! The interpreter: walks an object's value tree beside its schema, with Kubernetes semantics
//! (null is absent, int-or-string, quantities, keyed lists), and reports at the exact key or value.

use std::borrow::Cow;

use base64::Engine;

use super::model::{self, Additional, Format, Schema};
use super::quantity;
use super::store::VersionSchemas;
use crate::catalog::schema::*;
use crate::diag::{Diagnostic, ObjectRef, Severity, did_you_mean};
use crate::source::{SourceMap, Span};
use crate::yaml::{Node, ScalarStyle, Value};

/// Deeper values than this are not walked (the YAML loader bounds depth too).
const MAX_DEPTH: usize = 128;

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

pub struct Walker<'a> {
    /// Definitions `$ref`s resolve against (CRD schemas have none, but their metadata is
    /// ObjectMeta).
    pub defs: Option<&'a VersionSchemas>,
    pub sources: &'a SourceMap,
    pub object: ObjectRef,
    /// The root of a custom resource: apiVersion, kind and metadata are implicit.
    pub custom_root: bool,
    /// Validating a custom resource: the API server enforces every keyed list of its schema.
    pub custom: bool,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Walker<'a> {
    /// Follows `$ref`s; also returns the definition reached (for messages).
    fn resolve<'s>(&self, mut schema: &'s Schema) -> (Option<u32>, &'s Schema)
    where
        'a: 's,
    {
        let mut def = None;
        for _ in 0..8 {
            match (schema.reference, self.defs) {
                (Some(r), Some(defs)) => {
                    def = Some(r);
                    schema = defs.def(r);
                }
                _ => break,
            }
        }
        (def, schema)
    }

    pub(super) fn report(&mut self, d: Diagnostic) {
        self.diags.push(d.with_object(self.object.clone()));
    }

    /// Validates `node` (the value of `path`) against `schema`; `parent` is the span of the key
    /// holding it (where `Required value` points).
    pub fn walk<'n>(
        &mut self,
        schema: &'a Schema,
        node: &'n Node,
        path: &mut Path<'n>,
        parent: Span,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let (def, s) = self.resolve(schema);
        // Kubernetes decodes null as the field's zero value: the same as leaving it out.
        if node.is_null() {
            return;
        }
        if s.int_or_string {
            if !matches!(node.value, Value::Int(_) | Value::Str(_)) && !is_integral(node) {
                self.type_error(node, path, "an integer or a string");
            } else if let Some(c) = &s.constraints {
                self.check_constraints(c, node, path);
            }
            return;
        }
        if s.quantity {
            self.check_quantity(node, path);
            return;
        }
        if s.types != 0 && !type_matches(s.types, node) {
            self.type_error(node, path, &article_types(s.types));
            return;
        }
        if !s.enumeration.is_empty() {
            self.check_enum(s, node, path);
        }
        if let Some(c) = &s.constraints {
            self.check_constraints(c, node, path);
        }
        match s.format {
            Format::Byte => self.check_base64(node, path),
            Format::Int32 => self.check_range(
                node,
                path,
                i64::from(i32::MIN),
                i64::from(i32::MAX),
                "int32",
            ),
            Format::Int64 | Format::None => {}
        }
        match &node.value {
            Value::Map(entries) => self.walk_map((def, s), node, entries, path, parent, depth),
            Value::Seq(items) => {
                if let Some(item_schema) = &s.items {
                    for (i, item) in items.iter().enumerate() {
                        path.segments.push(Segment::Index(i));
                        self.walk(item_schema, item, path, item.site(), depth + 1);
                        path.segments.pop();
                    }
                }
                if !s.list_map_keys.is_empty() {
                    self.check_list_keys(s, items, path);
                }
            }
            _ => {}
        }
    }

    /// `(def, s)`: the schema as [`Self::resolve`] gives it, with the definition it was reached
    /// through (named in unknown-field labels).
    fn walk_map<'n>(
        &mut self,
        (def, s): (Option<u32>, &'a Schema),
        node: &'n Node,
        entries: &'n [(Node, Node)],
        path: &mut Path<'n>,
        parent: Span,
        depth: usize,
    ) {
        let custom_root = std::mem::take(&mut self.custom_root);
        // Custom resources and embedded objects: apiVersion, kind and metadata are implicit.
        let typed_object = custom_root || s.embedded_resource;
        for (key_node, value) in entries {
            // Non-string keys (`80:`, `on:`) become strings as sigs.k8s.io/yaml would make them.
            let key: Cow<'n, str> = match key_node.as_str() {
                Some(k) => Cow::Borrowed(k),
                None => match key_node.scalar_text() {
                    Some(k) => Cow::Owned(k),
                    None => continue,
                },
            };
            path.segments.push(Segment::Key(key.clone()));
            if typed_object && key == "metadata" {
                // Custom resources and embedded objects get the built-in ObjectMeta whatever
                // their schema says (controller-gen writes `metadata: {type: object}`); of the
                // schema, the API server honours only the constraints on name and generateName.
                if let Some(defs) = self.defs
                    && let Some(meta) = defs.index_of(OBJECT_META)
                {
                    self.walk(defs.def(meta), value, path, key_node.site(), depth + 1);
                }
                if let Some(declared) = s.property("metadata") {
                    self.check_name_constraints(declared, value, path);
                }
            } else if let Some(sub) = s.property(&key) {
                self.walk(sub, value, path, key_node.site(), depth + 1);
            } else if typed_object && matches!(&*key, "apiVersion" | "kind") {
                // Type metadata of a custom resource or an embedded object: checked elsewhere.
            } else {
                match &s.additional {
                    Additional::Schema(sub) => {
                        self.walk(sub, value, path, key_node.site(), depth + 1)
                    }
                    Additional::Forbidden if !s.preserve_unknown => {
                        self.unknown_field(s, def, key_node, &key, &path.to_string())
                    }
                    _ => {}
                }
            }
            path.segments.pop();
        }
        for req in &s.required {
            let present = node.get(req).is_some_and(|v| !v.is_null());
            if !present {
                let field = if path.is_empty() {
                    req.clone()
                } else {
                    format!("{path}.{req}")
                };
                let holder = if path.is_empty() {
                    "the object".to_string()
                } else {
                    format!("`{}`", path.last_segment())
                };
                self.report(
                    Diagnostic::new(&REQUIRED, format!("{field}: Required value"))
                        .at(parent, format!("{holder} needs `{req}`")),
                );
            }
        }
    }

    fn unknown_field(
        &mut self,
        s: &Schema,
        def: Option<u32>,
        key_node: &Node,
        key: &str,
        path: &str,
    ) {
        let type_name = def
            .zip(self.defs)
            .map(|(d, defs)| defs.name(d).rsplit('.').next().unwrap_or("").to_string())
            .filter(|n| !n.is_empty());
        let label = match type_name {
            Some(t) => format!("not a field of {t}"),
            None => "not a field of this object".to_string(),
        };
        let mut d = Diagnostic::new(&UNKNOWN_FIELD, format!("unknown field \"{path}\""))
            .at(key_node.site(), label);
        if let Some(best) = did_you_mean(key, s.property_names()) {
            d = d.with_help(format!("did you mean `{best}`?"));
        } else if s.properties.is_empty() {
            d = d.with_help("this object takes no fields here");
        } else {
            let mut names: Vec<&str> = s.property_names().collect();
            names.truncate(12);
            d = d.with_help(format!("known fields: {}", names.join(", ")));
        }
        self.report(d);
    }

    fn type_error(&mut self, node: &Node, path: &Path, wanted: &str) {
        let raw = self.sources.slice(node.span);
        let shown = if raw.is_empty() {
            node.scalar_text().unwrap_or_default()
        } else {
            raw.to_string()
        };
        // A whole map or list would make an unreadable message: its first line is enough.
        let shown = match shown.lines().next() {
            Some(first) if first.len() < shown.len() || first.chars().count() > 40 => {
                format!("{}…", first.chars().take(40).collect::<String>())
            }
            _ => shown,
        };
        let mut d = Diagnostic::new(
            &TYPE,
            format!(
                "{path}: expected {wanted}, got {} {shown}",
                node.type_name()
            ),
        )
        .at(
            node.site(),
            format!("this is {} {}", article(node.type_name()), node.type_name()),
        );
        let scalar = !matches!(node.value, Value::Map(_) | Value::Seq(_));
        if wanted.contains("string") && scalar && node.style == ScalarStyle::Plain {
            let text = if raw.is_empty() {
                shown.clone()
            } else {
                raw.to_string()
            };
            let why = match node.value {
                Value::Bool(_) => " (YAML 1.1 reads it as a boolean)",
                _ => "",
            };
            d = d.with_help(format!("quote it: \"{text}\"{why}"));
        } else if (wanted.contains("integer") || wanted.contains("number"))
            && let Some(s) = node.as_str().filter(|s| s.trim().parse::<f64>().is_ok())
        {
            d = d.with_help(format!("remove the quotes: {}", s.trim()));
        }
        self.report(d);
    }

    fn check_quantity(&mut self, node: &Node, path: &Path) {
        match &node.value {
            Value::Int(_) | Value::Float(_) => {}
            Value::Str(text) if quantity::is_valid(text) => {}
            Value::Str(text) => {
                let mut help = format!("valid suffixes: {}", quantity::VALID_SUFFIXES);
                if let Some(s) = quantity::suggestion(text) {
                    help = format!("did you mean {s}? {help}");
                }
                self.report(
                    Diagnostic::new(
                        &QUANTITY,
                        format!(
                            "{path}: invalid quantity \"{text}\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
                        ),
                    )
                    .at(node.site(), "not a Kubernetes quantity")
                    .with_help(help),
                );
            }
            _ => self.type_error(node, path, "a quantity (string or number)"),
        }
    }

    fn check_enum(&mut self, s: &Schema, node: &Node, path: &Path) {
        let json = node.to_json();
        if s.enumeration.contains(&json) || (s.enum_allows_empty && json.as_str() == Some("")) {
            return;
        }
        let supported: Vec<String> = s.enumeration.iter().map(|v| v.to_string()).collect();
        let mut d = Diagnostic::new(
            &ENUM,
            format!(
                "{path}: Unsupported value: {json}: supported values: {}",
                supported.join(", ")
            ),
        )
        .at(node.site(), "not a supported value");
        if let Some(text) = json.as_str()
            && let Some(best) = did_you_mean(text, s.enumeration.iter().filter_map(|v| v.as_str()))
        {
            d = d.with_help(format!("did you mean \"{best}\"?"));
        }
        self.report(d);
    }

    fn check_base64(&mut self, node: &Node, path: &Path) {
        let Some(text) = node.as_str() else { return };
        // The API server's decoder ignores line breaks inside the value (folded blocks).
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .is_err()
        {
            self.report(
                Diagnostic::new(&BASE64, format!("{path}: illegal base64 data"))
                    .at(node.site(), "not base64")
                    .with_help("encode the value (`b64enc` in templates), or put plain text under `stringData`"),
            );
        }
    }

    fn check_range(&mut self, node: &Node, path: &Path, min: i64, max: i64, ty: &str) {
        let Some(v) = node.as_i64() else { return };
        if v < min || v > max {
            self.report(
                Diagnostic::new(
                    &RANGE,
                    format!("{path}: {v} does not fit in {ty} ({min} to {max})"),
                )
                .at(node.site(), format!("out of {ty} range")),
            );
        }
    }

    fn check_list_keys(&mut self, s: &Schema, items: &[Node], path: &Path) {
        let mut seen: Vec<(Vec<String>, Span)> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if item.as_map().is_none() {
                continue;
            }
            let mut key = Vec::with_capacity(s.list_map_keys.len());
            let mut complete = true;
            for k in &s.list_map_keys {
                match item
                    .get(k)
                    .filter(|v| !v.is_null())
                    .and_then(Node::scalar_text)
                {
                    Some(v) => key.push(v),
                    // Ports default their protocol to TCP before the uniqueness check.
                    None if k == "protocol" => key.push("TCP".to_string()),
                    None => complete = false,
                }
            }
            if !complete {
                continue;
            }
            let site = s
                .list_map_keys
                .first()
                .and_then(|k| item.entry(k))
                .map(|(_, v)| v.site())
                .unwrap_or(item.site());
            if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
                let shown: Vec<String> = s
                    .list_map_keys
                    .iter()
                    .zip(&key)
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                let mut d = Diagnostic::new(
                    &DUPLICATE_LIST_KEY,
                    format!("{path}[{i}]: Duplicate value: {}", shown.join(", ")),
                )
                .at(site, "duplicate key")
                .with_label(*first, "first used here")
                .with_help(format!(
                    "items of `{}` must differ in {}",
                    path.last_segment(),
                    s.list_map_keys.join(" + ")
                ));
                if !self.custom && !validated_unique(&path.to_string()) {
                    d = d.with_severity(Severity::Warning).with_note(
                        "the API server accepts it with a warning and client-side apply keeps the \
                         last item, but server-side apply (Helm 4, kubectl --server-side) rejects it",
                    );
                }
                self.report(d);
            } else {
                seen.push((key, site));
            }
        }
    }
}

/// Built-in lists whose uniqueness the API server's validation enforces (`Duplicate value`):
/// container names and Service ports. Other keyed lists (env, container ports, volume mounts)
/// only trouble server-side apply.
fn validated_unique(path: &str) -> bool {
    let list = last_segment(path);
    matches!(
        list,
        "containers" | "initContainers" | "ephemeralContainers"
    ) || path == "spec.ports"
}

fn is_integral(node: &Node) -> bool {
    matches!(node.value, Value::Float(f) if f.fract() == 0.0 && f.is_finite())
}

fn type_matches(types: u8, node: &Node) -> bool {
    let bit = match node.value {
        Value::Null => return true,
        Value::Bool(_) => model::BOOLEAN,
        // sigs.k8s.io/yaml turns 3.0 into JSON 3, which decodes into an integer field.
        Value::Int(_) => model::INTEGER | model::NUMBER,
        Value::Float(_) if is_integral(node) => model::INTEGER | model::NUMBER,
        Value::Float(_) => model::NUMBER,
        Value::Str(_) => model::STRING,
        Value::Seq(_) => model::ARRAY,
        Value::Map(_) => model::OBJECT,
    };
    types & bit != 0
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn article_types(types: u8) -> String {
    let names = model::type_names(types);
    format!("{} {names}", article(&names))
}

fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Where the walk is, as segments: rendered (`spec.containers[0].image`) only when a finding
/// needs it, so the walk itself copies no strings.
#[derive(Default)]
pub struct Path<'n> {
    segments: Vec<Segment<'n>>,
}

enum Segment<'n> {
    Key(Cow<'n, str>),
    Index(usize),
}

impl<'n> Path<'n> {
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    pub(super) fn push_key(&mut self, key: &'n str) {
        self.segments.push(Segment::Key(Cow::Borrowed(key)));
    }

    pub(super) fn pop(&mut self) {
        self.segments.pop();
    }

    /// The last field name with its indexes (`containers[0]`).
    pub(super) fn last_segment(&self) -> String {
        let full = self.to_string();
        last_segment(&full).to_string()
    }
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                Segment::Key(k) if i == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}
