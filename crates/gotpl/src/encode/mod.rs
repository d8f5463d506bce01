//! Helm's encoders and decoders: `toYaml` (sigs.k8s.io/yaml + go-yaml v2's emitter), `toJson`
//! (encoding/json), `fromYaml`, `fromJson`, `toToml`, and their variants, with Sprig's JSON
//! functions (`toPrettyJson`, `toRawJson`, `mustFromJson`, …). This table is registered after
//! Sprig's, so Helm's `toJson`/`fromJson` replace Sprig's as in Helm's `funcMap`.
//!
//! Helm's non-`must` functions swallow errors: `toYaml`/`toJson` give "", `fromYaml`/`fromJson`
//! put the message under an `Error` key (`fromYamlArray`/`fromJsonArray`: a one-item list),
//! `toToml` returns the message as its text.
//!
//! Functions: `toYaml`, `mustToYaml`, `toYamlPretty`, `fromYaml`, `fromYamlArray` (Helm);
//! `toJson`, `mustToJson`, `fromJson`, `fromJsonArray` (Helm); `toPrettyJson`,
//! `mustToPrettyJson`, `toRawJson`, `mustToRawJson`, `mustFromJson` (Sprig); `toToml`,
//! `mustToToml`, `fromToml` (Helm). Checked against Helm v4.2.3 by the golden cases
//! `tests/golden/encode-*.txt` and on every bitnami chart's values (`tests/encode_bitnami.rs`).
//!
//! Known differences from Helm: a nil map (`fromJson "null"`) is an empty map here; values
//! deeper than 256 levels are refused; `fromYaml` reads a raw NEL (U+0085) as a character, not
//! a line break, accepts some tabs go-yaml refuses and words a few syntax errors differently;
//! `fromToml` keeps date-times as text; for key sets where go-yaml's comparison is not
//! transitive (`v1alpha1`, `v2`, `v10`) the order is one fixed order, while Helm's depends on
//! Go's map iteration.

mod emitter;
mod float;
mod from_yaml;
pub(crate) use from_yaml::clear_cache as clear_from_yaml_cache;
mod json;
/// encoding/json's string escaping, for callers that write Go's JSON by hand (Chart.lock digests).
pub use json::write_string as write_json_string;
mod json_decode;
mod resolve;
mod sorter;
mod timestamp;
mod to_yaml;
mod toml;
mod toml_decode;

use crate::func::{Func, FuncEnv, Signature, Ty};
use crate::value::Value;

/// What `toYaml` renders before Helm trims the final newline: sigs.k8s.io/yaml's `Marshal`. The
/// error is the message `mustToYaml` fails with.
pub fn to_yaml(v: &Value) -> Result<String, String> {
    to_yaml::marshal(v)
}

/// `json.Marshal(v)` (what `toJson` renders); the error is Go's message.
pub fn to_json(v: &Value) -> Result<String, String> {
    json::marshal(v, json::COMPACT)
}

/// Reads YAML the way Helm reads a values file or `fromYaml` its argument: sigs.k8s.io/yaml's
/// `Unmarshal` into `map[string]interface{}` (go-yaml v2 resolution, then a JSON round trip, so
/// every number is a float64). The error is Go's message.
pub fn from_yaml_str(text: &str) -> Result<Value, String> {
    as_map(from_yaml::load(text)?)
}

/// A decoded document as a `map[string]interface{}`.
fn as_map(v: Value) -> Result<Value, String> {
    match v {
        Value::Nil => Ok(Value::empty_map()),
        m @ Value::Map(_) => Ok(m),
        other => Err(from_yaml::type_error(&other, MAP_TYPE)),
    }
}

const MAP_TYPE: &str = "map[string]interface {}";
const LIST_TYPE: &str = "[]interface {}";

fn error_map(msg: String) -> Value {
    let mut m = std::collections::BTreeMap::new();
    m.insert("Error".to_string(), Value::string(msg));
    Value::map(m)
}

/// Helm's `fromYaml`: the message goes under `Error`.
fn from_yaml_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let text = arg(&args).as_str().unwrap_or_default();
    Ok(from_yaml::load_cached(text)
        .and_then(as_map)
        .unwrap_or_else(error_map))
}

/// Helm's `fromYamlArray`: a failure is a list holding the message.
fn from_yaml_array_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let text = arg(&args).as_str().unwrap_or_default();
    Ok(match from_yaml::load_cached(text) {
        Ok(Value::Nil) => Value::list(Vec::new()),
        Ok(l @ Value::List(_)) => l,
        Ok(other) => Value::list(vec![Value::string(from_yaml::type_error(
            &other, LIST_TYPE,
        ))]),
        Err(msg) => Value::list(vec![Value::string(msg)]),
    })
}

fn json_type_error(v: &Value, target: &str) -> String {
    format!(
        "json: cannot unmarshal {} into Go value of type {target}",
        json_decode::kind_word(v)
    )
}

/// Helm's `fromJson`: what decoded (a number out of range stays nil) plus an `Error` key.
fn from_json_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let text = arg(&args).as_str().unwrap_or_default();
    Ok(match json_decode::decode(text) {
        Err(msg) => error_map(msg),
        Ok(d) => match d.value {
            Value::Nil => Value::empty_map(),
            m @ Value::Map(_) => {
                if let (Some(msg), Value::Map(inner)) = (d.type_error, &m) {
                    inner
                        .borrow_mut()
                        .insert("Error".to_string(), Value::string(msg));
                }
                m
            }
            other => error_map(json_type_error(&other, MAP_TYPE)),
        },
    })
}

