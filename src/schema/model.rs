//! The schema form the validator walks: one node per JSON Schema node, with the Kubernetes
//! extensions as plain fields. Built from an embedded definition or from a CRD's
//! `openAPIV3Schema` by [`Schema::compile`].

use std::sync::OnceLock;

use serde_json::Value as J;

pub const STRING: u8 = 1;
pub const INTEGER: u8 = 2;
pub const NUMBER: u8 = 4;
pub const BOOLEAN: u8 = 8;
pub const OBJECT: u8 = 16;
pub const ARRAY: u8 = 32;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    None,
    Byte,
    Int32,
    Int64,
}

/// What a map accepts beyond its declared properties.
#[derive(Clone, Debug, Default)]
pub enum Additional {
    /// Anything (no `additionalProperties`, built-in schemas).
    #[default]
    Any,
    /// Unknown fields are an error (strict built-in types, structural CRD schemas).
    Forbidden,
    Schema(Box<Schema>),
}

#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// `$ref` to a definition of the same version.
    pub reference: Option<u32>,
    /// Bit set of the types above; 0 = any type.
    pub types: u8,
    /// Sorted by name (explain lists them in this order).
    pub properties: Vec<(String, Schema)>,
    /// Indexes into `properties` sorted by (length, name): lookups compare lengths first and
    /// rarely touch the bytes.
    by_len: Vec<u16>,
    pub required: Vec<String>,
    pub additional: Additional,
    pub items: Option<Box<Schema>>,
    pub enumeration: Vec<J>,
    /// Built-in enums from the API server's validation: `""` is defaulted, so it passes.
    pub enum_allows_empty: bool,
    pub format: Format,
    pub int_or_string: bool,
    pub quantity: bool,
    pub preserve_unknown: bool,
    pub embedded_resource: bool,
    /// `x-kubernetes-list-type: map` keys.
    pub list_map_keys: Vec<String>,
    /// `minimum`, `pattern`, `maxItems`, ...: boxed because most nodes (and every built-in
    /// definition) have none.
    pub constraints: Option<Box<Constraints>>,
}

/// The OpenAPI v3.0 value constraints the API server enforces on custom resources.
#[derive(Clone, Debug, Default)]
pub struct Constraints {
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub multiple_of: Option<f64>,
    pub min_length: Option<i64>,
    pub max_length: Option<i64>,
    pub pattern: Option<Pattern>,
    pub min_items: Option<i64>,
    pub max_items: Option<i64>,
    /// `uniqueItems: true` or `x-kubernetes-list-type: set`.
    pub unique_items: bool,
    pub min_properties: Option<i64>,
    pub max_properties: Option<i64>,
}

#[derive(Clone, Copy, Debug)]
pub struct Bound {
    pub value: f64,
    /// `exclusiveMinimum`/`exclusiveMaximum: true` (booleans in OpenAPI v3.0).
    pub exclusive: bool,
}

/// A `pattern`, compiled on first use: operator CRDs carry hundreds and a run checks few.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub source: String,
    compiled: OnceLock<Option<regex::Regex>>,
}

/// Compiled patterns are capped: a hostile CRD must not make the run slow or large.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

impl Pattern {
    pub fn new(source: &str) -> Pattern {
        Pattern {
            source: source.to_string(),
            compiled: OnceLock::new(),
        }
    }

    /// `None` when the pattern does not compile (nothing is checked against it then).
    pub fn regex(&self) -> Option<&regex::Regex> {
        self.compiled
            .get_or_init(|| {
                regex::RegexBuilder::new(&go_perl_classes(&self.source))
                    .size_limit(PATTERN_SIZE_LIMIT)
                    .dfa_size_limit(PATTERN_SIZE_LIMIT)
                    .build()
                    .ok()
            })
            .as_ref()
    }
}

