pub fn emit(_v: &serde_json::Value) -> String {
    String::new()
}
pub fn emit_node(_n: &super::Node) -> String {
    String::new()
}
