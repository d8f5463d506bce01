//! Label selectors (`metav1.LabelSelector`), Service selectors (plain maps) and node selector
//! terms, evaluated on the JSON of defaulted objects.

use serde_json::{Map, Value};

fn label<'a>(labels: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    labels.get(key).and_then(Value::as_str)
}

fn values(req: &Value) -> Vec<&str> {
    req.get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Every key/value of a plain map selector is on `labels`. An empty map selects everything.
pub fn map_matches(selector: &Map<String, Value>, labels: &Map<String, Value>) -> bool {
    selector.iter().all(|(k, v)| match v {
        Value::String(s) => label(labels, k) == Some(s.as_str()),
        other => labels.get(k).map(|l| l.to_string()) == Some(other.to_string()),
    })
}

/// A `LabelSelector`: matchLabels and matchExpressions. `{}` matches everything; absent
/// (`Null`) matches nothing, as for a nil selector.
pub fn label_selector_matches(selector: &Value, labels: &Map<String, Value>) -> bool {
    let Some(sel) = selector.as_object() else {
        return false;
    };
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object)
        && !map_matches(ml, labels)
    {
        return false;
    }
    let exprs = sel
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    exprs.iter().all(|req| {
        let key = req.get("key").and_then(Value::as_str).unwrap_or("");
        let have = label(labels, key);
        match req.get("operator").and_then(Value::as_str).unwrap_or("") {
            "In" => have.is_some_and(|h| values(req).contains(&h)),
            "NotIn" => have.is_none_or(|h| !values(req).contains(&h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            _ => false,
        }
    })
}

/// One `NodeSelectorTerm` (matchExpressions on labels, matchFields on `metadata.name`).
pub fn node_term_matches(term: &Value, node_name: &str, labels: &Map<String, Value>) -> bool {
    let exprs = term
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let fields = term
        .get("matchFields")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    if exprs.is_empty() && fields.is_empty() {
        // An empty term matches no objects.
        return false;
    }
    let eval = |req: &Value, have: Option<&str>| {
        let vals = values(req);
        match req.get("operator").and_then(Value::as_str).unwrap_or("") {
            "In" => have.is_some_and(|h| vals.contains(&h)),
            "NotIn" => have.is_none_or(|h| !vals.contains(&h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            op @ ("Gt" | "Lt") => {
                let (Some(h), Some(v)) = (
                    have.and_then(|h| h.parse::<i64>().ok()),
                    vals.first().and_then(|v| v.parse::<i64>().ok()),
                ) else {
                    return false;
                };
                if op == "Gt" { h > v } else { h < v }
            }
            _ => false,
        }
    };
    exprs.iter().all(|r| {
        eval(
            r,
            label(labels, r.get("key").and_then(Value::as_str).unwrap_or("")),
        )
    }) && fields.iter().all(|r| {
        let is_name = r.get("key").and_then(Value::as_str) == Some("metadata.name");
        is_name && eval(r, Some(node_name))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn selectors_match_like_kubernetes() {
        let labels = obj(json!({"app": "web", "tier": "front"}));
        assert!(label_selector_matches(
            &json!({"matchLabels": {"app": "web"}}),
            &labels
        ));
        assert!(!label_selector_matches(
            &json!({"matchLabels": {"app": "db"}}),
            &labels
        ));
        assert!(label_selector_matches(&json!({}), &labels));
        assert!(!label_selector_matches(&Value::Null, &labels));
        assert!(label_selector_matches(
            &json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}),
            &labels
        ));
        assert!(map_matches(&obj(json!({"app": "web"})), &labels));
        let term = json!({"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}]});
        assert!(node_term_matches(
            &term,
            "n",
            &obj(json!({"kubernetes.io/os": "linux"}))
        ));
        assert!(!node_term_matches(&term, "n", &obj(json!({}))));
    }
}
