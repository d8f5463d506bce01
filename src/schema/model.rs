//! The schema form the validator walks: one node per JSON Schema node, with the Kubernetes
//! extensions as plain fields. Built from an embedded definition or from a CRD's
//! `openAPIV3Schema` by [`Schema::compile`].

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
        s.required = req
            .iter()
            .filter_map(J::as_str)
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
    s
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
