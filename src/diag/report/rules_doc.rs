use crate::diag::Rule;
pub fn rule_doc_url(id: &str) -> String {
    id.to_string()
}
pub fn rules_list() -> String {
    String::new()
}
pub fn rule_explain(rule: &Rule) -> String {
    rule.id.to_string()
}
pub fn rules_markdown() -> String {
    String::new()
}
pub fn rules_reference_markdown() -> String {
    String::new()
}
