//! Helm's `toYAML` (pkg/engine/funcs.go) for the built-in objects that print YAML
//! (`.Files.AsConfig`, `.Files.AsSecrets`): sigs.k8s.io/yaml's output without its final
//! newline, and "" when it fails.

use kforge_gotpl::Value;

pub fn to_yaml(v: &Value) -> String {
    match kforge_gotpl::encode::to_yaml(v) {
        Ok(s) => s.strip_suffix('\n').unwrap_or(&s).to_string(),
        Err(_) => String::new(),
    }
}
