//! Helm's encoders and decoders: `toYaml` (sigs.k8s.io/yaml + go-yaml v2's emitter), `toJson`
//! (encoding/json), `fromYaml`, `fromJson`, `toToml`, and their variants, with Sprig's JSON
//! functions (`toPrettyJson`, `toRawJson`, `mustFromJson`, …). This table is registered after
//! Sprig's, so Helm's `toJson`/`fromJson` replace Sprig's as in Helm's `funcMap`.
//!
//! Helm's non-`must` functions swallow errors: `toYaml`/`toJson` give "", `fromYaml`/`fromJson`
//! put the message under an `Error` key (`fromYamlArray`/`fromJsonArray`: a one-item list).

mod emitter;
mod float;
mod json;
mod resolve;
mod sorter;
mod timestamp;
mod to_yaml;

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
    let _ = text;
    Err("fromYaml: not implemented yet".into())
}

const ANY: Signature = Signature {
    params: &[Ty::Any],
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
];
