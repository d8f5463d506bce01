//! Go's time layouts (`2006-01-02T15:04:05Z07:00`): `Time.Format` and `time.Parse`, ported
//! from `time/format.go` (element recognition, padding, zones, fractional seconds, Go's parse
//! errors).

use std::rc::Rc;

use super::{SECOND, Time, Zone, days_in, is_leap};

pub(super) const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const SHORT_DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A layout element (Go's `std*` constants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    Iso8601TZ,
    Iso8601SecondsTZ,
    Iso8601ShortTZ,
    Iso8601ColonTZ,
    Iso8601ColonSecondsTZ,
    NumTZ,
    NumSecondsTz,
    NumShortTZ,
    NumColonTZ,
    NumColonSecondsTZ,
    /// Fractional seconds: digits, separator, trailing zeros trimmed (`.999`) or kept (`.000`).
    Frac {
        digits: usize,
        sep: u8,
        trim: bool,
    },
}

fn starts_with_lower(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`: the text before the first layout element, the element, the rest.
fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| b.get(i..i + s.len()) == Some(s.as_bytes());
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let split = |i: usize, n: usize, std: Std| {
        (
            layout.get(..i).unwrap_or(""),
            Some(std),
            layout.get(i + n..).unwrap_or(""),
        )
    };
    for i in 0..b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        match c {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    return split(i, 7, Std::LongMonth);
                }
                if !starts_with_lower(b.get(i + 3..).unwrap_or(&[])) {
                    return split(i, 3, Std::Month);
                }
            }
            b'M' => {
                if at(i, "Mon") {
                    if at(i, "Monday") {
                        return split(i, 6, Std::LongWeekDay);
                    }
                    if !starts_with_lower(b.get(i + 3..).unwrap_or(&[])) {
                        return split(i, 3, Std::WeekDay);
                    }
                }
                if at(i, "MST") {
                    return split(i, 3, Std::TZ);
                }
            }
            b'0' => {
                if let Some(d @ b'1'..=b'6') = b.get(i + 1) {
                    let std = [
                        Std::ZeroMonth,
                        Std::ZeroDay,
                        Std::ZeroHour12,
                        Std::ZeroMinute,
                        Std::ZeroSecond,
                        Std::Year,
                    ]
                    .get(usize::from(d - b'1'))
                    .copied()
                    .unwrap_or(Std::Year);
                    return split(i, 2, std);
                }
                if at(i, "002") {
                    return split(i, 3, Std::ZeroYearDay);
                }
            }
            b'1' => {
                if at(i + 1, "5") {
                    return split(i, 2, Std::Hour);
                }
                return split(i, 1, Std::NumMonth);
            }
            b'2' => {
                if at(i, "2006") {
                    return split(i, 4, Std::LongYear);
                }
                return split(i, 1, Std::Day);
            }
            b'_' => {
                if at(i + 1, "2") {
                    if at(i + 1, "2006") {
                        return split(i + 1, 4, Std::LongYear);
                    }
                    return split(i, 2, Std::UnderDay);
                }
                if at(i + 1, "_2") {
                    return split(i, 3, Std::UnderYearDay);
                }
            }
            b'3' => return split(i, 1, Std::Hour12),
            b'4' => return split(i, 1, Std::Minute),
            b'5' => return split(i, 1, Std::Second),
            b'P' if at(i + 1, "M") => return split(i, 2, Std::PM),
            b'p' if at(i + 1, "m") => return split(i, 2, Std::Pm),
            b'-' => {
                for (s, std) in [
                    ("-070000", Std::NumSecondsTz),
                    ("-07:00:00", Std::NumColonSecondsTZ),
                    ("-0700", Std::NumTZ),
                    ("-07:00", Std::NumColonTZ),
                    ("-07", Std::NumShortTZ),
                ] {
                    if at(i, s) {
                        return split(i, s.len(), std);
                    }
                }
            }
            b'Z' => {
                for (s, std) in [
                    ("Z070000", Std::Iso8601SecondsTZ),
                    ("Z07:00:00", Std::Iso8601ColonSecondsTZ),
                    ("Z0700", Std::Iso8601TZ),
                    ("Z07:00", Std::Iso8601ColonTZ),
                    ("Z07", Std::Iso8601ShortTZ),
                ] {
                    if at(i, s) {
                        return split(i, s.len(), std);
                    }
                }
            }
            b'.' | b',' => {
                if let Some(&ch @ (b'0' | b'9')) = b.get(i + 1) {
                    let mut j = i + 1;
                    while b.get(j) == Some(&ch) {
                        j += 1;
                    }
                    if !digit(j) {
                        let std = Std::Frac {
                            digits: (j - (i + 1)) & 0xfff,
                            sep: c,
                            trim: ch == b'9',
                        };
                        return split(i, j - i, std);
                    }
                }
            }
            _ => {}
        }
    }
    (layout, None, "")
}

/// Go's `appendInt`: decimal, zero-padded to `width` after the sign.
fn append_int(b: &mut String, x: i64, width: usize) {
    if x < 0 {
        b.push('-');
    }
    let digits = x.unsigned_abs().to_string();
    for _ in digits.len()..width {
        b.push('0');
    }
    b.push_str(&digits);
}

/// `t.Format(layout)`.
pub fn format(t: &Time, layout: &str) -> String {
    let mut b = String::with_capacity(layout.len() + 10);
    let (year, month, day, hour, min, sec) = t.civil();
    let (month, day, hour, min, sec) = (
        i64::from(month),
        i64::from(day),
        i64::from(hour),
        i64::from(min),
        i64::from(sec),
    );
    let offset = i64::from(t.zone.offset);
    let mut layout = layout;
    while !layout.is_empty() {
        let (prefix, std, suffix) = next_std_chunk(layout);
        b.push_str(prefix);
        let Some(std) = std else { break };
        layout = suffix;
        match std {
            Std::Year => append_int(&mut b, year.abs() % 100, 2),
            Std::LongYear => append_int(&mut b, year, 4),
            Std::Month => b.push_str(short_month(month)),
            Std::LongMonth => b.push_str(long_month(month)),
            Std::NumMonth => append_int(&mut b, month, 0),
            Std::ZeroMonth => append_int(&mut b, month, 2),
            Std::WeekDay => b.push_str(SHORT_DAYS.get(t.weekday()).copied().unwrap_or("")),
            Std::LongWeekDay => b.push_str(LONG_DAYS.get(t.weekday()).copied().unwrap_or("")),
            Std::Day => append_int(&mut b, day, 0),
            Std::UnderDay => {
                if day < 10 {
                    b.push(' ');
                }
                append_int(&mut b, day, 0);
            }
            Std::ZeroDay => append_int(&mut b, day, 2),
            Std::UnderYearDay => {
                let yday = t.year_day();
                if yday < 100 {
                    b.push(' ');
                    if yday < 10 {
                        b.push(' ');
                    }
                }
                append_int(&mut b, yday, 0);
            }
            Std::ZeroYearDay => append_int(&mut b, t.year_day(), 3),
            Std::Hour => append_int(&mut b, hour, 2),
            Std::Hour12 | Std::ZeroHour12 => {
                let hr = if hour % 12 == 0 { 12 } else { hour % 12 };
                append_int(&mut b, hr, if std == Std::Hour12 { 0 } else { 2 });
            }
            Std::Minute => append_int(&mut b, min, 0),
            Std::ZeroMinute => append_int(&mut b, min, 2),
            Std::Second => append_int(&mut b, sec, 0),
            Std::ZeroSecond => append_int(&mut b, sec, 2),
            Std::PM => b.push_str(if hour >= 12 { "PM" } else { "AM" }),
            Std::Pm => b.push_str(if hour >= 12 { "pm" } else { "am" }),
            Std::Iso8601TZ
            | Std::Iso8601ColonTZ
            | Std::Iso8601SecondsTZ
            | Std::Iso8601ShortTZ
            | Std::Iso8601ColonSecondsTZ
            | Std::NumTZ
            | Std::NumColonTZ
            | Std::NumSecondsTz
            | Std::NumShortTZ
            | Std::NumColonSecondsTZ => {
                let iso = matches!(
                    std,
                    Std::Iso8601TZ
                        | Std::Iso8601ColonTZ
                        | Std::Iso8601SecondsTZ
                        | Std::Iso8601ShortTZ
                        | Std::Iso8601ColonSecondsTZ
                );
                if offset == 0 && iso {
                    b.push('Z');
                    continue;
                }
                let mut zone = offset / 60;
                let mut absoffset = offset;
                if zone < 0 {
                    b.push('-');
                    zone = -zone;
                    absoffset = -absoffset;
                } else {
                    b.push('+');
                }
                append_int(&mut b, zone / 60, 2);
                if matches!(
                    std,
                    Std::Iso8601ColonTZ
                        | Std::NumColonTZ
                        | Std::Iso8601ColonSecondsTZ
                        | Std::NumColonSecondsTZ
                ) {
                    b.push(':');
                }
                if !matches!(std, Std::NumShortTZ | Std::Iso8601ShortTZ) {
                    append_int(&mut b, zone % 60, 2);
                }
                if matches!(
                    std,
                    Std::Iso8601SecondsTZ
                        | Std::NumSecondsTz
                        | Std::NumColonSecondsTZ
                        | Std::Iso8601ColonSecondsTZ
                ) {
                    if matches!(std, Std::NumColonSecondsTZ | Std::Iso8601ColonSecondsTZ) {
                        b.push(':');
                    }
                    append_int(&mut b, absoffset % 60, 2);
                }
            }
            Std::TZ => {
                if !t.zone.name.is_empty() {
                    b.push_str(&t.zone.name);
                } else {
                    let mut zone = offset / 60;
                    if zone < 0 {
                        b.push('-');
                        zone = -zone;
                    } else {
                        b.push('+');
                    }
                    append_int(&mut b, zone / 60, 2);
                    append_int(&mut b, zone % 60, 2);
                }
            }
            Std::Frac { digits, sep, trim } => {
                if trim && (digits == 0 || t.nanos == 0) {
                    continue;
                }
                let mut frac = format!("{:09}", t.nanos);
                frac.truncate(digits.min(9));
                if trim {
                    while frac.ends_with('0') {
                        frac.pop();
                    }
                    if frac.is_empty() {
                        continue;
                    }
                }
                b.push(char::from(sep));
                b.push_str(&frac);
            }
        }
    }
    b
}

fn short_month(m: i64) -> &'static str {
    SHORT_MONTHS
        .get(usize::try_from(m - 1).unwrap_or(0))
        .copied()
        .unwrap_or("")
}

pub(super) fn long_month(m: i64) -> &'static str {
    LONG_MONTHS
        .get(usize::try_from(m - 1).unwrap_or(0))
        .copied()
        .unwrap_or("")
}

/// Go's `quote` in the time package (ASCII only; other bytes as `\xNN`).
pub(super) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        if (c as u32) >= 0x80 || c < ' ' {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

fn parse_error(
    layout: &str,
    value: &str,
    layout_elem: &str,
    value_elem: &str,
    msg: &str,
) -> String {
    if msg.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            go_quote(value),
            go_quote(layout),
            go_quote(value_elem),
            go_quote(layout_elem)
        )
    } else {
        format!("parsing time {}{}", go_quote(value), msg)
    }
}

struct Bad;

/// `getnum`: one or two digits (`fixed`: exactly two).
fn getnum(s: &str, fixed: bool) -> Result<(i64, &str), Bad> {
    let b = s.as_bytes();
    let d0 = b.first().filter(|c| c.is_ascii_digit()).ok_or(Bad)?;
    match b.get(1).filter(|c| c.is_ascii_digit()) {
        None if fixed => Err(Bad),
        None => Ok((i64::from(d0 - b'0'), s.get(1..).unwrap_or(""))),
        Some(d1) => Ok((
            i64::from(d0 - b'0') * 10 + i64::from(d1 - b'0'),
            s.get(2..).unwrap_or(""),
        )),
    }
}

fn getnum3(s: &str, fixed: bool) -> Result<(i64, &str), Bad> {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < 3 && b.get(i).is_some_and(u8::is_ascii_digit) {
        n = n * 10 + i64::from(b.get(i).copied().unwrap_or(b'0') - b'0');
        i += 1;
    }
    if i == 0 || (fixed && i != 3) {
        return Err(Bad);
    }
    Ok((n, s.get(i..).unwrap_or("")))
}

/// `skip`: removes `prefix` from `value`, runs of spaces matching runs of spaces.
fn skip<'a>(mut value: &'a str, mut prefix: &str) -> Result<&'a str, &'a str> {
    while let Some(p0) = prefix.bytes().next() {
        if p0 == b' ' {
            if value.bytes().next().is_some_and(|c| c != b' ') {
                return Err(value);
            }
            prefix = prefix.trim_start_matches(' ');
            value = value.trim_start_matches(' ');
            continue;
        }
        if value.bytes().next() != Some(p0) {
            return Err(value);
        }
        prefix = prefix.get(1..).unwrap_or("");
        value = value.get(1..).unwrap_or("");
    }
    Ok(value)
}

/// Go's `lookup`: a case-insensitive match of one of `tab` at the start of `val`.
fn lookup_name<'a>(tab: &[&str], val: &'a str) -> Result<(usize, &'a str), Bad> {
    for (i, v) in tab.iter().enumerate() {
        if let Some(head) = val.get(..v.len())
            && head.eq_ignore_ascii_case(v)
        {
            return Ok((i, val.get(v.len()..).unwrap_or("")));
        }
    }
    Err(Bad)
}

/// `atoi` over a short digit string with an optional sign.
fn atoi(s: &str) -> Result<i64, Bad> {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(Bad);
    }
    let x: i64 = digits.parse().map_err(|_| Bad)?;
    Ok(if neg { -x } else { x })
}

/// `parseNanoseconds`: `value` starts with the separator; `nbytes` counts it.
fn parse_nanoseconds(value: &str, nbytes: usize) -> Result<i64, Bad> {
    if !value.starts_with(['.', ',']) {
        return Err(Bad);
    }
    let nbytes = nbytes.min(10);
    let mut ns = atoi(value.get(1..nbytes).ok_or(Bad)?)?;
    for _ in 0..10 - nbytes {
        ns *= 10;
    }
    Ok(ns)
}

/// `parseTimeZone`: the length of a zone abbreviation at the start of `value`.
fn parse_time_zone(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if value.starts_with("GMT") {
        let rest = value.get(3..).unwrap_or("");
        return Some(if rest.is_empty() {
            3
        } else {
            3 + parse_signed_offset(rest)
        });
    }
    if value.starts_with(['+', '-']) {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let n_upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match n_upper {
        5 if b.get(4) == Some(&b'T') => Some(5),
        4 if b.get(3) == Some(&b'T') || value.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
}

fn parse_signed_offset(value: &str) -> usize {
    let Some(rest) = value.get(1..) else { return 0 };
    if !value.starts_with(['+', '-']) {
        return 0;
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 18 {
        return 0;
    }
    match rest.get(..digits).and_then(|d| d.parse::<u64>().ok()) {
        Some(x) if x <= 23 => 1 + digits,
        _ => 0,
    }
}

/// `time.ParseInLocation(layout, value, loc)` with `loc` UTC (Go's `Local` here).
pub fn parse(layout: &str, value: &str) -> Result<Time, String> {
    let (alayout, avalue) = (layout, value);
    let mut layout = layout;
    let mut value = value;
    let mut am_set = false;
    let mut pm_set = false;
    let (mut year, mut month, mut day, mut yday) = (0i64, -1i64, -1i64, -1i64);
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut utc_zone = false;
    let mut zone_offset: Option<i64> = None;
    let mut zone_name = String::new();
    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        let stdstr = layout
            .get(prefix.len()..layout.len() - suffix.len())
            .unwrap_or("");
        value = match skip(value, prefix) {
            Ok(v) => v,
            Err(v) => return Err(parse_error(alayout, avalue, prefix, v, "")),
        };
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(parse_error(
                    alayout,
                    avalue,
                    "",
                    value,
                    &format!(": extra text: {}", go_quote(value)),
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut range_err = "";
        let res: Result<(), Bad> = (|| {
            match std {
                Std::Year => {
                    let p = value.get(..2).ok_or(Bad)?;
                    value = value.get(2..).unwrap_or("");
                    year = atoi(p)?;
                    year += if year >= 69 { 1900 } else { 2000 };
                }
                Std::LongYear => {
                    if value.len() < 4 || !value.as_bytes().first().is_some_and(u8::is_ascii_digit)
                    {
                        return Err(Bad);
                    }
                    let p = value.get(..4).ok_or(Bad)?;
                    value = value.get(4..).unwrap_or("");
                    year = atoi(p)?;
                }
                Std::Month | Std::LongMonth => {
                    let tab: &[&str] = if std == Std::Month {
                        &SHORT_MONTHS
                    } else {
                        &LONG_MONTHS
                    };
                    let (m, rest) = lookup_name(tab, value)?;
                    month = m as i64 + 1;
                    value = rest;
                }
                Std::NumMonth | Std::ZeroMonth => {
                    let (m, rest) = getnum(value, std == Std::ZeroMonth)?;
                    month = m;
                    value = rest;
                    if month <= 0 || 12 < month {
                        range_err = "month";
                    }
                }
                Std::WeekDay => value = lookup_name(&SHORT_DAYS, value)?.1,
                Std::LongWeekDay => value = lookup_name(&LONG_DAYS, value)?.1,
                Std::Day | Std::UnderDay | Std::ZeroDay => {
                    if std == Std::UnderDay && value.starts_with(' ') {
                        value = value.get(1..).unwrap_or("");
                    }
                    let (d, rest) = getnum(value, std == Std::ZeroDay)?;
                    day = d;
                    value = rest;
                }
                Std::UnderYearDay | Std::ZeroYearDay => {
                    for _ in 0..2 {
                        if std == Std::UnderYearDay && value.starts_with(' ') {
                            value = value.get(1..).unwrap_or("");
                        }
                    }
                    let (d, rest) = getnum3(value, std == Std::ZeroYearDay)?;
                    yday = d;
                    value = rest;
                }
                Std::Hour => {
                    let (h, rest) = getnum(value, false)?;
                    hour = h;
                    value = rest;
                    if !(0..24).contains(&hour) {
                        range_err = "hour";
                    }
                }
                Std::Hour12 | Std::ZeroHour12 => {
                    let (h, rest) = getnum(value, std == Std::ZeroHour12)?;
                    hour = h;
                    value = rest;
                    if !(0..=12).contains(&hour) {
                        range_err = "hour";
                    }
                }
                Std::Minute | Std::ZeroMinute => {
                    let (m, rest) = getnum(value, std == Std::ZeroMinute)?;
                    min = m;
                    value = rest;
                    if !(0..60).contains(&min) {
                        range_err = "minute";
                    }
                }
                Std::Second | Std::ZeroSecond => {
                    let (s, rest) = getnum(value, std == Std::ZeroSecond)?;
                    sec = s;
                    value = rest;
                    if !(0..60).contains(&sec) {
                        range_err = "second";
                        return Ok(());
                    }
                    let b = value.as_bytes();
                    if b.len() >= 2
                        && matches!(b.first(), Some(b'.' | b','))
                        && b.get(1).is_some_and(u8::is_ascii_digit)
                    {
                        if let (_, Some(Std::Frac { .. }), _) = next_std_chunk(layout) {
                            return Ok(());
                        }
                        let mut n = 2;
                        while b.get(n).is_some_and(u8::is_ascii_digit) {
                            n += 1;
                        }
                        nsec = parse_nanoseconds(value, n)?;
                        value = value.get(n..).unwrap_or("");
                    }
                }
                Std::PM | Std::Pm => {
                    let p = value.get(..2).ok_or(Bad)?;
                    value = value.get(2..).unwrap_or("");
                    let (pm, am) = if std == Std::PM {
                        ("PM", "AM")
                    } else {
                        ("pm", "am")
                    };
                    if p == pm {
                        pm_set = true;
                    } else if p == am {
                        am_set = true;
                    } else {
                        return Err(Bad);
                    }
                }
                Std::Iso8601TZ
                | Std::Iso8601ShortTZ
                | Std::Iso8601ColonTZ
                | Std::Iso8601SecondsTZ
                | Std::Iso8601ColonSecondsTZ
                | Std::NumTZ
                | Std::NumShortTZ
                | Std::NumColonTZ
                | Std::NumSecondsTz
                | Std::NumColonSecondsTZ => {
                    let iso = matches!(
                        std,
                        Std::Iso8601TZ
                            | Std::Iso8601ShortTZ
                            | Std::Iso8601ColonTZ
                            | Std::Iso8601SecondsTZ
                            | Std::Iso8601ColonSecondsTZ
                    );
                    if iso && value.starts_with('Z') {
                        value = value.get(1..).unwrap_or("");
                        utc_zone = true;
                        return Ok(());
                    }
                    let b = value.as_bytes();
                    let sl = |a: usize, z: usize| value.get(a..z).ok_or(Bad);
                    let (sign, hh, mm, ss, rest);
                    match std {
                        Std::Iso8601ColonTZ | Std::NumColonTZ => {
                            if b.len() < 6 || b.get(3) != Some(&b':') {
                                return Err(Bad);
                            }
                            (sign, hh, mm, ss, rest) =
                                (sl(0, 1)?, sl(1, 3)?, sl(4, 6)?, "00", sl(6, b.len())?);
                        }
                        Std::NumShortTZ | Std::Iso8601ShortTZ => {
                            if b.len() < 3 {
                                return Err(Bad);
                            }
                            (sign, hh, mm, ss, rest) =
                                (sl(0, 1)?, sl(1, 3)?, "00", "00", sl(3, b.len())?);
                        }
                        Std::Iso8601ColonSecondsTZ | Std::NumColonSecondsTZ => {
                            if b.len() < 9 || b.get(3) != Some(&b':') || b.get(6) != Some(&b':') {
                                return Err(Bad);
                            }
                            (sign, hh, mm, ss, rest) =
                                (sl(0, 1)?, sl(1, 3)?, sl(4, 6)?, sl(7, 9)?, sl(9, b.len())?);
                        }
                        Std::Iso8601SecondsTZ | Std::NumSecondsTz => {
                            if b.len() < 7 {
                                return Err(Bad);
                            }
                            (sign, hh, mm, ss, rest) =
                                (sl(0, 1)?, sl(1, 3)?, sl(3, 5)?, sl(5, 7)?, sl(7, b.len())?);
                        }
                        _ => {
                            if b.len() < 5 {
                                return Err(Bad);
                            }
                            (sign, hh, mm, ss, rest) =
                                (sl(0, 1)?, sl(1, 3)?, sl(3, 5)?, "00", sl(5, b.len())?);
                        }
                    }
                    value = rest;
                    let hr = getnum(hh, true)?.0;
                    let mi = getnum(mm, true)?.0;
                    let se = getnum(ss, true)?.0;
                    if hr > 24 {
                        range_err = "time zone offset hour";
                    }
                    if mi > 60 {
                        range_err = "time zone offset minute";
                    }
                    if se > 60 {
                        range_err = "time zone offset second";
                    }
                    let off = (hr * 60 + mi) * 60 + se;
                    zone_offset = Some(match sign {
                        "+" => off,
                        "-" => -off,
                        _ => return Err(Bad),
                    });
                }
                Std::TZ => {
                    if value.starts_with("UTC") {
                        utc_zone = true;
                        value = value.get(3..).unwrap_or("");
                        return Ok(());
                    }
                    let n = parse_time_zone(value).ok_or(Bad)?;
                    zone_name = value.get(..n).unwrap_or("").to_string();
                    value = value.get(n..).unwrap_or("");
                }
                Std::Frac { digits, trim, .. } => {
                    if !trim {
                        let ndigit = 1 + digits;
                        if value.len() < ndigit {
                            return Err(Bad);
                        }
                        nsec = parse_nanoseconds(value, ndigit)?;
                        value = value.get(ndigit..).unwrap_or("");
                    } else {
                        let b = value.as_bytes();
                        if b.len() < 2
                            || !matches!(b.first(), Some(b'.' | b','))
                            || !b.get(1).is_some_and(u8::is_ascii_digit)
                        {
                            return Ok(());
                        }
                        let mut i = 0;
                        while b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                            i += 1;
                        }
                        nsec = parse_nanoseconds(value, 1 + i)?;
                        value = value.get(1 + i..).unwrap_or("");
                    }
                }
            }
            Ok(())
        })();
        if !range_err.is_empty() {
            return Err(parse_error(
                alayout,
                avalue,
                stdstr,
                value,
                &format!(": {range_err} out of range"),
            ));
        }
        if res.is_err() {
            return Err(parse_error(alayout, avalue, stdstr, hold, ""));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    if yday >= 0 {
        let mut d = 0;
        let mut m = 0;
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year out of range",
            ));
        }
        if m == 0 {
            m = (yday - 1) / 31 + 1;
            if days_before(m + 1) < yday {
                m += 1;
            }
            d = yday - days_before(m);
        }
        if month >= 0 && month != m {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match month",
            ));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match day",
            ));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_error(
            alayout,
            avalue,
            "",
            value,
            ": day out of range",
        ));
    }
    if utc_zone {
        return Ok(Time::date(
            year,
            month,
            day,
            hour,
            min,
            sec,
            nsec,
            Zone::utc(),
        ));
    }
    if let Some(off) = zone_offset {
        // The local zone (UTC) is used when the offset and name match it; otherwise a fixed zone.
        let zone = if off == 0 && (zone_name.is_empty() || zone_name == "UTC") {
            Zone::utc()
        } else {
            Zone {
                name: Rc::from(zone_name.as_str()),
                offset: off as i32,
            }
        };
        let t = Time::date(year, month, day, hour, min, sec, nsec, Zone::utc()).add(-off * SECOND);
        return Ok(t.in_zone(zone));
    }
    if !zone_name.is_empty() {
        // An abbreviation the local zone (UTC) does not know: a fabricated zone of that name,
        // offset zero unless it is `GMT±N`.
        let mut offset = 0i64;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            offset = atoi(zone_name.get(3..).unwrap_or("")).unwrap_or(0) * 3600;
        }
        let t = Time::date(year, month, day, hour, min, sec, nsec, Zone::utc());
        return Ok(t.in_zone(Zone {
            name: Rc::from(zone_name.as_str()),
            offset: offset as i32,
        }));
    }
    Ok(Time::date(
        year,
        month,
        day,
        hour,
        min,
        sec,
        nsec,
        Zone::utc(),
    ))
}

/// Days before the first of `m` (1-based; 13 is the end of the year) in a non-leap year.
fn days_before(m: i64) -> i64 {
    const DB: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
    DB.get(usize::try_from(m - 1).unwrap_or(0))
        .copied()
        .unwrap_or(365)
}

/// Go's `Duration.String()`: `1h2m3.5s`, `1.5ms`, `0s`.
#[cfg(test)]
mod tests {
    use super::*;

    /// 2006-01-02T15:04:05.123456789 in a -07:00 zone named MST: Go's reference time.
    fn reference() -> Time {
        Time::date(
            2006,
            1,
            2,
            15,
            4,
            5,
            123_456_789,
            Zone {
                name: Rc::from("MST"),
                offset: -7 * 3600,
            },
        )
    }

    #[test]
    fn go_layouts() {
        let t = reference();
        assert_eq!(t.unix, 1_136_239_445);
        let cases = [
            ("Mon Jan _2 15:04:05 2006", "Mon Jan  2 15:04:05 2006"),
            (
                "Mon Jan _2 15:04:05 MST 2006",
                "Mon Jan  2 15:04:05 MST 2006",
            ),
            (
                "Mon Jan 02 15:04:05 -0700 2006",
                "Mon Jan 02 15:04:05 -0700 2006",
            ),
            ("02 Jan 06 15:04 MST", "02 Jan 06 15:04 MST"),
            (
                "Monday, 02-Jan-06 15:04:05 MST",
                "Monday, 02-Jan-06 15:04:05 MST",
            ),
            ("2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05-07:00"),
            (
                "2006-01-02T15:04:05.999999999Z07:00",
                "2006-01-02T15:04:05.123456789-07:00",
            ),
            ("3:04PM", "3:04PM"),
            ("Jan _2 15:04:05.000", "Jan  2 15:04:05.123"),
            ("2006-01-02 15:04:05", "2006-01-02 15:04:05"),
            ("January 2, 2006 3:04:05 pm", "January 2, 2006 3:04:05 pm"),
            (
                "002 __2 Z070000 -07:00:00 Z07",
                "002   2 -070000 -07:00:00 -07",
            ),
            ("Month Jantar", "Month Jantar"),
        ];
        for (layout, want) in cases {
            assert_eq!(format(&t, layout), want, "{layout}");
        }
        let utc = t.in_zone(Zone::utc());
        assert_eq!(
            format(&utc, "2006-01-02T15:04:05Z07:00"),
            "2006-01-02T22:04:05Z"
        );
        assert_eq!(utc.go_string(), "2006-01-02 22:04:05.123456789 +0000 UTC");
        assert_eq!(
            Time::from_unix_nanos(crate::func::DEFAULT_NOW_UNIX_NANOS).go_string(),
            "2026-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(Time::zero().go_string(), "0001-01-01 00:00:00 +0000 UTC");
    }

    #[test]
    fn fractional_layouts() {
        let t = reference();
        assert_eq!(format(&t, "05,00"), "05,12");
        assert_eq!(format(&t, ".9"), ".1");
        assert_eq!(format(&t, "5.99999"), "5.12345");
        let whole = t.add(-123_456_789);
        assert_eq!(format(&whole, "05.999"), "05");
        assert_eq!(format(&whole, "05.000"), "05.000");
    }

    #[test]
    fn parse_round_trips_and_errors() {
        let t = parse("2006-01-02", "2024-03-05").unwrap();
        assert_eq!(t.go_string(), "2024-03-05 00:00:00 +0000 UTC");
        let t = parse("2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12+02:00").unwrap();
        assert_eq!(t.go_string(), "2024-03-05 10:11:12 +0200 +0200");
        assert_eq!(t.unix, 1_709_626_272);
        let t = parse("2006-01-02T15:04:05Z07:00", "2024-03-05T10:11:12.5Z").unwrap();
        assert_eq!(t.go_string(), "2024-03-05 10:11:12.5 +0000 UTC");
        let t = parse("Jan 2 2006 3:04PM MST", "Feb 29 2024 1:00AM PST").unwrap();
        assert_eq!(t.go_string(), "2024-02-29 01:00:00 +0000 PST");
        assert_eq!(
            parse("2006-01-02", "2024-3-05").unwrap_err(),
            r#"parsing time "2024-3-05" as "2006-01-02": cannot parse "3-05" as "01""#
        );
        assert_eq!(
            parse("2006-01-02", "2023-02-29").unwrap_err(),
            r#"parsing time "2023-02-29": day out of range"#
        );
        assert_eq!(
            parse("2006-01-02", "2023-13-01").unwrap_err(),
            r#"parsing time "2023-13-01": month out of range"#
        );
        assert_eq!(
            parse("2006-01-02", "2023-12-01x").unwrap_err(),
            r#"parsing time "2023-12-01x": extra text: "x""#
        );
        assert_eq!(
            parse("2006", "abc").unwrap_err(),
            r#"parsing time "abc" as "2006": cannot parse "abc" as "2006""#
        );
        let t = parse("2006 002", "2024 060").unwrap();
        assert_eq!(format(&t, "2006-01-02"), "2024-02-29");
    }
}
