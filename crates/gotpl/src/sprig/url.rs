//! Sprig's `urlParse` and `urlJoin` (url.go over Go's `net/url` `Parse` and `URL.String`), and
//! `getHostByName`, which Helm answers with "" unless DNS lookups are enabled: kforge never
//! touches the network from a template.

use std::collections::BTreeMap;

use super::{f, map, string};
use crate::fmt::quote as go_quote;
use crate::func::{Func, FuncEnv, Ty};
use crate::value::Value;

use Ty::{Map, String as S};

pub const FUNCS: &[Func] = &[
    f("urlParse", &[S], None, url_parse),
    f("urlJoin", &[Map], None, url_join),
    f("getHostByName", &[S], None, get_host_by_name),
];

fn get_host_by_name(_: &mut FuncEnv, _: Vec<Value>) -> Result<Value, String> {
    Ok(Value::str(""))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    /// An IPv6 literal with its zone: `%` escapes of any byte.
    Zone,
    UserPassword,
    Fragment,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host | Mode::Zone => true,
            };
        }
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(char::from(c));
        }
    }
    out
}

fn unhex(c: u8) -> Option<u8> {
    char::from(c).to_digit(16).map(|d| d as u8)
}

/// `strconv.Quote` of bytes that may end inside a character (`"%,\xc3"`).
fn quote_bytes(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for chunk in bytes.utf8_chunks() {
        let quoted = go_quote(chunk.valid());
        out.push_str(quoted.get(1..quoted.len() - 1).unwrap_or_default());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

/// `net/url.unescape`.
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'%' => {
                let (Some(h), Some(l)) = (
                    b.get(i + 1).and_then(|&x| unhex(x)),
                    b.get(i + 2).and_then(|&x| unhex(x)),
                ) else {
                    let bad = b.get(i..(i + 3).min(b.len())).unwrap_or_default();
                    return Err(format!("invalid URL escape {}", quote_bytes(bad)));
                };
                if mode == Mode::Host && h < 8 && b.get(i..i + 3) != Some(b"%25") {
                    let bad = b.get(i..i + 3).unwrap_or_default();
                    return Err(format!("invalid URL escape {}", quote_bytes(bad)));
                }
                out.push(h << 4 | l);
                i += 3;
            }
            _ => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    let bad = s.get(i..=i).unwrap_or_default();
                    return Err(format!("invalid character {} in host name", go_quote(bad)));
                }
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(super::lossy(&out))
}

#[derive(Default)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<(String, Option<String>)>,
    host: String,
    path: String,
    raw_query: String,
    force_query: bool,
    fragment: String,
    omit_host: bool,
}

fn get_scheme(raw: &str) -> Result<(String, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok((String::new(), raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".into());
                }
                let scheme = raw.get(..i).unwrap_or_default().to_string();
                return Ok((scheme, raw.get(i + 1..).unwrap_or_default()));
            }
            _ => return Ok((String::new(), raw)),
        }
    }
    Ok((String::new(), raw))
}

fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        _ if port.is_empty() => true,
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let colon_port = host.get(i + 1..).unwrap_or_default();
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
        // Only an IPv6 address may stand in brackets (a zone after `%25` is allowed).
        let inner = host.get(1..i).unwrap_or_default();
        let unescaped = unescape(inner, Mode::Zone)?;
        let address = unescaped.split('%').next().unwrap_or_default();
        if address.parse::<std::net::Ipv4Addr>().is_ok() {
            return Err("invalid IP-literal".into());
        }
        if address.parse::<std::net::Ipv6Addr>().is_err() {
            return Err(format!(
                "invalid host: ParseAddr({}): unable to parse IP",
                go_quote(&unescaped)
            ));
        }
        return Ok(format!("[{unescaped}]{colon_port}"));
    }
    if host.contains('[') {
        return Err("invalid IP-literal".into());
    }
    if let Some(i) = host.rfind(':') {
        let colon_port = host.get(i..).unwrap_or_default();
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", go_quote(colon_port)));
        }
    }
    unescape(host, Mode::Host)
}

fn valid_userinfo(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c))
}

type User = Option<(String, Option<String>)>;

fn parse_authority(authority: &str) -> Result<(User, String), String> {
    let at = authority.rfind('@');
    let host = parse_host(match at {
        Some(i) => authority.get(i + 1..).unwrap_or_default(),
        None => authority,
    })?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let userinfo = authority.get(..i).unwrap_or_default();
    if !valid_userinfo(userinfo) {
        return Err("net/url: invalid userinfo".into());
    }
    let user = match userinfo.split_once(':') {
        None => (unescape(userinfo, Mode::UserPassword)?, None),
        Some((name, password)) => (
            unescape(name, Mode::UserPassword)?,
            Some(unescape(password, Mode::UserPassword)?),
        ),
    };
    Ok((Some(user), host))
}

/// `net/url.Parse`; the error as `url.Error` prints it.
fn parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let wrap = |target: &str, e: String| format!("parse {}: {e}", go_quote(target));
    let mut url = parse_without_fragment(u).map_err(|e| wrap(u, e))?;
    if !frag.is_empty() {
        url.fragment = unescape(frag, Mode::Fragment).map_err(|e| wrap(raw, e))?;
    }
    Ok(url)
}

fn parse_without_fragment(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".into();
        return Ok(url);
    }
    let (scheme, mut rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = rest.get(..rest.len() - 1).unwrap_or_default();
    } else if let Some((before, query)) = rest.split_once('?') {
        url.raw_query = query.to_string();
        rest = before;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest.to_string();
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or_default();
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let authority_and_path = rest.get(2..).unwrap_or_default();
        let (authority, path) = match authority_and_path.find('/') {
            Some(i) => authority_and_path.split_at(i),
            None => (authority_and_path, ""),
        };
        let (user, host) = parse_authority(authority)?;
        url.user = user;
        url.host = host;
        rest = path;
    } else if !url.scheme.is_empty() && rest.starts_with('/') {
        url.omit_host = true;
    }
    url.path = unescape(rest, Mode::Path)?;
    Ok(url)
}

