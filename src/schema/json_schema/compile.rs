//! A schema document compiled into an arena of keyword sets: `$ref`s resolved once to arena
//! indices (cycles are plain back edges), regexes built once, and the document checked as Helm's
//! validator checks it against its metaschema (keyword values of the wrong type or range are a
//! broken schema, not silently ignored).

use std::collections::HashMap;

use serde_json::Value;

use super::format::Format;
use super::number::Decimal;
use super::{CompileError, Draft};

/// Where Helm places the chart's schema: relative `$ref`s and `$id`s resolve against it.
pub const BASE_URI: &str = "file:///values.schema.json";

/// Most subschemas one document may compile to: a bound on hostile documents.
const MAX_SCHEMAS: usize = 200_000;
/// Most bytes of compiled program a `pattern` may take (the regex crate's own guard).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

#[derive(Debug)]
pub enum Schema {
    Bool(bool),
    Object(Box<Keywords>),
}

#[derive(Debug)]
pub enum Items {
    One(usize),
    Array(Vec<usize>),
}

#[derive(Debug)]
pub enum Additional {
    Bool(bool),
    Schema(usize),
}

#[derive(Debug)]
pub enum Dependency {
    Required(Vec<String>),
    Schema(usize),
}

pub const NULL: u8 = 1;
pub const BOOLEAN: u8 = 2;
pub const NUMBER: u8 = 4;
pub const INTEGER: u8 = 8;
pub const STRING: u8 = 16;
pub const ARRAY: u8 = 32;
pub const OBJECT: u8 = 64;
/// In the order Helm lists them in "want" messages.
pub const TYPE_NAMES: [(u8, &str); 7] = [
    (NULL, "null"),
    (BOOLEAN, "boolean"),
    (NUMBER, "number"),
    (INTEGER, "integer"),
    (STRING, "string"),
    (ARRAY, "array"),
    (OBJECT, "object"),
];

#[derive(Debug, Default)]
pub struct Keywords {
    pub draft: Draft,
    pub reference: Option<usize>,
    pub dynamic_refs: Vec<usize>,
    pub types: u8,
    pub enumeration: Option<Vec<Value>>,
    pub constant: Option<Value>,
    pub format: Option<Format>,
    pub all_of: Vec<usize>,
    pub any_of: Vec<usize>,
    pub one_of: Vec<usize>,
    pub not: Option<usize>,
    pub if_: Option<usize>,
    pub then: Option<usize>,
    pub else_: Option<usize>,
    pub items: Option<Items>,
    pub additional_items: Option<Additional>,
    pub prefix_items: Vec<usize>,
    pub items2020: Option<usize>,
    pub contains: Option<usize>,
    pub min_contains: Option<usize>,
    pub max_contains: Option<usize>,
    pub properties: Vec<(String, usize)>,
    pub pattern_properties: Vec<(regex::Regex, usize)>,
    pub additional_properties: Option<Additional>,
    pub dependencies: Vec<(String, Dependency)>,
    pub dependent_required: Vec<(String, Vec<String>)>,
    pub dependent_schemas: Vec<(String, usize)>,
    pub property_names: Option<usize>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    pub min_properties: Option<usize>,
    pub max_properties: Option<usize>,
    pub minimum: Option<Decimal>,
    pub maximum: Option<Decimal>,
    pub exclusive_minimum: Option<Decimal>,
    pub exclusive_maximum: Option<Decimal>,
    pub multiple_of: Option<Decimal>,
    pub pattern: Option<(regex::Regex, String)>,
    pub unique_items: bool,
    pub required: Vec<String>,
    pub unevaluated_properties: Option<usize>,
    pub unevaluated_items: Option<usize>,
    pub all_props_evaluated: bool,
    pub all_items_evaluated: bool,
    pub num_items_evaluated: usize,
}

pub struct Compiled {
    pub schemas: Vec<Schema>,
    /// JSON Pointer of each schema in the document, for messages.
    pub locations: Vec<String>,
}

/// A subschema to compile: its place in the document, its base URI and draft.
struct Pending {
    pointer: String,
    base: String,
    draft: Draft,
}

