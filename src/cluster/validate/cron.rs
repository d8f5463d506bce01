//! CronJob `schedule` (robfig/cron/v3 `ParseStandard`, as the API server uses it) and `timeZone`.
//!
//! Time zones are checked by a well-formedness rule, not against the tz database (kforge embeds
//! none): `UTC`, `GMT`, `Etc/...`, or `Area/Location[/Sub]` where Area is one of the IANA
//! areas (Africa, America, Antarctica, Arctic, Asia, Atlantic, Australia, Europe, Indian,
//! Pacific) and each part is letters, digits, `_`, `-` or `+`, starting with an upper-case
//! letter. `Local` is rejected as the API server does. A well-formed but non-existent zone
//! (`Europe/Atlantis`) is therefore not caught.

const AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
];
const SINGLE_ZONES: &[&str] = &[
    "UTC",
    "GMT",
    "Etc/UTC",
    "Etc/GMT",
    "Zulu",
    "Universal",
    "Greenwich",
];

const DESCRIPTORS: &[&str] = &[
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

struct Bounds {
    min: i64,
    max: i64,
    names: &'static [&'static str],
}

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: &[&str] = &["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

const FIELDS: [Bounds; 5] = [
    Bounds {
        min: 0,
        max: 59,
        names: &[],
    },
    Bounds {
        min: 0,
        max: 23,
        names: &[],
    },
    Bounds {
        min: 1,
        max: 31,
        names: &[],
    },
    Bounds {
        min: 1,
        max: 12,
        names: MONTHS,
    },
    Bounds {
        min: 0,
        max: 6,
        names: DAYS,
    },
];

/// `Err` carries robfig's error text.
pub fn parse_schedule(spec: &str) -> Result<(), String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err("empty spec string".to_string());
    }
    if let Some(rest) = spec.strip_prefix('@') {
        if DESCRIPTORS.contains(&spec) {
            return Ok(());
        }
        if let Some(d) = rest.strip_prefix("every ") {
            return if valid_duration(d.trim()) {
                Ok(())
            } else {
                Err(format!(
                    "failed to parse duration {spec}: time: invalid duration {}",
                    quote_go(d.trim())
                ))
            };
        }
        return Err(format!("unrecognized descriptor: {spec}"));
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    for (field, bounds) in fields.iter().zip(FIELDS.iter()) {
        for expr in field.split(',') {
            range(expr, bounds)?;
        }
    }
    Ok(())
}

fn quote_go(s: &str) -> String {
    format!("\"{s}\"")
}

fn parse_int(s: &str) -> Result<i64, String> {
    let n: i64 = s.parse().map_err(|_| {
        format!(
            "failed to parse int from {s}: strconv.Atoi: parsing {}: invalid syntax",
            quote_go(s)
        )
    })?;
    if n < 0 {
        return Err(format!("negative number ({n}) not allowed: {s}"));
    }
    Ok(n)
}

fn int_or_name(s: &str, names: &[&str]) -> Result<i64, String> {
    let lower = s.to_ascii_lowercase();
    if let Some(i) = names.iter().position(|n| *n == lower) {
        // Month names start at 1, day names at 0.
        let offset = if names.len() == 12 { 1 } else { 0 };
        return Ok(i as i64 + offset);
    }
    parse_int(s)
}

fn range(expr: &str, r: &Bounds) -> Result<(), String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step
        .first()
        .copied()
        .unwrap_or("")
        .split('-')
        .collect();
    let single = low_high.len() == 1;
    let (start, mut end) = match low_high.as_slice() {
        ["*" | "?"] => (r.min, r.max),
        [one] => {
            let v = int_or_name(one, r.names)?;
            (v, v)
        }
        [lo, hi] => (int_or_name(lo, r.names)?, int_or_name(hi, r.names)?),
        _ => return Err(format!("too many hyphens: {expr}")),
    };
    let step = match range_and_step.as_slice() {
        [_] => 1,
        [_, step] => {
            let s = parse_int(step)?;
            if single {
                end = r.max;
            }
            s
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < r.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            r.min
        ));
    }
    if end > r.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            r.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(())
}

/// Go `time.ParseDuration` shape: one or more `<number><unit>`.
fn valid_duration(d: &str) -> bool {
    let mut rest = d;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_end == 0 {
            return false;
        }
        rest = rest.get(num_end..).unwrap_or("");
        let unit = ["ns", "us", "µs", "ms", "h", "m", "s"]
            .iter()
            .find(|u| rest.starts_with(*u));
        let Some(unit) = unit else { return false };
        rest = rest.get(unit.len()..).unwrap_or("");
    }
    true
}

/// `Err` carries the API server's detail text.
pub fn check_time_zone(tz: &str) -> Result<(), String> {
    if tz.eq_ignore_ascii_case("local") {
        return Err(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
                .to_string(),
        );
    }
    if SINGLE_ZONES.contains(&tz) {
        return Ok(());
    }
    let parts: Vec<&str> = tz.split('/').collect();
    let well_formed = parts.len() >= 2
        && parts.first().is_some_and(|a| AREAS.contains(a))
        && parts.iter().all(|p| {
            p.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        });
    if well_formed {
        Ok(())
    } else {
        Err(format!("unknown time zone {tz}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_parse_like_robfig() {
        assert!(parse_schedule("*/5 * * * *").is_ok());
        assert!(parse_schedule("0 3 * * MON-FRI").is_ok());
        assert!(parse_schedule("@hourly").is_ok());
        assert!(parse_schedule("@every 1h30m").is_ok());
        assert_eq!(
            parse_schedule("* * * * * *"),
            Err("expected exactly 5 fields, found 6: [* * * * * *]".to_string())
        );
        assert_eq!(
            parse_schedule("60 * * * *"),
            Err("end of range (60) above maximum (59): 60".to_string())
        );
        assert_eq!(
            parse_schedule("@fortnightly"),
            Err("unrecognized descriptor: @fortnightly".to_string())
        );
        assert!(parse_schedule("x * * * *").is_err());
    }

    #[test]
    fn time_zones_are_well_formed() {
        assert!(check_time_zone("Europe/Berlin").is_ok());
        assert!(check_time_zone("America/Argentina/Buenos_Aires").is_ok());
        assert!(check_time_zone("UTC").is_ok());
        assert!(check_time_zone("Local").is_err());
        assert_eq!(
            check_time_zone("Mars/Olympus"),
            Err("unknown time zone Mars/Olympus".to_string())
        );
    }
}
