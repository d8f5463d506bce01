//! `semver_compare`: a subset of Masterminds constraints (what charts use with
//! `capabilities.kube_version.version`): `=`, `!=`, `>`, `>=`, `<`, `<=`, `~`, `^`, wildcards
//! (`1.2.x`), partial versions (`1.19`), `v` prefixes, `-0` pre-release floors, comma or space
//! separated AND, `||` OR.

use semver::{Prerelease, Version};

/// A version as written in a constraint: missing or wildcard parts are `None`.
struct Partial {
    parts: [Option<u64>; 3],
    pre: String,
}

fn parse_partial(text: &str) -> Result<Partial, String> {
    let t = text.trim().trim_start_matches(['v', 'V']);
    let (nums, pre) = match t.split_once('-') {
        Some((n, p)) => (n, p.to_string()),
        None => (t, String::new()),
    };
    let nums = nums.split_once('+').map_or(nums, |(n, _)| n);
    let mut parts = [None; 3];
    for (i, p) in nums.split('.').enumerate() {
        let slot = parts
            .get_mut(i)
            .ok_or_else(|| format!("invalid version `{text}`"))?;
        *slot = match p {
            "x" | "X" | "*" => None,
            _ => Some(
                p.parse::<u64>()
                    .map_err(|_| format!("invalid version `{text}`"))?,
            ),
        };
    }
    Ok(Partial { parts, pre })
}

fn version(major: u64, minor: u64, patch: u64, pre: &str) -> Result<Version, String> {
    let mut v = Version::new(major, minor, patch);
    if !pre.is_empty() {
        v.pre = Prerelease::new(pre).map_err(|e| e.to_string())?;
    }
    Ok(v)
}

/// Parses a version to test (`v1.29.3`, `1.29`, `1.29.3-gke.1200`).
pub fn parse_version(text: &str) -> Result<Version, String> {
    let p = parse_partial(text)?;
    let [a, b, c] = p.parts;
    version(a.unwrap_or(0), b.unwrap_or(0), c.unwrap_or(0), &p.pre)
}

/// Lower (inclusive) and upper (exclusive) bounds of a comparator.
fn check(op: &str, p: &Partial, v: &Version) -> Result<bool, String> {
    let [a, b, c] = p.parts;
    let floor = version(a.unwrap_or(0), b.unwrap_or(0), c.unwrap_or(0), &p.pre)?;
    // The first version after the wildcard range (`1.2` / `1.2.x` → 1.3.0).
    let next = |bump_at: usize| -> Result<Version, String> {
        match bump_at {
            0 => version(a.unwrap_or(0) + 1, 0, 0, "0"),
            1 => version(a.unwrap_or(0), b.unwrap_or(0) + 1, 0, "0"),
            _ => version(a.unwrap_or(0), b.unwrap_or(0), c.unwrap_or(0) + 1, "0"),
        }
    };
    let wildcard_at = p.parts.iter().position(Option::is_none);
    let in_range = |lo: &Version, hi: &Version| v >= lo && v < hi;
    Ok(match op {
        "" | "=" | "==" => match wildcard_at {
            Some(0) => true,
            Some(i) => in_range(&floor, &next(i - 1)?),
            None => *v == floor,
        },
        "!=" => match wildcard_at {
            Some(0) => false,
            Some(i) => !in_range(&floor, &next(i - 1)?),
            None => *v != floor,
        },
        ">" => match wildcard_at {
            Some(0) => false,
            Some(i) => *v >= next(i - 1)?,
            None => *v > floor,
        },
        ">=" | "=>" => *v >= floor,
        "<" => *v < floor,
        "<=" | "=<" => match wildcard_at {
            Some(0) => true,
            Some(i) => *v < next(i - 1)?,
            None => *v <= floor,
        },
        "~" | "~>" => {
            let bump = if b.is_some() { 1 } else { 0 };
            in_range(&floor, &next(bump)?)
        }
        "^" => {
            let bump = match (a, b) {
                (Some(0), Some(0)) if c.is_some() => 2,
                (Some(0), Some(_)) => 1,
                _ => 0,
            };
            in_range(&floor, &next(bump)?)
        }
        _ => return Err(format!("unknown operator `{op}`")),
    })
}

/// Whether `version` satisfies `constraint`.
pub fn matches(constraint: &str, version_text: &str) -> Result<bool, String> {
    let v = parse_version(version_text)?;
    for alternative in constraint.split("||") {
        let mut tokens: Vec<String> = Vec::new();
        let mut pending_op = String::new();
        for raw in alternative.split([' ', ',']).filter(|t| !t.is_empty()) {
            if raw.chars().all(|c| "<>=!~^".contains(c)) {
                pending_op.push_str(raw);
            } else {
                tokens.push(format!("{pending_op}{raw}"));
                pending_op.clear();
            }
        }
        if tokens.is_empty() {
            continue;
        }
        let mut ok = true;
        let mut i = 0;
        while let Some(tok) = tokens.get(i) {
            // Hyphen range: `1.2 - 1.4`.
            if tokens.get(i + 1).map(String::as_str) == Some("-") {
                let hi = tokens.get(i + 2).ok_or("incomplete range")?;
                ok &=
                    check(">=", &parse_partial(tok)?, &v)? && check("<=", &parse_partial(hi)?, &v)?;
                i += 3;
                continue;
            }
            let split = tok
                .find(|c: char| !"<>=!~^".contains(c))
                .unwrap_or(tok.len());
            let (op, ver) = tok.split_at(split);
            let p = parse_partial(ver)?;
            // A pre-release version only satisfies comparators that mention a pre-release.
            ok &= check(op, &p, &v)? && (v.pre.is_empty() || !p.pre.is_empty());
            i += 1;
        }
        if ok {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn constraint_subset() {
        let t = |c: &str, v: &str| matches(c, v).unwrap();
        assert!(t(">=1.19-0", "v1.33.0"));
        assert!(t(">= 1.13.0 < 1.15.0", "1.14.2"));
        assert!(!t(">= 1.13.0 < 1.15.0", "1.15.0"));
        assert!(t("<1.20 || >=1.30", "1.31.0"));
        assert!(t("~1.2.3", "1.2.9") && !t("~1.2.3", "1.3.0"));
        assert!(t("^1.2", "1.9.0") && !t("^1.2", "2.0.0"));
        assert!(t("^0.2.3", "0.2.5") && !t("^0.2.3", "0.3.0"));
        assert!(t("1.2.x", "1.2.7") && !t("1.2.x", "1.3.0"));
        assert!(!t(">=1.19.0", "1.29.3-gke.1200"));
        assert!(t(">=1.19.0-0", "1.29.3-gke.1200"));
        assert!(t("1.2 - 1.4", "1.3.0"));
        assert!(matches(">=abc", "1.0.0").is_err());
    }
}