struct Compiler<'d> {
    doc: &'d Value,
    /// Absolute URI (no fragment) of each resource → (pointer, draft).
    resources: HashMap<String, (String, Draft)>,
    /// `uri#anchor` → pointer.
    anchors: HashMap<String, String>,
    index: HashMap<String, usize>,
    schemas: Vec<Option<Schema>>,
    locations: Vec<String>,
    queue: Vec<(usize, Pending)>,
}

pub fn compile(doc: &Value) -> Result<Compiled, CompileError> {
    let draft = match doc.get("$schema") {
        None => Draft::D2020,
        Some(Value::String(url)) => Draft::from_url(url).ok_or_else(|| {
            CompileError::new(format!(
                "$schema \"{url}\" is not a JSON Schema draft kforge knows (draft-04, -06, -07, 2019-09, 2020-12); kforge does not download metaschemas"
            ))
        })?,
        Some(_) => {
            return Err(CompileError::meta("/$schema", "got non-string, want string".into()));
        }
    };
    let mut c = Compiler {
        doc,
        resources: HashMap::new(),
        anchors: HashMap::new(),
        index: HashMap::new(),
        schemas: Vec::new(),
        locations: Vec::new(),
        queue: Vec::new(),
    };
    let root_base = match id_of(doc, draft) {
        Some(id) => strip_fragment(&resolve(BASE_URI, id)).to_string(),
        None => BASE_URI.to_string(),
    };
    c.resources
        .insert(BASE_URI.to_string(), (String::new(), draft));
    c.resources
        .insert(root_base.clone(), (String::new(), draft));
    c.collect(doc, String::new(), &root_base, draft, 0)?;
    c.enqueue(Pending {
        pointer: String::new(),
        base: root_base,
        draft,
    })?;
    while let Some((at, p)) = c.queue.pop() {
        let schema = c.compile_one(&p)?;
        if let Some(slot) = c.schemas.get_mut(at) {
            *slot = Some(schema);
        }
    }
    Ok(Compiled {
        schemas: c
            .schemas
            .into_iter()
            .map(|s| s.unwrap_or(Schema::Bool(true)))
            .collect(),
        locations: c.locations,
    })
}

fn id_of(v: &Value, draft: Draft) -> Option<&str> {
    let key = if draft == Draft::D4 { "id" } else { "$id" };
    let id = v.get(key)?.as_str()?;
    // Draft 6/7 `$id: "#foo"` is an anchor, not a new base.
    if draft < Draft::D2019 && id.starts_with('#') {
        return None;
    }
    Some(id)
}

/// Keywords whose value is one subschema, an array of them, a map of them.
const ONE: &[&str] = &[
    "additionalItems",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "items",
    "contentSchema",
];
const ARRAY_OF: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const MAP_OF: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
    "dependencies",
];

impl<'d> Compiler<'d> {
    /// Records every `$id` and anchor of the document (they may be referenced before reached).
    fn collect(
        &mut self,
        v: &Value,
        pointer: String,
        base: &str,
        draft: Draft,
        depth: usize,
    ) -> Result<(), CompileError> {
        if depth > 256 {
            return Err(CompileError::new(format!(
                "schema nested deeper than 256 levels at {pointer}"
            )));
        }
        let Value::Object(obj) = v else {
            return Ok(());
        };
        let draft = match obj.get("$schema").and_then(Value::as_str) {
            Some(url) if !pointer.is_empty() && id_of(v, draft).is_some() => {
                Draft::from_url(url).unwrap_or(draft)
            }
            _ => draft,
        };
        let mut base = base.to_string();
        if !pointer.is_empty()
            && let Some(id) = id_of(v, draft)
        {
            base = strip_fragment(&resolve(&base, id)).to_string();
            self.resources
                .insert(base.clone(), (pointer.clone(), draft));
        }
        let mut anchors = Vec::new();
        if draft < Draft::D2019 {
            let key = if draft == Draft::D4 { "id" } else { "$id" };
            if let Some(id) = obj.get(key).and_then(Value::as_str)
                && let Some((_, frag)) = id.split_once('#')
                && !frag.is_empty()
                && !frag.starts_with('/')
            {
                anchors.push(frag.to_string());
            }
        } else {
            for key in ["$anchor", "$dynamicAnchor"] {
                if let Some(a) = obj.get(key).and_then(Value::as_str) {
                    anchors.push(a.to_string());
                }
            }
        }
        for a in anchors {
            self.anchors.insert(format!("{base}#{a}"), pointer.clone());
        }
        for (key, value) in obj {
            let here = format!("{pointer}/{}", escape(key));
            if ONE.contains(&key.as_str()) && !value.is_array() {
                self.collect(value, here.clone(), &base, draft, depth + 1)?;
            }
            if ARRAY_OF.contains(&key.as_str())
                && let Value::Array(items) = value
            {
                for (i, item) in items.iter().enumerate() {
                    self.collect(item, format!("{here}/{i}"), &base, draft, depth + 1)?;
                }
            }
            if MAP_OF.contains(&key.as_str())
                && let Value::Object(map) = value
            {
                for (k, item) in map {
                    self.collect(
                        item,
                        format!("{here}/{}", escape(k)),
                        &base,
                        draft,
                        depth + 1,
                    )?;
                }
            }
        }
        Ok(())
    }

