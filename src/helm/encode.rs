//! Helm's `toYAML` (pkg/engine/funcs.go) for the built-in objects that print YAML
//! (`.Files.AsConfig`, `.Files.AsSecrets`): the engine's own `toYaml`, and "" when it fails.

use kforge_gotpl::Value;
use kforge_gotpl::func::FuncEnv;

pub fn to_yaml(v: &Value) -> String {
    let Some(f) = kforge_gotpl::funcs::lookup("toYaml") else {
        return String::new();
    };
    match (f.body)(&mut FuncEnv::default(), vec![v.clone()]) {
        Ok(Value::Str(s)) => s.to_string(),
        _ => String::new(),
    }
}
