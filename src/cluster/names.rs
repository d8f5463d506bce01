//! Name and key syntax checks of `apimachinery/pkg/util/validation`, returning the API server's
//! detail texts (empty vector = valid).

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const CONFIG_KEY_MSG: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
/// `IsValidPortNum`'s message.
pub const PORT_NUMBER_MSG: &str = "must be between 1 and 65535, inclusive";
const ENV_VAR_MSG: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

fn is_alnum_lower(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn dns_label_shape(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => {
            is_alnum_lower(f)
                && is_alnum_lower(l)
                && b.iter().all(|&c| is_alnum_lower(c) || c == b'-')
        }
        _ => false,
    }
}

fn max_len(s: &str, n: usize) -> Option<String> {
    (s.len() > n).then(|| format!("must be no more than {n} characters"))
}

pub fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs: Vec<String> = max_len(s, 63).into_iter().collect();
    if !dns_label_shape(s) {
        if dns1123_subdomain(s).is_empty() {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(DNS1123_LABEL_MSG.to_string());
        }
    }
    errs
}

pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs: Vec<String> = max_len(s, 253).into_iter().collect();
    if s.is_empty() || !s.split('.').all(dns_label_shape) {
        errs.push(DNS1123_SUBDOMAIN_MSG.to_string());
    }
    errs
}

pub fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs: Vec<String> = max_len(s, 63).into_iter().collect();
    let starts_alpha = s.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    if !starts_alpha || !dns_label_shape(s) {
        errs.push(DNS1035_LABEL_MSG.to_string());
    }
    errs
}

/// Role, ClusterRole and the bindings only need a valid path segment.
pub fn path_segment(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s == "." || s == ".." {
        errs.push(format!("may not be '{s}'"));
    }
    for bad in ["/", "%"] {
        if s.contains(bad) {
            errs.push(format!("may not contain '{bad}'"));
        }
    }
    errs
}

fn qualified_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// Label keys, annotation keys, finalizers (`IsQualifiedName`).
pub fn qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                for e in dns1123_subdomain(prefix) {
                    errs.push(format!("prefix part {e}"));
                }
            }
            name
        }
        _ => {
            errs.push(format!("{QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else {
        if name.len() > 63 {
            errs.push("name part must be no more than 63 characters".to_string());
        }
        if !qualified_name_part(name) {
            errs.push(QUALIFIED_NAME_MSG.to_string());
        }
    }
    errs
}

pub fn label_value(s: &str) -> Vec<String> {
    let mut errs: Vec<String> = max_len(s, 63).into_iter().collect();
    if !s.is_empty() && !qualified_name_part(s) {
        errs.push(LABEL_VALUE_MSG.to_string());
    }
    errs
}

/// IANA service names (container port names, named target ports).
pub fn iana_svc_name(s: &str) -> Vec<String> {
    let mut errs: Vec<String> = max_len(s, 15).into_iter().collect();
    let b = s.as_bytes();
    if !b.iter().all(|&c| is_alnum_lower(c) || c == b'-') {
        errs.push(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
        );
    }
    if s.contains("--") {
        errs.push("must not contain consecutive hyphens".to_string());
    }
    if !b.iter().any(u8::is_ascii_lowercase) {
        errs.push("must contain at least one letter (a-z)".to_string());
    }
    if s.starts_with('-') || s.ends_with('-') {
        errs.push("must not begin or end with a hyphen".to_string());
    }
    errs
}

/// The API server's `.` / `..` checks of key and variable names (they become file names).
fn dot_names(s: &str) -> Option<String> {
    let msg = match s {
        "." => "must not be '.'",
        ".." => "must not be '..'",
        _ if s.starts_with("..") => "must not start with '..'",
        _ => return None,
    };
    Some(msg.to_string())
}

/// ConfigMap and Secret data keys, and keyRef keys.
pub fn config_key(s: &str) -> Vec<String> {
    let mut errs: Vec<String> = max_len(s, 253).into_iter().collect();
    if s.is_empty()
        || !s
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        errs.push(CONFIG_KEY_MSG.to_string());
    }
    errs.extend(dot_names(s));
    errs
}

pub fn env_var_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let b = s.as_bytes();
    let ok_first = b
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'-' | b'.' | b'_'));
    if !ok_first
        || !b
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_'))
    {
        errs.push(ENV_VAR_MSG.to_string());
    }
    errs.extend(dot_names(s));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert!(dns1123_label("web-1").is_empty());
        assert!(dns1123_label("1web").is_empty());
        assert_eq!(dns1123_label("a.b"), vec!["must not contain dots"]);
        assert!(!dns1123_label("Web").is_empty());
        assert!(dns1123_subdomain("a.b-c.d").is_empty());
        assert!(!dns1123_subdomain("a..b").is_empty());
        assert!(!dns1035_label("1web").is_empty());
        assert!(dns1035_label("web").is_empty());
        assert_eq!(
            dns1123_label(&"a".repeat(64)),
            vec!["must be no more than 63 characters"]
        );
    }

    #[test]
    fn labels_and_keys() {
        assert!(qualified_name("app.kubernetes.io/name").is_empty());
        assert!(!qualified_name("a/b/c").is_empty());
        assert!(!qualified_name("-x").is_empty());
        assert!(label_value("").is_empty());
        assert!(!label_value("a b").is_empty());
        assert!(iana_svc_name("http").is_empty());
        assert!(!iana_svc_name("8080").is_empty());
        assert!(!iana_svc_name("a-very-long-port-name").is_empty());
        assert!(config_key("tls.crt").is_empty());
        assert!(!config_key("a/b").is_empty());
        assert!(env_var_name("MY_VAR").is_empty());
        assert!(!env_var_name("1VAR").is_empty());
    }
}