    fn enqueue(&mut self, p: Pending) -> Result<usize, CompileError> {
        if let Some(&i) = self.index.get(&p.pointer) {
            return Ok(i);
        }
        if self.schemas.len() >= MAX_SCHEMAS {
            return Err(CompileError::new(format!(
                "schema has more than {MAX_SCHEMAS} subschemas"
            )));
        }
        let i = self.schemas.len();
        self.schemas.push(None);
        self.locations.push(p.pointer.clone());
        self.index.insert(p.pointer.clone(), i);
        self.queue.push((i, p));
        Ok(i)
    }

    fn at(&self, pointer: &str) -> Option<&'d Value> {
        if pointer.is_empty() {
            return Some(self.doc);
        }
        self.doc.pointer(pointer)
    }

    fn compile_one(&mut self, p: &Pending) -> Result<Schema, CompileError> {
        let Some(v) = self.at(&p.pointer) else {
            return Ok(Schema::Bool(true));
        };
        let obj = match v {
            Value::Bool(b) if p.draft >= Draft::D6 => return Ok(Schema::Bool(*b)),
            Value::Object(o) => o,
            _ => {
                return Err(CompileError::meta(
                    &p.pointer,
                    format!("got {}, want object", json_type(v)),
                ));
            }
        };
        let mut base = p.base.clone();
        let mut draft = p.draft;
        if !p.pointer.is_empty()
            && let Some(id) = id_of(v, draft)
        {
            base = strip_fragment(&resolve(&base, id)).to_string();
            if let Some((_, d)) = self.resources.get(&base) {
                draft = *d;
            }
        }
        let mut k = Keywords {
            draft,
            ..Keywords::default()
        };
        let loc = p.pointer.as_str();

        if let Some(r) = obj.get("$ref") {
            let r = r.as_str().ok_or_else(|| {
                CompileError::meta(&format!("{loc}/$ref"), "got non-string, want string".into())
            })?;
            k.reference = Some(self.resolve_ref(&base, r, loc, draft)?);
            if draft < Draft::D2019 {
                // Before 2019-09 every keyword beside `$ref` is ignored.
                return Ok(Schema::Object(Box::new(k)));
            }
        }
        if draft >= Draft::D2019 {
            for key in ["$recursiveRef", "$dynamicRef"] {
                if let Some(r) = obj.get(key).and_then(Value::as_str) {
                    // Resolved statically, as `$ref` (dynamic scopes are not followed).
                    let target = self.resolve_ref(&base, r, loc, draft)?;
                    k.dynamic_refs.push(target);
                }
            }
        }
        self.applicators(obj, &mut k, loc, &base)?;
        validation(obj, &mut k, loc)?;
        self.newer_drafts(obj, &mut k, loc, &base)?;
        evaluated(&mut k);
        if obj.is_empty() {
            return Ok(Schema::Bool(true));
        }
        Ok(Schema::Object(Box::new(k)))
    }

    fn sub(
        &mut self,
        loc: &str,
        base: &str,
        draft: Draft,
        rel: String,
    ) -> Result<usize, CompileError> {
        self.enqueue(Pending {
            pointer: format!("{loc}{rel}"),
            base: base.to_string(),
            draft,
        })
    }

    /// Each member of an object of subschemas (`properties`, `dependentSchemas`) checked and
    /// queued for compiling: the member names with their schemas' ids, in document order.
    fn member_schemas(
        &mut self,
        members: &'d serde_json::Map<String, Value>,
        key: &str,
        loc: &str,
        base: &str,
        draft: Draft,
    ) -> Result<Vec<(String, usize)>, CompileError> {
        let mut out = Vec::with_capacity(members.len());
        for (name, schema) in members {
            let rel = format!("/{key}/{}", escape(name));
            self.check_schema(Some(schema), &format!("{loc}{rel}"), draft)?;
            out.push((name.clone(), self.sub(loc, base, draft, rel)?));
        }
        Ok(out)
    }

    /// Combinators, `not`, items (before 2020-12), properties and dependencies.
    fn applicators(
        &mut self,
        obj: &'d serde_json::Map<String, Value>,
        k: &mut Keywords,
        loc: &str,
        base: &str,
    ) -> Result<(), CompileError> {
        let draft = k.draft;
        let sub = |c: &mut Self, rel: String| c.sub(loc, base, draft, rel);
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(v) = obj.get(key) {
                let list = schema_array(v, &format!("{loc}/{key}"))?;
                let mut out = Vec::with_capacity(list);
                for i in 0..list {
                    out.push(sub(self, format!("/{key}/{i}"))?);
                }
                match key {
                    "allOf" => k.all_of.extend(out),
                    "anyOf" => k.any_of = out,
                    _ => k.one_of = out,
                }
            }
        }
        if obj.contains_key("not") {
            self.check_schema(obj.get("not"), &format!("{loc}/not"), draft)?;
            k.not = Some(sub(self, "/not".into())?);
        }
        if draft < Draft::D2020 {
            match obj.get("items") {
                Some(Value::Array(items)) => {
                    let mut out = Vec::with_capacity(items.len());
                    for i in 0..items.len() {
                        self.check_schema(items.get(i), &format!("{loc}/items/{i}"), draft)?;
                        out.push(sub(self, format!("/items/{i}"))?);
                    }
                    k.items = Some(Items::Array(out));
                    k.additional_items = self.additional(
                        obj.get("additionalItems"),
                        loc,
                        "additionalItems",
                        draft,
                        &sub,
                    )?;
                }
                Some(v) => {
                    self.check_schema(Some(v), &format!("{loc}/items"), draft)?;
                    k.items = Some(Items::One(sub(self, "/items".into())?));
                }
                None => {}
            }
        }
        if let Some(Value::Object(props)) = obj.get("properties") {
            let members = self.member_schemas(props, "properties", loc, base, draft)?;
            k.properties.extend(members);
        } else if let Some(v) = obj.get("properties") {
            return Err(CompileError::meta(
                &format!("{loc}/properties"),
                format!("got {}, want object", json_type(v)),
            ));
        }
        if let Some(Value::Object(props)) = obj.get("patternProperties") {
            for name in props.keys() {
                let at = format!("{loc}/patternProperties/{}", escape(name));
                self.check_schema(props.get(name), &at, draft)?;
                let re = regex(name, &at)?;
                k.pattern_properties.push((
                    re,
                    sub(self, format!("/patternProperties/{}", escape(name)))?,
                ));
            }
        }
        k.additional_properties = self.additional(
            obj.get("additionalProperties"),
            loc,
            "additionalProperties",
            draft,
            &sub,
        )?;
        if let Some(Value::Object(deps)) = obj.get("dependencies") {
            for (name, dep) in deps {
                let d = match dep {
                    Value::Array(names) => Dependency::Required(strings(
                        names,
                        &format!("{loc}/dependencies/{}", escape(name)),
                    )?),
                    _ => {
                        self.check_schema(
                            Some(dep),
                            &format!("{loc}/dependencies/{}", escape(name)),
                            draft,
                        )?;
                        Dependency::Schema(sub(self, format!("/dependencies/{}", escape(name)))?)
                    }
                };
                k.dependencies.push((name.clone(), d));
            }
        }

        Ok(())
    }

    /// Draft 6 on: `contains`, `propertyNames`, `const`, `if`, the 2019-09 and 2020-12 keywords.
    fn newer_drafts(
        &mut self,
        obj: &'d serde_json::Map<String, Value>,
        k: &mut Keywords,
        loc: &str,
        base: &str,
    ) -> Result<(), CompileError> {
        let draft = k.draft;
        let sub = |c: &mut Self, rel: String| c.sub(loc, base, draft, rel);
        if draft >= Draft::D6 {
            if obj.contains_key("contains") {
                self.check_schema(obj.get("contains"), &format!("{loc}/contains"), draft)?;
                k.contains = Some(sub(self, "/contains".into())?);
            }
            if obj.contains_key("propertyNames") {
                self.check_schema(
                    obj.get("propertyNames"),
                    &format!("{loc}/propertyNames"),
                    draft,
                )?;
                k.property_names = Some(sub(self, "/propertyNames".into())?);
            }
            k.constant = obj.get("const").cloned();
        }
        if draft >= Draft::D7 && obj.contains_key("if") {
            self.check_schema(obj.get("if"), &format!("{loc}/if"), draft)?;
            k.if_ = Some(sub(self, "/if".into())?);
            let b = obj.get("if").and_then(Value::as_bool);
            if obj.contains_key("then") && b != Some(false) {
                self.check_schema(obj.get("then"), &format!("{loc}/then"), draft)?;
                k.then = Some(sub(self, "/then".into())?);
            }
            if obj.contains_key("else") && b != Some(true) {
                self.check_schema(obj.get("else"), &format!("{loc}/else"), draft)?;
                k.else_ = Some(sub(self, "/else".into())?);
            }
        }
        if draft >= Draft::D2019 {
            if k.contains.is_some() {
                k.min_contains = count(obj.get("minContains"), loc, "minContains")?;
                k.max_contains = count(obj.get("maxContains"), loc, "maxContains")?;
            }
            if let Some(Value::Object(deps)) = obj.get("dependentRequired") {
                for (name, names) in deps {
                    let at = format!("{loc}/dependentRequired/{}", escape(name));
                    let Value::Array(names) = names else {
                        return Err(CompileError::meta(
                            &at,
                            format!("got {}, want array", json_type(names)),
                        ));
                    };
                    k.dependent_required
                        .push((name.clone(), strings(names, &at)?));
                }
            }
            if let Some(Value::Object(deps)) = obj.get("dependentSchemas") {
                let members = self.member_schemas(deps, "dependentSchemas", loc, base, draft)?;
                k.dependent_schemas.extend(members);
            }
            for key in ["unevaluatedItems", "unevaluatedProperties"] {
                if obj.contains_key(key) {
                    self.check_schema(obj.get(key), &format!("{loc}/{key}"), draft)?;
                    let i = sub(self, format!("/{key}"))?;
                    if key == "unevaluatedItems" {
                        k.unevaluated_items = Some(i);
                    } else {
                        k.unevaluated_properties = Some(i);
                    }
                }
            }
        }
        if draft >= Draft::D2020 {
            if let Some(v) = obj.get("prefixItems") {
                let n = schema_array(v, &format!("{loc}/prefixItems"))?;
                for i in 0..n {
                    k.prefix_items.push(sub(self, format!("/prefixItems/{i}"))?);
                }
            }
            if let Some(v) = obj.get("items") {
                if v.is_array() {
                    return Err(CompileError::meta(
                        &format!("{loc}/items"),
                        "got array, want object or boolean".into(),
                    ));
                }
                self.check_schema(Some(v), &format!("{loc}/items"), draft)?;
                k.items2020 = Some(sub(self, "/items".into())?);
            }
        }

        Ok(())
    }

    fn additional(
        &mut self,
        v: Option<&Value>,
        loc: &str,
        key: &str,
        draft: Draft,
        sub: &dyn Fn(&mut Self, String) -> Result<usize, CompileError>,
    ) -> Result<Option<Additional>, CompileError> {
        match v {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(Additional::Bool(*b))),
            Some(v) => {
                self.check_schema(Some(v), &format!("{loc}/{key}"), draft)?;
                Ok(Some(Additional::Schema(sub(self, format!("/{key}"))?)))
            }
        }
    }

    fn check_schema(&self, v: Option<&Value>, at: &str, draft: Draft) -> Result<(), CompileError> {
        match v {
            Some(Value::Object(_)) => Ok(()),
            Some(Value::Bool(_)) if draft >= Draft::D6 => Ok(()),
            Some(v) => Err(CompileError::meta(
                at,
                format!(
                    "got {}, want {}",
                    json_type(v),
                    if draft >= Draft::D6 {
                        "object or boolean"
                    } else {
                        "object"
                    }
                ),
            )),
            None => Ok(()),
        }
    }

    fn resolve_ref(
        &mut self,
        base: &str,
        r: &str,
        loc: &str,
        draft: Draft,
    ) -> Result<usize, CompileError> {
        let target = resolve(base, r);
        let (url, frag) = target.split_once('#').unwrap_or((&target, ""));
        let frag = percent_decode(frag);
        let unresolved = || {
            CompileError::new(format!(
                "$ref \"{r}\" at {} does not resolve inside values.schema.json (kforge does not load other files or URLs)",
                if loc.is_empty() { "the root" } else { loc }
            ))
        };
        let Some((res_ptr, res_draft)) = self.resources.get(url).cloned() else {
            if url.starts_with("urn:") {
                // Helm replaces an unresolvable URN by a schema that accepts anything.
                return self.enqueue(Pending {
                    pointer: "#urn".into(),
                    base: url.to_string(),
                    draft,
                });
            }
            return Err(unresolved());
        };
        let pointer = if frag.is_empty() {
            res_ptr
        } else if frag.starts_with('/') {
            format!("{res_ptr}{frag}")
        } else {
            self.anchors
                .get(&format!("{url}#{frag}"))
                .cloned()
                .ok_or_else(unresolved)?
        };
        let Some(v) = self.at(&pointer) else {
            return Err(unresolved());
        };
        // The target's own base: the nearest enclosing resource.
        let base = self.base_of(&pointer).unwrap_or_else(|| url.to_string());
        let d = self
            .resources
            .values()
            .find(|(p, _)| *p == pointer)
            .map(|(_, d)| *d)
            .unwrap_or(res_draft);
        self.check_schema(Some(v), &pointer, d)?;
        self.enqueue(Pending {
            pointer,
            base,
            draft: d,
        })
    }

    /// Base URI in force at `pointer`: that of the longest resource pointer enclosing it.
    fn base_of(&self, pointer: &str) -> Option<String> {
        self.resources
            .iter()
            .filter(|(_, (p, _))| {
                pointer == p || pointer.starts_with(&format!("{p}/")) || p.is_empty()
            })
            // At the root, the document's own `$id` wins over Helm's file URL.
            .max_by_key(|(uri, (p, _))| (p.len(), uri.as_str() != BASE_URI))
            .map(|(uri, _)| uri.clone())
    }
}