fn user_string(user: &(String, Option<String>)) -> String {
    let mut s = escape(&user.0, Mode::UserPassword);
    if let Some(p) = &user.1 {
        s.push(':');
        s.push_str(&escape(p, Mode::UserPassword));
    }
    s
}

/// `URL.Hostname`: the host without its port and IPv6 brackets.
fn hostname(host: &str) -> &str {
    let mut h = host;
    if let Some(colon) = h.rfind(':')
        && valid_optional_port(h.get(colon..).unwrap_or_default())
    {
        h = h.get(..colon).unwrap_or_default();
    }
    h.strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .unwrap_or(h)
}

fn url_parse(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let url = parse(string(&a, 0)?).map_err(|e| format!("unable to parse url: {e}"))?;
    let mut d = BTreeMap::new();
    let mut put = |k: &str, v: &str| {
        d.insert(k.to_string(), Value::str(v));
    };
    put("scheme", &url.scheme);
    put("host", &url.host);
    put("hostname", hostname(&url.host));
    put("path", &url.path);
    put("query", &url.raw_query);
    put("opaque", &url.opaque);
    put("fragment", &url.fragment);
    put(
        "userinfo",
        &url.user.as_ref().map(user_string).unwrap_or_default(),
    );
    Ok(Value::map(d))
}

/// `URL.String`.
fn url_string(u: &Url) -> String {
    let mut buf = String::new();
    if !u.scheme.is_empty() {
        buf.push_str(&u.scheme);
        buf.push(':');
    }
    if !u.opaque.is_empty() {
        buf.push_str(&u.opaque);
    } else {
        let has_authority = !u.scheme.is_empty() || !u.host.is_empty() || u.user.is_some();
        let omit_empty_host = u.omit_host && u.host.is_empty() && u.user.is_none();
        if has_authority && !omit_empty_host {
            if !u.host.is_empty() || !u.path.is_empty() || u.user.is_some() {
                buf.push_str("//");
            }
            if let Some(user) = &u.user {
                buf.push_str(&user_string(user));
                buf.push('@');
            }
            buf.push_str(&escape(&u.host, Mode::Host));
        }
        let path = if u.path == "*" {
            "*".to_string()
        } else {
            escape(&u.path, Mode::Path)
        };
        if !path.is_empty() && !path.starts_with('/') && !u.host.is_empty() {
            buf.push('/');
        }
        if buf.is_empty() && path.split('/').next().is_some_and(|s| s.contains(':')) {
            buf.push_str("./");
        }
        buf.push_str(&path);
    }
    if u.force_query || !u.raw_query.is_empty() {
        buf.push('?');
        buf.push_str(&u.raw_query);
    }
    if !u.fragment.is_empty() {
        buf.push('#');
        buf.push_str(&escape(&u.fragment, Mode::Fragment));
    }
    buf
}

fn url_join(_: &mut FuncEnv, a: Vec<Value>) -> Result<Value, String> {
    let d = map(&a, 0)?;
    let get = |key: &str| -> Result<String, String> {
        let v = d.as_ref().and_then(|m| m.borrow().get(key).cloned());
        match v {
            None => Ok(String::new()),
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(Value::Nil) => Err(super::list::NIL_DEREFERENCE.into()),
            Some(other) => Err(format!(
                "unable to parse {key} key, must be of type string, but {} found",
                other.kind_name()
            )),
        }
    };
    let mut url = Url {
        scheme: get("scheme")?,
        host: get("host")?,
        path: get("path")?,
        raw_query: get("query")?,
        opaque: get("opaque")?,
        fragment: get("fragment")?,
        ..Url::default()
    };
    let userinfo = get("userinfo")?;
    if !userinfo.is_empty() {
        let temp = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| format!("unable to parse userinfo in dict: {e}"))?;
        url.user = temp.user;
    }
    Ok(Value::string(url_string(&url)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> String {
        let v = url_parse(&mut FuncEnv::default(), vec![Value::str(raw)]).unwrap();
        super::super::sprint_v(&v)
    }

    #[test]
    fn parse_splits_like_net_url() {
        assert_eq!(
            parsed("https://u:p%40ss@example.com:8080/a%20b?x=1&y=2#fr%20ag"),
            "map[fragment:fr ag host:example.com:8080 hostname:example.com opaque: path:/a b query:x=1&y=2 scheme:https userinfo:u:p%40ss]"
        );
        assert_eq!(
            parsed("mailto:joe@example.com"),
            "map[fragment: host: hostname: opaque:joe@example.com path: query: scheme:mailto userinfo:]"
        );
        let err = url_parse(&mut FuncEnv::default(), vec![Value::str("http://[::1")]);
        assert_eq!(
            err.unwrap_err(),
            "unable to parse url: parse \"http://[::1\": missing ']' in host"
        );
    }

    #[test]
    fn join_rebuilds_like_url_string() {
        let d = |pairs: &[(&str, &str)]| {
            Value::map(
                pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::str(v)))
                    .collect(),
            )
        };
        let joined = |v: Value| {
            url_join(&mut FuncEnv::default(), vec![v])
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            joined(d(&[
                ("scheme", "https"),
                ("host", "example.com"),
                ("path", "a b"),
                ("query", "x=1"),
                ("fragment", "f g"),
                ("userinfo", "u:p"),
            ])),
            "https://u:p@example.com/a%20b?x=1#f%20g"
        );
    }
}
