//! The schema form the validator walks: one node per JSON Schema node, with the Kubernetes
//! extensions as plain fields. Built from an embedded definition or from a CRD's
//! `openAPIV3Schema` by [`Schema::compile`].

use std::sync::OnceLock;

use serde_json::Value as J;

use crate::yaml::Node;
use crate::yaml::Value as NodeValue;

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
    pub fn compile<D: Doc>(
        json: &D,
        resolve: &dyn Fn(&str) -> Option<u32>,
        structural: bool,
    ) -> Schema {
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

fn compile<D: Doc>(
    json: &D,
    resolve: &dyn Fn(&str) -> Option<u32>,
    structural: bool,
    depth: usize,
) -> Schema {
    let mut s = Schema::default();
    if !json.is_map() {
        return s;
    }
    let obj = json;
    if depth > MAX_DEPTH {
        s.preserve_unknown = true;
        return s;
    }
    if let Some(r) = obj.field("$ref").and_then(D::text) {
        let name = r
            .strip_prefix("#/$defs/")
            .or_else(|| r.strip_prefix("#/definitions/"))
            .unwrap_or(r);
        s.reference = resolve(name);
        return s;
    }
    let flag = |key: &str| obj.field(key).and_then(D::flag).unwrap_or(false);
    s.int_or_string = flag("x-kubernetes-int-or-string");
    s.quantity = flag("x-kforge-quantity");
    s.enum_allows_empty = flag("x-kforge-enum-allows-empty");
    s.preserve_unknown = flag("x-kubernetes-preserve-unknown-fields");
    s.embedded_resource = flag("x-kubernetes-embedded-resource");
    if let Some(t) = obj.field("type") {
        if let Some(t) = t.text() {
            s.types = type_bit(t);
        } else if let Some(ts) = t.items() {
            s.types = ts
                .iter()
                .filter_map(D::text)
                .map(type_bit)
                .fold(0, |a, b| a | b)
        }
    }
    if let Some(props) = obj.field("properties").filter(|p| p.is_map()) {
        s.properties = props
            .named_fields()
            .into_iter()
            .map(|(k, v)| (k, compile(v, resolve, structural, depth + 1)))
            .collect();
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
    if let Some(req) = obj.field("required").and_then(D::items) {
        // The API server applies a CRD schema's defaults before validating: a required field
        // with a default is never missing (kuberay's RayCluster leaves `minReplicas` to it).
        let defaulted = |name: &str| {
            structural
                && obj
                    .field("properties")
                    .and_then(|p| p.named(name))
                    .and_then(|p| p.field("default"))
                    .is_some_and(|d| !d.null())
        };
        s.required = req
            .iter()
            .filter_map(D::text)
            .filter(|name| !defaulted(name))
            .map(str::to_string)
            .collect();
    }
    s.additional = match obj.field("additionalProperties") {
        Some(a) if a.flag() == Some(false) => Additional::Forbidden,
        Some(a) if a.flag() == Some(true) => Additional::Any,
        Some(sub) if sub.is_map() => {
            Additional::Schema(Box::new(compile(sub, resolve, structural, depth + 1)))
        }
        _ if structural && s.types & OBJECT != 0 && !s.preserve_unknown => Additional::Forbidden,
        _ => Additional::Any,
    };
    if let Some(items) = obj.field("items").filter(|i| i.is_map()) {
        s.items = Some(Box::new(compile(items, resolve, structural, depth + 1)));
    }
    if let Some(e) = obj.field("enum").and_then(D::items) {
        s.enumeration = e.iter().map(D::json).collect();
    }
    s.format = match obj.field("format").and_then(D::text) {
        Some("byte") => Format::Byte,
        Some("int32") => Format::Int32,
        Some("int64") => Format::Int64,
        _ => Format::None,
    };
    if obj.field("x-kubernetes-list-type").and_then(D::text) == Some("map")
        && let Some(keys) = obj.field("x-kubernetes-list-map-keys").and_then(D::items)
    {
        s.list_map_keys = keys
            .iter()
            .filter_map(D::text)
            .map(str::to_string)
            .collect();
    }
    s.constraints = constraints(obj, structural);
    s
}

/// The constraints of one schema node, in one pass over its keys (most have none of them).
fn constraints<D: Doc>(obj: &D, structural: bool) -> Option<Box<Constraints>> {
    let mut c = Constraints::default();
    let mut found = false;
    let mut exclusive_min = false;
    let mut exclusive_max = false;
    for (key, v) in obj.fields() {
        let bound = || {
            v.float().map(|value| Bound {
                value,
                exclusive: false,
            })
        };
        found |= match key {
            "minimum" => {
                c.minimum = bound();
                true
            }
            "maximum" => {
                c.maximum = bound();
                true
            }
            "exclusiveMinimum" => {
                exclusive_min = v.flag() == Some(true);
                false
            }
            "exclusiveMaximum" => {
                exclusive_max = v.flag() == Some(true);
                false
            }
            // Not positive: the API server reports the schema, not the value; nothing to check.
            "multipleOf" => {
                c.multiple_of = v.float().filter(|n| *n > 0.0 && n.is_finite());
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
                c.pattern = v.text().map(Pattern::new);
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
            "uniqueItems" if v.flag() == Some(true) => {
                c.unique_items = true;
                true
            }
            // Built-in sets (finalizers, ...) are left to the API server's own validation,
            // which does not reject duplicates.
            "x-kubernetes-list-type" if structural && v.text() == Some("set") => {
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

/// What [`Schema::compile`] reads a schema from: JSON (the embedded definitions) or a CRD's
/// YAML tree read as its JSON form ([`Node::to_json`]) would be, without making that copy (a
/// CRD's schema runs to megabytes: the copy was most of the CRD-heavy corpus's schema-stage
/// page faults, issue 19).
pub trait Doc: Sized {
    fn is_map(&self) -> bool;
    /// A map's value under the string key `key` (what schema keywords are).
    fn field(&self, key: &str) -> Option<&Self>;
    /// A map's value under the key whose JSON form is `name` (property names may be written
    /// as numbers or booleans in YAML).
    fn named(&self, name: &str) -> Option<&Self>;
    /// A map's string-keyed entries, each key once.
    fn fields(&self) -> impl Iterator<Item = (&str, &Self)>;
    /// A map's entries by the JSON form of their keys, each once (the last value of keys with
    /// the same form), sorted by name.
    fn named_fields(&self) -> Vec<(String, &Self)>;
    fn items(&self) -> Option<&[Self]>;
    fn text(&self) -> Option<&str>;
    fn flag(&self) -> Option<bool>;
    fn float(&self) -> Option<f64>;
    fn int(&self) -> Option<i64>;
    fn null(&self) -> bool;
    fn json(&self) -> J;
}

impl Doc for J {
    fn is_map(&self) -> bool {
        self.is_object()
    }
    fn field(&self, key: &str) -> Option<&J> {
        self.as_object()?.get(key)
    }
    fn named(&self, name: &str) -> Option<&J> {
        self.as_object()?.get(name)
    }
    fn fields(&self) -> impl Iterator<Item = (&str, &J)> {
        self.as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }
    fn named_fields(&self) -> Vec<(String, &J)> {
        let mut all: Vec<(String, &J)> = self
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v))
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
    fn items(&self) -> Option<&[J]> {
        self.as_array().map(Vec::as_slice)
    }
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
    fn flag(&self) -> Option<bool> {
        self.as_bool()
    }
    fn float(&self) -> Option<f64> {
        self.as_f64()
    }
    fn int(&self) -> Option<i64> {
        self.as_i64()
    }
    fn null(&self) -> bool {
        self.is_null()
    }
    fn json(&self) -> J {
        self.clone()
    }
}

/// Read as [`Node::to_json`] makes it: a key's JSON form is its scalar text (or its JSON
/// text), later keys with the same form replace earlier ones, and a float that is not finite
/// is `null`. The loader has already dropped duplicate keys of the same type.
impl Doc for Node {
    fn is_map(&self) -> bool {
        self.as_map().is_some()
    }
    fn field(&self, key: &str) -> Option<&Node> {
        self.get(key)
    }
    fn named(&self, name: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.json_key() == name)
            .map(|(_, v)| v)
    }
    fn fields(&self) -> impl Iterator<Item = (&str, &Node)> {
        self.entries().map(|(k, _, v)| (k, v))
    }
    fn named_fields(&self) -> Vec<(String, &Node)> {
        let mut all: Vec<(String, &Node)> = self
            .as_map()
            .unwrap_or(&[])
            .iter()
            .map(|(k, v)| (k.json_key().into_owned(), v))
            .collect();
        // Stable: of equal names, the last in the map is the last of its run.
        all.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, &Node)> = Vec::with_capacity(all.len());
        for (name, v) in all {
            match out.last_mut() {
                Some(last) if last.0 == name => last.1 = v,
                _ => out.push((name, v)),
            }
        }
        out
    }
    fn items(&self) -> Option<&[Node]> {
        self.as_seq()
    }
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
    fn flag(&self) -> Option<bool> {
        self.as_bool()
    }
    fn float(&self) -> Option<f64> {
        match self.value {
            NodeValue::Int(i) => Some(i as f64),
            NodeValue::Float(f) if f.is_finite() => Some(f),
            _ => None,
        }
    }
    fn int(&self) -> Option<i64> {
        self.as_i64()
    }
    fn null(&self) -> bool {
        match self.value {
            NodeValue::Null => true,
            NodeValue::Float(f) => !f.is_finite(),
            _ => false,
        }
    }
    fn json(&self) -> J {
        self.to_json()
    }
}

/// A length or count limit (int64 in the CRD; `3.0` from YAML is 3).
fn count<D: Doc>(v: &D) -> Option<i64> {
    v.int().or_else(|| {
        v.float()
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