/// The assertions on the value itself: type, enum, bounds, lengths, pattern, counts, required,
/// format.
fn validation(
    obj: &serde_json::Map<String, Value>,
    k: &mut Keywords,
    loc: &str,
) -> Result<(), CompileError> {
    let draft = k.draft;
    if let Some(t) = obj.get("type") {
        k.types = types(t, &format!("{loc}/type"))?;
    }
    if let Some(e) = obj.get("enum") {
        match e {
            Value::Array(values) => k.enumeration = Some(values.clone()),
            _ => {
                return Err(CompileError::meta(
                    &format!("{loc}/enum"),
                    format!("got {}, want array", json_type(e)),
                ));
            }
        }
    }
    k.multiple_of = number(obj.get("multipleOf"), loc, "multipleOf")?;
    if let Some(m) = &k.multiple_of
        && (m.is_zero() || m.is_negative())
    {
        return Err(CompileError::meta(
            &format!("{loc}/multipleOf"),
            "must be greater than 0".into(),
        ));
    }
    k.maximum = number(obj.get("maximum"), loc, "maximum")?;
    k.minimum = number(obj.get("minimum"), loc, "minimum")?;
    match obj.get("exclusiveMaximum") {
        Some(Value::Bool(b)) if draft == Draft::D4 => {
            if *b {
                k.exclusive_maximum = k.maximum.take();
            }
        }
        v => k.exclusive_maximum = number(v, loc, "exclusiveMaximum")?,
    }
    match obj.get("exclusiveMinimum") {
        Some(Value::Bool(b)) if draft == Draft::D4 => {
            if *b {
                k.exclusive_minimum = k.minimum.take();
            }
        }
        v => k.exclusive_minimum = number(v, loc, "exclusiveMinimum")?,
    }
    k.min_length = count(obj.get("minLength"), loc, "minLength")?;
    k.max_length = count(obj.get("maxLength"), loc, "maxLength")?;
    if let Some(p) = obj.get("pattern") {
        let at = format!("{loc}/pattern");
        let Value::String(p) = p else {
            return Err(CompileError::meta(
                &at,
                format!("got {}, want string", json_type(p)),
            ));
        };
        k.pattern = Some((regex(p, &at)?, p.clone()));
    }
    k.min_items = count(obj.get("minItems"), loc, "minItems")?;
    k.max_items = count(obj.get("maxItems"), loc, "maxItems")?;
    match obj.get("uniqueItems") {
        None => {}
        Some(Value::Bool(b)) => k.unique_items = *b,
        Some(v) => {
            return Err(CompileError::meta(
                &format!("{loc}/uniqueItems"),
                format!("got {}, want boolean", json_type(v)),
            ));
        }
    }
    k.min_properties = count(obj.get("minProperties"), loc, "minProperties")?;
    k.max_properties = count(obj.get("maxProperties"), loc, "maxProperties")?;
    if let Some(r) = obj.get("required") {
        let at = format!("{loc}/required");
        match r {
            Value::Array(names) => k.required = strings(names, &at)?,
            _ => {
                return Err(CompileError::meta(
                    &at,
                    format!("got {}, want array", json_type(r)),
                ));
            }
        }
    }
    if draft < Draft::D2019 {
        k.format = match obj.get("format") {
            Some(Value::String(f)) => Format::named(f),
            _ => None,
        };
    }

    Ok(())
}

