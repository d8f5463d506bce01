//! go-yaml v2's `parseTimestamp`: the YAML 1.1 timestamps it accepts through Go's `time.Parse`
//! with the layouts `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999`
//! and `2006-1-2`. A match is returned the way `time.Time` marshals to JSON (RFC 3339 with
//! nanoseconds, trailing zeros dropped), which is what a timestamp in a values file becomes.

struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.s.get(self.i + k).copied()
    }

    fn digit(&self, k: usize) -> bool {
        self.peek(k).is_some_and(|c| c.is_ascii_digit())
    }

    /// Go's `getnum(value, false)`: one or two digits.
    fn num12(&mut self) -> Option<u32> {
        if !self.digit(0) {
            return None;
        }
        let d0 = u32::from(self.peek(0)? - b'0');
        if !self.digit(1) {
            self.i += 1;
            return Some(d0);
        }
        let d1 = u32::from(self.peek(1)? - b'0');
        self.i += 2;
        Some(d0 * 10 + d1)
    }

    fn lit(&mut self, c: u8) -> bool {
        if self.peek(0) == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn done(&self) -> bool {
        self.i >= self.s.len()
    }
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Time {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Offset east of UTC in minutes.
    offset: i32,
}

pub fn parse(s: &str) -> Option<String> {
    let b = s.as_bytes();
    // go-yaml's quick check: all formats start with YYYY-.
    if b.len() < 5 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return None;
    }
    let t = parse_layouts(b)?;
    Some(format_rfc3339nano(&t))
}

fn parse_layouts(b: &[u8]) -> Option<Time> {
    let mut c = Cursor { s: b, i: 0 };
    let year: u32 = std::str::from_utf8(b.get(..4)?).ok()?.parse().ok()?;
    c.i = 5;
    let month = c.num12()?;
    if !c.lit(b'-') {
        return None;
    }
    let day = c.num12()?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    let mut t = Time {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: 0,
    };
    if c.done() {
        return Some(t);
    }
    let zoned = match c.peek(0)? {
        b'T' | b't' => true,
        b' ' => false,
        _ => return None,
    };
    c.i += 1;
    t.hour = c.num12()?;
    if !c.lit(b':') {
        return None;
    }
    t.minute = c.num12()?;
    if !c.lit(b':') {
        return None;
    }
    t.second = c.num12()?;
    if t.hour > 23 || t.minute > 59 || t.second > 59 {
        return None;
    }
    if matches!(c.peek(0), Some(b'.' | b',')) && c.digit(1) {
        c.i += 1;
        let start = c.i;
        while c.digit(0) {
            c.i += 1;
        }
        let digits = b.get(start..c.i)?;
        let mut nanos: u32 = 0;
        for k in 0..9 {
            nanos = nanos * 10 + digits.get(k).map_or(0, |d| u32::from(d - b'0'));
        }
        t.nanos = nanos;
    }
    if zoned {
        if c.lit(b'Z') {
        } else {
            let sign = match c.peek(0)? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let rest = b.get(c.i + 1..c.i + 6)?;
            if rest.get(2) != Some(&b':') {
                return None;
            }
            let num = |r: &[u8]| -> Option<i32> { std::str::from_utf8(r).ok()?.parse().ok() };
            let hh = num(rest.get(..2)?)?;
            let mm = num(rest.get(3..5)?)?;
            if hh > 24 || mm > 60 {
                return None;
            }
            t.offset = sign * (hh * 60 + mm);
            c.i += 6;
        }
    }
    c.done().then_some(t)
}

fn format_rfc3339nano(t: &Time) -> String {
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    if t.nanos > 0 {
        let frac = format!("{:09}", t.nanos);
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    if t.offset == 0 {
        out.push('Z');
    } else {
        let sign = if t.offset < 0 { '-' } else { '+' };
        let abs = t.offset.unsigned_abs();
        out.push_str(&format!("{sign}{:02}:{:02}", abs / 60, abs % 60));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn layouts() {
        assert_eq!(parse("2001-12-14").as_deref(), Some("2001-12-14T00:00:00Z"));
        assert_eq!(parse("2001-2-3").as_deref(), Some("2001-02-03T00:00:00Z"));
        assert_eq!(
            parse("2001-12-14t21:59:43.10-05:00").as_deref(),
            Some("2001-12-14T21:59:43.1-05:00")
        );
        assert_eq!(
            parse("2001-12-14 21:59:43.10").as_deref(),
            Some("2001-12-14T21:59:43.1Z")
        );
        assert_eq!(
            parse("2001-12-14T21:59:43Z").as_deref(),
            Some("2001-12-14T21:59:43Z")
        );
        assert_eq!(parse("2001-02-30"), None);
        assert_eq!(parse("2001-12-14 21:59:43.10 -5"), None);
        assert_eq!(parse("2001-12-14T21:59:43"), None);
        assert_eq!(parse("20011-12-14"), None);
    }
}
