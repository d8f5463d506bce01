//! The value model: what a Go template sees through `interface{}`.
//!
//! Output depends on Go's dynamic types, so they are kept: `int` vs `int64` vs `float64` (numbers
//! from values files are float64, `--set` integers int64, `len` returns int), `string` vs `[]byte`,
//! nil. Lists and maps are shared by reference (`Rc<RefCell<…>>`): Sprig's `set`, `unset`, `merge`
//! and `mergeOverwrite` mutate in place and every alias sees it, as in Go. A render is
//! single-threaded (Helm renders templates in order, and `set .Values` leaks into later ones), so
//! `Rc` is enough; the parsed templates ([`crate::ast`]) hold no values and are `Send + Sync`.
//!
//! Known differences from Go's types (no bitnami chart depends on them):
//! - `.Values` is a plain map, not `common.Values`.
//! - A string holds UTF-8 only, so the bytes `b64dec` (or `b32dec`, `decryptAES`) decodes from
//!   binary data become U+FFFD (`len` counts 3 bytes each; `b64dec | b64enc` does not round-trip;
//!   Helm writes those bytes raw). Not done because it cannot be done well here: a Go string is
//!   any bytes, so `Str` would have to become a byte string, and every caller (the functions that
//!   take `&str`, the regex engine, the YAML encoder, the output `String` the main crate
//!   parses as YAML, its source map of `str`) would change with it, for output no YAML parser
//!   downstream accepts. Helm, asked: `{{ "gP8A" | b64dec | printf "%q" }}` is `"\x80\xff\x00"`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// A Go `map[string]interface{}`. Go maps have no order; everything that iterates one (range,
/// printing, `keys` before sorting, toJson) sorts by key bytes, which `BTreeMap<String, _>` gives.
pub type MapRef = Rc<RefCell<BTreeMap<String, Value>>>;

/// A Go slice. `elem` is its element type (`[]interface {}` from `list`, `[]string` from
/// `splitList`/`keys`): it shows in `typeOf`/`kindIs` and in what typed parameters accept.
#[derive(Clone, Debug)]
pub struct List {
    pub items: Rc<RefCell<Vec<Value>>>,
    pub elem: Elem,
    /// A Go nil slice (`rest` or `initial` of an empty list, `concat` of nothing, a
    /// `regexFindAll` without match): empty everywhere except that encoders write it as `null`
    /// and `deepEqual` tells it from an empty slice. Everything that builds a slice from it
    /// builds a non-nil one.
    pub nil: bool,
}

/// Element type of a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    /// `[]interface {}`
    Any,
    /// `[]string`
    String,
    /// `[]int`
    Int,
}

#[derive(Clone, Default)]
pub enum Value {
    /// A nil interface: a missing map key, `nil`, a YAML `null`. Printed directly it is
    /// `<no value>`; through `%v` it is `<nil>`.
    #[default]
    Nil,
    Bool(bool),
    /// Go `int` (64-bit): `len`, range indexes, `atoi`, `int`, integer constants in templates.
    Int(i64),
    /// Go `int64`: `--set` integers, Sprig arithmetic (`add`, `mul`, …), `int64`.
    Int64(i64),
    /// Go `uint64` (semver's Major/Minor/Patch).
    Uint(u64),
    /// Go `uint8`, a byte: `index "abc" 1`, the elements of a `[]byte`.
    Uint8(u8),
    /// Go `float64`: every number from a values file or from JSON.
    Float(f64),
    Str(Rc<str>),
    /// Go `[]byte` (`.Files.GetBytes`): `%v` prints `[104 105]`, `%s` the text.
    Bytes(Rc<[u8]>),
    List(List),
    Map(MapRef),
    /// A typed Go value with fields and methods (`.Chart`, `.Capabilities`, `.Files`, a semver
    /// version, a time, a certificate).
    Object(Rc<dyn Object>),
}