/// What `unevaluated*` may skip: everything, when `additionalProperties`/`items` cover it.
fn evaluated(k: &mut Keywords) {
    let draft = k.draft;
    k.all_props_evaluated = k.additional_properties.is_some();
    if draft < Draft::D2020 {
        k.all_items_evaluated = k.additional_items.is_some();
        match &k.items {
            Some(Items::One(_)) => k.all_items_evaluated = true,
            Some(Items::Array(a)) => k.num_items_evaluated = a.len(),
            _ => {}
        }
    } else {
        k.all_items_evaluated = k.items2020.is_some();
        k.num_items_evaluated = k.prefix_items.len();
    }
}

fn schema_array(v: &Value, at: &str) -> Result<usize, CompileError> {
    match v {
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if !(item.is_object() || item.is_boolean()) {
                    return Err(CompileError::meta(
                        &format!("{at}/{i}"),
                        format!("got {}, want object or boolean", json_type(item)),
                    ));
                }
            }
            Ok(items.len())
        }
        Value::Array(_) => Err(CompileError::meta(at, "minItems: got 0, want 1".into())),
        _ => Err(CompileError::meta(
            at,
            format!("got {}, want array", json_type(v)),
        )),
    }
}

fn strings(values: &[Value], at: &str) -> Result<Vec<String>, CompileError> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(CompileError::meta(
                &format!("{at}/{i}"),
                format!("got {}, want string", json_type(v)),
            )),
        })
        .collect()
}