/// The API server matches patterns with Go's RE2, whose `\d`, `\w` and `\s` are ASCII-only;
/// the `regex` crate's are Unicode. Rewritten as explicit ASCII classes (nested classes are
/// fine inside `[...]`), everything else is passed through.
fn go_perl_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('W') => out.push_str("[^0-9A-Za-z_]"),
            Some('s') => out.push_str("[\\t\\n\\f\\r ]"),
            Some('S') => out.push_str("[^\\t\\n\\f\\r ]"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

impl Schema {
    /// `structural`: CRD semantics (an object without properties or additionalProperties prunes
    /// every field, i.e. unknown fields are reported); built-in definitions say
    /// `additionalProperties: false` themselves where they are strict.
    pub fn compile(json: &J, resolve: &dyn Fn(&str) -> Option<u32>, structural: bool) -> Schema {
        compile(json, resolve, structural, 0)
    }

    pub fn property(&self, name: &str) -> Option<&Schema> {
        let props = &self.properties;
        let at = self
            .by_len
            .binary_search_by(|&i| match props.get(i as usize) {
                Some((n, _)) => len_then_bytes(n, name),
                None => std::cmp::Ordering::Less,
            })
            .ok()?;
        let i = *self.by_len.get(at)?;
        props.get(i as usize).map(|(_, s)| s)
    }

    pub fn property_names(&self) -> impl Iterator<Item = &str> {
        self.properties.iter().map(|(n, _)| n.as_str())
    }
}

/// Orders by length, then bytewise. Inline on purpose: property names are short, and a libc
/// `memcmp` call per probe dominated the walk's profile.
fn len_then_bytes(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len().cmp(&b.len()).then_with(|| {
        for (x, y) in a.iter().zip(b) {
            if x != y {
                return x.cmp(y);
            }
        }
        std::cmp::Ordering::Equal
    })
}

/// Deeper CRD schemas than this are cut off (accept anything below): bounded work on any input.
const MAX_DEPTH: usize = 64;

fn compile(
    json: &J,
    resolve: &dyn Fn(&str) -> Option<u32>,
    structural: bool,
    depth: usize,
) -> Schema {
    let mut s = Schema::default();
    let Some(obj) = json.as_object() else {
        return s;
    };
    if depth > MAX_DEPTH {
        s.preserve_unknown = true;
        return s;
    }
    if let Some(r) = obj.get("$ref").and_then(J::as_str) {
        let name = r
            .strip_prefix("#/$defs/")
            .or_else(|| r.strip_prefix("#/definitions/"))
            .unwrap_or(r);
        s.reference = resolve(name);
        return s;
    }
    let flag = |key: &str| obj.get(key).and_then(J::as_bool).unwrap_or(false);
    s.int_or_string = flag("x-kubernetes-int-or-string");
    s.quantity = flag("x-kforge-quantity");
    s.enum_allows_empty = flag("x-kforge-enum-allows-empty");
    s.preserve_unknown = flag("x-kubernetes-preserve-unknown-fields");
    s.embedded_resource = flag("x-kubernetes-embedded-resource");
    match obj.get("type") {
        Some(J::String(t)) => s.types = type_bit(t),
        Some(J::Array(ts)) => {
            s.types = ts
                .iter()
                .filter_map(J::as_str)
                .map(type_bit)
                .fold(0, |a, b| a | b)
        }
        _ => {}
    }
    if let Some(props) = obj.get("properties").and_then(J::as_object) {
        s.properties = props
            .iter()
            .map(|(k, v)| (k.clone(), compile(v, resolve, structural, depth + 1)))
            .collect();
        s.properties.sort_by(|a, b| a.0.cmp(&b.0));
        let mut by_len: Vec<u16> = (0..s.properties.len().min(u16::MAX as usize) as u16).collect();
        by_len.sort_by(|&a, &b| {
            let name = |i: u16| {
                s.properties
                    .get(i as usize)
                    .map(|(n, _)| n.as_str())
                    .unwrap_or("")
            };
            let (a, b) = (name(a), name(b));
            len_then_bytes(a, b)
        });
        s.by_len = by_len;
    }
    if let Some(req) = obj.get("required").and_then(J::as_array) {
        // The API server applies a CRD schema's defaults before validating: a required field
        // with a default is never missing (kuberay's RayCluster leaves `minReplicas` to it).
        let defaulted = |name: &str| {
            structural
                && obj
                    .get("properties")
                    .and_then(|p| p.get(name))
                    .and_then(|p| p.get("default"))
                    .is_some_and(|d| !d.is_null())
        };
        s.required = req
            .iter()
            .filter_map(J::as_str)
            .filter(|name| !defaulted(name))
            .map(str::to_string)
            .collect();
    }
    s.additional = match obj.get("additionalProperties") {
        Some(J::Bool(false)) => Additional::Forbidden,
        Some(J::Bool(true)) => Additional::Any,
        Some(sub @ J::Object(_)) => {
            Additional::Schema(Box::new(compile(sub, resolve, structural, depth + 1)))
        }
        _ if structural && s.types & OBJECT != 0 && !s.preserve_unknown => Additional::Forbidden,
        _ => Additional::Any,
    };
    if let Some(items) = obj.get("items").filter(|i| i.is_object()) {
        s.items = Some(Box::new(compile(items, resolve, structural, depth + 1)));
    }
    if let Some(e) = obj.get("enum").and_then(J::as_array) {
        s.enumeration = e.clone();
    }
    s.format = match obj.get("format").and_then(J::as_str) {
        Some("byte") => Format::Byte,
        Some("int32") => Format::Int32,
        Some("int64") => Format::Int64,
        _ => Format::None,
    };
    if obj.get("x-kubernetes-list-type").and_then(J::as_str) == Some("map")
        && let Some(keys) = obj.get("x-kubernetes-list-map-keys").and_then(J::as_array)
    {
        s.list_map_keys = keys
            .iter()
            .filter_map(J::as_str)
            .map(str::to_string)
            .collect();
    }
    s.constraints = constraints(obj, structural);
    s
}

/// The constraints of one schema node, in one pass over its keys (most have none of them).
fn constraints(obj: &serde_json::Map<String, J>, structural: bool) -> Option<Box<Constraints>> {
    let mut c = Constraints::default();
    let mut found = false;
    let mut exclusive_min = false;
    let mut exclusive_max = false;
    for (key, v) in obj {
        let bound = || {
            v.as_f64().map(|value| Bound {
                value,
                exclusive: false,
            })
        };
        found |= match key.as_str() {
            "minimum" => {
                c.minimum = bound();
                true
            }
            "maximum" => {
                c.maximum = bound();
                true
            }
            "exclusiveMinimum" => {
                exclusive_min = v.as_bool() == Some(true);
                false
            }
            "exclusiveMaximum" => {
                exclusive_max = v.as_bool() == Some(true);
                false
            }
            // Not positive: the API server reports the schema, not the value; nothing to check.
            "multipleOf" => {
                c.multiple_of = v.as_f64().filter(|n| *n > 0.0 && n.is_finite());
                true
            }
            "minLength" => {
                c.min_length = count(v);
                true
            }
            "maxLength" => {
                c.max_length = count(v);
                true
            }
            "pattern" => {
                c.pattern = v.as_str().map(Pattern::new);
                true
            }
            "minItems" => {
                c.min_items = count(v);
                true
            }
            "maxItems" => {
                c.max_items = count(v);
                true
            }
            "uniqueItems" if v.as_bool() == Some(true) => {
                c.unique_items = true;
                true
            }
            // Built-in sets (finalizers, ...) are left to the API server's own validation,
            // which does not reject duplicates.
            "x-kubernetes-list-type" if structural && v.as_str() == Some("set") => {
                c.unique_items = true;
                true
            }
            "minProperties" => {
                c.min_properties = count(v);
                true
            }
            "maxProperties" => {
                c.max_properties = count(v);
                true
            }
            _ => false,
        };
    }
    if !found {
        return None;
    }
    if let Some(b) = c.minimum.as_mut() {
        b.exclusive = exclusive_min;
    }
    if let Some(b) = c.maximum.as_mut() {
        b.exclusive = exclusive_max;
    }
    Some(Box::new(c))
}

/// A length or count limit (int64 in the CRD; `3.0` from YAML is 3).
fn count(v: &J) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

fn type_bit(t: &str) -> u8 {
    match t {
        "string" => STRING,
        "integer" => INTEGER,
        "number" => NUMBER,
        "boolean" => BOOLEAN,
        "object" => OBJECT,
        "array" => ARRAY,
        _ => 0,
    }
}

/// `string`, `integer`, ... for messages; `null` bits are not kept (null means absent).
pub fn type_names(types: u8) -> String {
    let names: Vec<&str> = [
        (STRING, "string"),
        (INTEGER, "integer"),
        (NUMBER, "number"),
        (BOOLEAN, "boolean"),
        (OBJECT, "object"),
        (ARRAY, "array"),
    ]
    .iter()
    .filter(|(bit, _)| types & bit != 0)
    .map(|(_, n)| *n)
    .collect();
    names.join(" or ")
}