/// A Go struct (or other named type) reachable from a template: fields and methods by name.
pub trait Object: fmt::Debug {
    /// Go's type name as `%T` and error messages print it: `*chart.Metadata`, `engine.files`.
    fn type_name(&self) -> &str;
    /// A field, or a method that takes no arguments, by its Go name. `None`: no such field, which
    /// is an execution error (`can't evaluate field X in type T`).
    fn field(&self, name: &str) -> Option<Value>;
    /// Calls a method that takes arguments (`.Files.Get "x"`, `.Capabilities.APIVersions.Has`).
    /// `None`: no such method. `Some(Err(msg))`: the method's error, reported as Go reports it.
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>>;
    /// Whether `name` is a method (so `.Obj.Name arg` is a call, not a field followed by args).
    fn has_method(&self, name: &str) -> bool;
    /// What `%v` (and so `{{ . }}`) prints: Go's struct form `{a b}` or the `String()` method.
    fn go_string(&self) -> String;
    /// Calls `f` with [`Object::go_string`]: an object that keeps its printed form (a large one)
    /// lends it instead of copying it.
    fn with_go_string(&self, f: &mut dyn FnMut(&str)) {
        f(&self.go_string());
    }
    /// [`Object::go_string`] kept by the object and shared: a large printed form (Helm's
    /// `.Files`, megabytes) goes into the printer's output as a reference and is copied once,
    /// into the final string. `Rc<String>` rather than `Rc<str>`: made from the printed
    /// `String` without copying it. `None`: the object keeps no printed form.
    fn shared_go_string(&self) -> Option<Rc<String>> {
        None
    }
    /// The value as `encoding/json` would marshal it (json tags, omitempty), for toJson/toYaml.
    fn to_json(&self) -> Value;
    /// The concrete value, for functions whose Go parameter has this object's type
    /// (`genSignedCert`'s certificate, `dateModify`'s time). `None`: no function takes it.
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
    /// For a Go map type with methods (Helm's `files`, a `map[string][]byte`): its entries, which
    /// `range`, `index`, `len` and truth (an empty map is false) see. `None` for structs.
    fn entries(&self) -> Option<BTreeMap<String, Value>> {
        None
    }
    /// What an action prints for this value reached as a field through a pointer: Go's
    /// `printValue` calls a `String` method with a pointer receiver on an addressable value
    /// (`{{ .Capabilities.KubeVersion }}` is `v1.36.0`), while fmt through an interface
    /// (`quote`, `printf`) prints the struct (`{v1.36.0 v1.36.0 1 36}`). `None`: as
    /// [`Object::go_string`].
    fn addressable_string(&self) -> Option<String> {
        None
    }
    /// For a Go slice type with methods (Helm's `common.VersionSet`, a `[]string`): its elements,
    /// which `range`, truth and the functions that reflect on an `interface{}` (`len`, `index`,
    /// `first`, `has`, …) see. `None` for structs.
    fn elements(&self) -> Option<Vec<Value>> {
        None
    }
    /// Go's `reflect.Kind` name (`kindOf`): "ptr" for the `*T` values Helm passes (`.Chart`,
    /// `.Capabilities`), "struct" for values such as `time.Time` and Sprig's certificate.
    fn kind_name(&self) -> &'static str {
        "ptr"
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    pub fn string(s: String) -> Value {
        Value::Str(Rc::from(s))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(List {
            items: Rc::new(RefCell::new(items)),
            elem: Elem::Any,
            nil: false,
        })
    }

    /// A nil `[]interface {}` (see [`List::nil`]).
    pub fn nil_list() -> Value {
        Value::List(List {
            items: Rc::new(RefCell::new(Vec::new())),
            elem: Elem::Any,
            nil: true,
        })
    }