/// Helm's `fromJsonArray`: a failure replaces the list by one holding the message.
fn from_json_array_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let text = arg(&args).as_str().unwrap_or_default();
    Ok(match json_decode::decode(text) {
        Err(msg) => Value::list(vec![Value::string(msg)]),
        Ok(d) => match d.value {
            Value::Nil => Value::list(Vec::new()),
            l @ Value::List(_) => match d.type_error {
                Some(msg) => Value::list(vec![Value::string(msg)]),
                None => l,
            },
            // The kind mismatch is found first; the values inside are never converted.
            other => Value::list(vec![Value::string(json_type_error(&other, LIST_TYPE))]),
        },
    })
}

/// Sprig's `mustFromJson`: any JSON value, or the error.
fn must_from_json_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let text = arg(&args).as_str().unwrap_or_default();
    let d = json_decode::decode(text)?;
    match d.type_error {
        Some(msg) => Err(msg),
        None => Ok(d.value),
    }
}

const ANY: Signature = Signature {
    params: &[Ty::Any],
    variadic: None,
};

const STRING: Signature = Signature {
    params: &[Ty::String],
    variadic: None,
};

fn arg(args: &[Value]) -> &Value {
    args.first().unwrap_or(&Value::Nil)
}

fn trim_newline(s: String) -> String {
    match s.strip_suffix('\n') {
        Some(t) => t.to_string(),
        None => s,
    }
}

fn to_yaml_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::string(
        to_yaml(arg(&args)).map(trim_newline).unwrap_or_default(),
    ))
}

/// Helm's `toYamlPretty` (yaml.v3); errors give "".
fn to_yaml_pretty_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    Ok(Value::string(
        to_yaml::marshal_pretty(arg(&args))
            .map(trim_newline)
            .unwrap_or_default(),
    ))
}

/// Helm's `toToml`: on error the message is the result, but nil panics inside the encoder
/// (Go's reflection), which fails the template.
fn to_toml_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    match toml::encode(arg(&args)) {
        Ok(s) => Ok(Value::string(s)),
        Err(e) if arg(&args).is_nil() => Err(e),
        Err(e) => Ok(Value::string(e)),
    }
}

fn must_to_toml_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    toml::encode(arg(&args)).map(Value::string)
}

/// Helm's `fromToml`: the message goes under `Error`.
fn from_toml_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let text = arg(&args).as_str().unwrap_or_default();
    Ok(toml_decode::decode(text).unwrap_or_else(error_map))
}

fn must_to_yaml_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    to_yaml(arg(&args)).map(|s| Value::string(trim_newline(s)))
}

fn json_fn(style: json::Style, must: bool, args: &[Value]) -> Result<Value, String> {
    match json::marshal(arg(args), style) {
        Ok(s) => Ok(Value::string(s)),
        Err(e) if must => Err(e),
        Err(_) => Ok(Value::str("")),
    }
}

fn to_json_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    json_fn(json::COMPACT, false, &args)
}

fn must_to_json_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    json_fn(json::COMPACT, true, &args)
}

fn to_pretty_json_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    json_fn(json::PRETTY, false, &args)
}

fn must_to_pretty_json_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    json_fn(json::PRETTY, true, &args)
}

/// Sprig's `toRawJson` panics on error, which the template reports like `mustToRawJson`'s.
fn to_raw_json_fn(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    json_fn(json::RAW, true, &args)
}

pub const FUNCS: &[Func] = &[
    Func {
        name: "toYaml",
        sig: ANY,
        body: to_yaml_fn,
    },
    Func {
        name: "mustToYaml",
        sig: ANY,
        body: must_to_yaml_fn,
    },
    Func {
        name: "toYamlPretty",
        sig: ANY,
        body: to_yaml_pretty_fn,
    },
    Func {
        name: "toToml",
        sig: ANY,
        body: to_toml_fn,
    },
    Func {
        name: "mustToToml",
        sig: ANY,
        body: must_to_toml_fn,
    },
    Func {
        name: "fromToml",
        sig: STRING,
        body: from_toml_fn,
    },
    Func {
        name: "toJson",
        sig: ANY,
        body: to_json_fn,
    },
    Func {
        name: "mustToJson",
        sig: ANY,
        body: must_to_json_fn,
    },
    Func {
        name: "toPrettyJson",
        sig: ANY,
        body: to_pretty_json_fn,
    },
    Func {
        name: "mustToPrettyJson",
        sig: ANY,
        body: must_to_pretty_json_fn,
    },
    Func {
        name: "toRawJson",
        sig: ANY,
        body: to_raw_json_fn,
    },
    Func {
        name: "mustToRawJson",
        sig: ANY,
        body: to_raw_json_fn,
    },
    Func {
        name: "fromYaml",
        sig: STRING,
        body: from_yaml_fn,
    },
    Func {
        name: "fromYamlArray",
        sig: STRING,
        body: from_yaml_array_fn,
    },
    Func {
        name: "fromJson",
        sig: STRING,
        body: from_json_fn,
    },
    Func {
        name: "fromJsonArray",
        sig: STRING,
        body: from_json_array_fn,
    },
    Func {
        name: "mustFromJson",
        sig: STRING,
        body: must_from_json_fn,
    },
];
