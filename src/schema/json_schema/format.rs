//! `format`, asserted as Helm's validator asserts it: in drafts 4, 6 and 7 only (2019-09 and
//! 2020-12 treat it as an annotation), for the formats named here; any other name passes.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ipv4,
    Ipv6,
    Email,
    Hostname,
    Date,
    Time,
    DateTime,
    Uuid,
    JsonPointer,
    Regex,
    Uri,
}

impl Format {
    pub fn named(name: &str) -> Option<Format> {
        Some(match name {
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            "email" => Format::Email,
            "hostname" => Format::Hostname,
            "date" => Format::Date,
            "time" => Format::Time,
            "date-time" => Format::DateTime,
            "uuid" => Format::Uuid,
            "json-pointer" => Format::JsonPointer,
            "regex" => Format::Regex,
            "uri" | "iri" => Format::Uri,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Email => "email",
            Format::Hostname => "hostname",
            Format::Date => "date",
            Format::Time => "time",
            Format::DateTime => "date-time",
            Format::Uuid => "uuid",
            Format::JsonPointer => "json-pointer",
            Format::Regex => "regex",
            Format::Uri => "uri",
        }
    }

    /// Non-strings always pass; the error says why a string does not.
    pub fn check(self, v: &Value) -> Result<(), String> {
        let Value::String(s) = v else { return Ok(()) };
        match self {
            Format::Ipv4 => ipv4(s),
            Format::Ipv6 => s
                .parse::<std::net::Ipv6Addr>()
                .map(|_| ())
                .map_err(|_| "invalid ipv6 address".into()),
            Format::Email => email(s),
            Format::Hostname => hostname(s),
            Format::Date => date(s),
            Format::Time => time(s),
            Format::DateTime => {
                let (d, t) = s
                    .split_once(['T', 't'])
                    .ok_or_else(|| "missing 'T' between date and time".to_string())?;
                date(d)?;
                time(t)
            }
            Format::Uuid => uuid(s),
            Format::JsonPointer => json_pointer(s),
            Format::Regex => regex::RegexBuilder::new(s)
                .size_limit(super::compile::REGEX_SIZE_LIMIT)
                .build()
                .map(|_| ())
                .map_err(super::compile::regex_why),
            Format::Uri => {
                let scheme = s.split_once(':').map(|(a, _)| a).unwrap_or_default();
                let ok = scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
                if ok { Ok(()) } else { Err("no scheme".into()) }
            }
        }
    }
}

fn ipv4(s: &str) -> Result<(), String> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return Err("expected four decimals".into());
    }
    for p in parts {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err("invalid decimal".into());
        }
        if p.len() > 1 && p.starts_with('0') {
            return Err("leading zeros not allowed".into());
        }
        if p.parse::<u32>().map_or(true, |n| n > 255) {
            return Err("decimal must be between 0 and 255".into());
        }
    }
    Ok(())
}

fn hostname(s: &str) -> Result<(), String> {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() || s.len() > 253 {
        return Err("invalid length".into());
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err("label must be 1 to 63 characters long".into());
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label {label:?} starts or ends with hyphen"));
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            return Err(format!("invalid character in label {label:?}"));
        }
    }
    Ok(())
}

fn email(s: &str) -> Result<(), String> {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Err("missing @".into());
    };
    if local.is_empty() || local.len() > 64 {
        return Err("invalid local part".into());
    }
    if let Some(ip) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return match ip.strip_prefix("IPv6:") {
            Some(v6) => v6
                .parse::<std::net::Ipv6Addr>()
                .map(|_| ())
                .map_err(|_| "invalid ipv6 address".into()),
            None => ipv4(ip),
        };
    }
    hostname(domain)
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn date(s: &str) -> Result<(), String> {
    let bad = || format!("{s:?} is not a date (YYYY-MM-DD)");
    let mut it = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return Err(bad());
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err("invalid month".into()),
    };
    if d == 0 || d > days {
        return Err("invalid day".into());
    }
    Ok(())
}

fn time(s: &str) -> Result<(), String> {
    let bad = || format!("{s:?} is not a time (hh:mm:ss with offset)");
    let (clock, zone) = if let Some(c) = s.strip_suffix(['Z', 'z']) {
        (c, "")
    } else {
        let i = s.rfind(['+', '-']).ok_or_else(bad)?;
        (
            s.get(..i).unwrap_or_default(),
            s.get(i + 1..).unwrap_or_default(),
        )
    };
    if !zone.is_empty() {
        let (h, m) = zone.split_once(':').ok_or_else(bad)?;
        if digits(h, 2).is_none_or(|h| h > 23) || digits(m, 2).is_none_or(|m| m > 59) {
            return Err(bad());
        }
    }
    let clock = clock.split_once('.').map_or(clock, |(c, frac)| {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            "x"
        } else {
            c
        }
    });
    let mut it = clock.split(':');
    let (Some(h), Some(m), Some(sec), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    match (digits(h, 2), digits(m, 2), digits(sec, 2)) {
        (Some(h), Some(m), Some(sec)) if h <= 23 && m <= 59 && sec <= 60 => Ok(()),
        _ => Err(bad()),
    }
}

fn uuid(s: &str) -> Result<(), String> {
    let groups: Vec<&str> = s.split('-').collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    if lens != [8, 4, 4, 4, 12]
        || !groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err("not 8-4-4-4-12 hexadecimal digits".into());
    }
    Ok(())
}

fn json_pointer(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    if !s.starts_with('/') {
        return Err("not starting with /".into());
    }
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err("~ must be followed by 0 or 1".into());
        }
    }
    Ok(())
}