fn types(v: &Value, at: &str) -> Result<u8, CompileError> {
    let one = |s: &Value, at: &str| -> Result<u8, CompileError> {
        let name = s.as_str().unwrap_or_default();
        TYPE_NAMES
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(b, _)| *b)
            .ok_or_else(|| {
                CompileError::meta(at, "value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'".into())
            })
    };
    match v {
        Value::Array(list) => {
            let mut bits = 0;
            for (i, t) in list.iter().enumerate() {
                bits |= one(t, &format!("{at}/{i}"))?;
            }
            Ok(bits)
        }
        _ => one(v, at),
    }
}

fn number(v: Option<&Value>, loc: &str, key: &str) -> Result<Option<Decimal>, CompileError> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(Decimal::of(n)),
        Some(v) => Err(CompileError::meta(
            &format!("{loc}/{key}"),
            format!("got {}, want number", json_type(v)),
        )),
    }
}

fn count(v: Option<&Value>, loc: &str, key: &str) -> Result<Option<usize>, CompileError> {
    let Some(v) = v else { return Ok(None) };
    let at = format!("{loc}/{key}");
    let Value::Number(n) = v else {
        return Err(CompileError::meta(
            &at,
            format!("got {}, want integer", json_type(v)),
        ));
    };
    let Some(d) = Decimal::of(n).filter(Decimal::is_integer) else {
        return Err(CompileError::meta(
            &at,
            "got number, want integer".to_string(),
        ));
    };
    if d.is_negative() {
        return Err(CompileError::meta(
            &at,
            format!(
                "minimum: got {}, want 0",
                super::number::helm_float(d.to_f64())
            ),
        ));
    }
    Ok(Some(n.as_u64().map_or(usize::MAX, |u| {
        usize::try_from(u).unwrap_or(usize::MAX)
    })))
}