    pub fn str_list(items: Vec<String>) -> Value {
        Value::List(List {
            items: Rc::new(RefCell::new(items.into_iter().map(Value::string).collect())),
            elem: Elem::String,
            nil: false,
        })
    }

    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Rc::new(RefCell::new(entries)))
    }

    /// A map of `entries`, for tests.
    #[cfg(test)]
    pub fn map_of(entries: &[(&str, Value)]) -> Value {
        Value::map(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    pub fn empty_map() -> Value {
        Value::map(BTreeMap::new())
    }

    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A Go map or slice type with methods (Helm's `engine.files`, `common.VersionSet`) as the
    /// plain map or slice reflection walks; `None` for every other value.
    pub fn underlying(&self) -> Option<Value> {
        let Value::Object(o) = self else {
            return None;
        };
        if let Some(items) = o.elements() {
            return Some(Value::List(List {
                items: Rc::new(RefCell::new(items)),
                elem: Elem::String,
                nil: false,
            }));
        }
        o.entries().map(Value::map)
    }

    /// Go's `%T` for this value.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Uint(_) => "uint64".into(),
            Value::Uint8(_) => "uint8".into(),
            Value::Float(_) => "float64".into(),
            Value::Str(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(l) => match l.elem {
                Elem::Any => "[]interface {}".into(),
                Elem::String => "[]string".into(),
                Elem::Int => "[]int".into(),
            },
            Value::Map(_) => "map[string]interface {}".into(),
            Value::Object(o) => o.type_name().into(),
        }
    }

    /// Go's `reflect.Kind` name (Sprig's `kindOf`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Uint(_) => "uint64",
            Value::Uint8(_) => "uint8",
            Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => o.kind_name(),
        }
    }

    /// Go template truth (`if`, `and`, `or`, `not`): false for the zero value of its type, nil
    /// and empty collections.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint(u) => *u != 0,
            Value::Uint8(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.borrow().is_empty(),
            Value::Map(m) => !m.borrow().is_empty(),
            // A pointer to a struct is always true, a map type only when not empty.
            Value::Object(o) => match o.elements() {
                Some(items) => !items.is_empty(),
                None => o.entries().is_none_or(|e| !e.is_empty()),
            },
        }
    }

    /// Drops the value without recursion: Rust drops nested maps and lists recursively, so a
    /// value nested 100,000 deep (a template can build one with `dict` in a loop) would overflow
    /// the stack. Containers this value owns alone are taken apart on an explicit stack.
    pub fn drop_iteratively(self) {
        // A scalar, or a container someone else holds too: dropping it frees no nesting (the
        // usual case, a variable going out of scope), so no stack is built.
        let owned = match &self {
            Value::Map(m) => Rc::strong_count(m) == 1,
            Value::List(l) => Rc::strong_count(&l.items) == 1,
            _ => false,
        };
        if !owned {
            return;
        }
        let mut stack = vec![self];
        while let Some(v) = stack.pop() {
            match v {
                Value::Map(m) => {
                    if let Ok(cell) = Rc::try_unwrap(m) {
                        stack.extend(cell.into_inner().into_values());
                    }
                }
                Value::List(l) => {
                    if let Ok(cell) = Rc::try_unwrap(l.items) {
                        stack.extend(cell.into_inner());
                    }
                }
                _ => {}
            }
        }
    }

    /// Same object (for maps and lists, the same shared storage), as Go's `==` on references.
    pub fn same_ref(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Map(a), Value::Map(b)) => Rc::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(&a.items, &b.items),
            _ => false,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "int({i})"),
            Value::Int64(i) => write!(f, "int64({i})"),
            Value::Uint(u) => write!(f, "uint64({u})"),
            Value::Uint8(u) => write!(f, "uint8({u})"),
            Value::Float(x) => write!(f, "float64({x})"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.items.borrow().iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.borrow().iter()).finish(),
            Value::Object(o) => write!(f, "{o:?}"),
        }
    }
}

/// An object with a large printed form, as Helm's `.Files` has (tests of printing it):
/// `shared` says whether it hands that form out shared, as `.Files` does, or as a copy.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct LargeText {
    pub text: Rc<String>,
    pub shared: bool,
}

#[cfg(test)]
impl Object for LargeText {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn call(&self, _: &str, _: &[Value]) -> Option<Result<Value, String>> {
        None
    }
    fn has_method(&self, _: &str) -> bool {
        false
    }
    fn go_string(&self) -> String {
        self.text.to_string()
    }
    fn shared_go_string(&self) -> Option<Rc<String>> {
        self.shared.then(|| Rc::clone(&self.text))
    }
    fn to_json(&self) -> Value {
        Value::Nil
    }
}
