//! go-yaml v2's `parseTimestamp`: the YAML 1.1 timestamps it accepts through Go's `time.Parse`
//! with the layouts `2006-1-2T15:4:5.999999999Z07:00` (also with `t`), `2006-1-2 15:4:5.999999999`
//! and `2006-1-2` (field ranges and days of the month checked as Go does).

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

/// Whether go-yaml v2 reads `s`, unquoted, as a timestamp.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    // go-yaml's quick check: all formats start with YYYY-.
    if b.len() < 5 || !b.iter().take(4).all(u8::is_ascii_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    parse_layouts(b).is_some()
}

fn parse_layouts(b: &[u8]) -> Option<()> {
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
    if c.done() {
        return Some(());
    }
    let zoned = match c.peek(0)? {
        b'T' | b't' => true,
        b' ' => false,
        _ => return None,
    };
    c.i += 1;
    let hour = c.num12()?;
    if !c.lit(b':') {
        return None;
    }
    let minute = c.num12()?;
    if !c.lit(b':') {
        return None;
    }
    let second = c.num12()?;
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    if matches!(c.peek(0), Some(b'.' | b',')) && c.digit(1) {
        c.i += 1;
        while c.digit(0) {
            c.i += 1;
        }
    }
    if zoned && !c.lit(b'Z') {
        if !matches!(c.peek(0)?, b'+' | b'-') {
            return None;
        }
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
        c.i += 6;
    }
    c.done().then_some(())
}

#[cfg(test)]
mod tests {
    use super::is_timestamp;

    #[test]
    fn layouts() {
        for yes in [
            "2001-12-14",
            "2001-2-3",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10",
            "2001-12-14T21:59:43Z",
            "2000-02-29",
        ] {
            assert!(is_timestamp(yes), "{yes}");
        }
        for no in [
            "2001-02-30",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-14T21:59:43",
            "20011-12-14",
            "2001-13-01",
            "2001-12-14T24:00:00Z",
        ] {
            assert!(!is_timestamp(no), "{no}");
        }
    }
}