fn regex(pattern: &str, at: &str) -> Result<regex::Regex, CompileError> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            let why = regex_why(e);
            CompileError::meta(
                at,
                format!("{} is not valid regex: {why}", super::quote(pattern)),
            )
        })
}

/// The reason a pattern is refused, in one line.
pub fn regex_why(e: regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(_) => "pattern too large".to_string(),
        regex::Error::Syntax(s) => s
            .lines()
            .last()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string(),
        _ => e.to_string(),
    }
}

pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn strip_fragment(uri: &str) -> &str {
    uri.split_once('#').map_or(uri, |(u, _)| u)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 3986 reference resolution, enough for `$id` and `$ref` (no query handling).
pub fn resolve(base: &str, reference: &str) -> String {
    let scheme_end = reference.find(':');
    let first_delim = reference.find(['/', '?', '#']);
    if let Some(colon) = scheme_end
        && first_delim.is_none_or(|d| colon < d)
    {
        return reference.to_string();
    }
    let base = strip_fragment(base);
    if reference.is_empty() {
        return base.to_string();
    }
    if reference.starts_with('#') {
        return format!("{base}{reference}");
    }
    let (scheme, rest) = base.split_once(':').unwrap_or(("", base));
    if reference.starts_with("//") {
        return format!("{scheme}:{reference}");
    }
    let (authority, path) = match rest.strip_prefix("//") {
        Some(r) => match r.find('/') {
            Some(i) => (
                format!("//{}", r.get(..i).unwrap_or_default()),
                r.get(i..).unwrap_or_default(),
            ),
            None => (format!("//{r}"), ""),
        },
        None => (String::new(), rest),
    };
    let merged = if reference.starts_with('/') {
        reference.to_string()
    } else {
        let dir = path
            .rfind('/')
            .map_or("", |i| path.get(..=i).unwrap_or_default());
        format!("{dir}{reference}")
    };
    let (merged, frag) = match merged.split_once('#') {
        Some((p, f)) => (p.to_string(), format!("#{f}")),
        None => (merged, String::new()),
    };
    let mut out: Vec<&str> = Vec::new();
    for seg in merged.split('/') {
        match seg {
            "." => {}
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
            }
            s => out.push(s),
        }
    }
    format!("{scheme}:{authority}{}{frag}", out.join("/"))
}
