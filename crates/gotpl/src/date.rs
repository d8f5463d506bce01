//! Sprig's time functions (`now`, `date`, `toDate`, `duration`, …) on a fixed instant, and Go's
//! `time.Time` as a template value.
//!
//! `now` is [`FuncEnv::now_unix_nanos`] (2026-01-01T00:00:00Z unless the caller sets another), so a
//! render is the same on every run. Go's `Local` zone is UTC here: Helm renders with the machine's
//! zone, and kforge does not read the machine's. Zones are UTC only: `dateInZone` and
//! `htmlDateInZone` accept `"UTC"`, `""` and `"Local"`; any other name (`"Europe/Paris"`) would need
//! the system's tz database, which kforge does not read, and falls back to UTC as Sprig does for a
//! name Go cannot load. Times parsed with a numeric offset (`toDate "2006-01-02T15:04:05Z07:00"
//! "…+02:00"`) keep that offset, as Go's fixed zones do.
//!
//! Layouts are Go's (`2006-01-02T15:04:05Z07:00`): [`format`] and [`parse`] port
//! `time/format.go`; durations print and parse as Go's `time.Duration`.

use std::any::Any;
use std::rc::Rc;

use crate::func::{Func, FuncEnv, Signature, Ty};
use crate::random::{int_arg, str_arg};
use crate::value::{Object, Value};

const NANOS_PER_SEC: i64 = 1_000_000_000;
const SECOND: i64 = NANOS_PER_SEC;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;

/// A time zone: its abbreviation (printed by the `MST` layout element; empty for a fixed offset
/// read from input without a name) and its offset east of UTC in seconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    pub name: Rc<str>,
    pub offset: i32,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: Rc::from("UTC"),
            offset: 0,
        }
    }
}

/// Go's `time.Time`: an instant (seconds and nanoseconds since the Unix epoch) and the zone it is
/// shown in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Time {
    pub unix: i64,
    pub nanos: u32,
    pub zone: Zone,
}

/// Seconds from 0001-01-01 (Go's zero time) to the Unix epoch.
const ZERO_TIME_UNIX: i64 = -62_135_596_800;

impl Time {
    /// Go's zero `time.Time`: 0001-01-01 00:00:00 UTC (what `toDate` returns on bad input).
    pub fn zero() -> Time {
        Time {
            unix: ZERO_TIME_UNIX,
            nanos: 0,
            zone: Zone::utc(),
        }
    }

    /// An instant in nanoseconds since the epoch, shown in UTC.
    pub fn from_unix_nanos(nanos: i128) -> Time {
        let secs = nanos.div_euclid(i128::from(NANOS_PER_SEC));
        let sub = nanos.rem_euclid(i128::from(NANOS_PER_SEC));
        Time {
            unix: i64::try_from(secs).unwrap_or(if secs < 0 { i64::MIN } else { i64::MAX }),
            nanos: u32::try_from(sub).unwrap_or(0),
            zone: Zone::utc(),
        }
    }

    pub fn unix_nanos(&self) -> i128 {
        i128::from(self.unix) * i128::from(NANOS_PER_SEC) + i128::from(self.nanos)
    }

    /// Seconds since the epoch on the zone's wall clock.
    fn local_secs(&self) -> i64 {
        self.unix.saturating_add(i64::from(self.zone.offset))
    }

    /// Year, month (1–12), day, hour, minute, second on the zone's wall clock.
    pub fn civil(&self) -> (i64, u32, u32, u32, u32, u32) {
        let secs = self.local_secs();
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (
            y,
            m,
            d,
            (rem / 3600) as u32,
            (rem % 3600 / 60) as u32,
            (rem % 60) as u32,
        )
    }

    fn days(&self) -> i64 {
        self.local_secs().div_euclid(86_400)
    }

    /// Sunday is 0.
    pub fn weekday(&self) -> usize {
        (self.days() + 4).rem_euclid(7) as usize
    }

    /// Day of the year, 1–366.
    pub fn year_day(&self) -> i64 {
        let (y, ..) = self.civil();
        self.days() - days_from_civil(y, 1, 1) + 1
    }

    /// `t.Add(d)`.
    pub fn add(&self, d: i64) -> Time {
        let mut t = Time::from_unix_nanos(self.unix_nanos() + i128::from(d));
        t.zone = self.zone.clone();
        t
    }

    /// `t.Sub(u)`, saturating as Go does.
    pub fn sub(&self, other: &Time) -> i64 {
        let d = self.unix_nanos() - other.unix_nanos();
        i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
    }

    pub fn in_zone(&self, zone: Zone) -> Time {
        Time {
            zone,
            ..self.clone()
        }
    }

    /// Go's `time.Date`: fields out of range are normalised (month 13 is January next year).
    #[allow(clippy::too_many_arguments)]
    pub fn date(
        year: i64,
        month: i64,
        day: i64,
        hour: i64,
        min: i64,
        sec: i64,
        nsec: i64,
        zone: Zone,
    ) -> Time {
        let m0 = month - 1;
        let year = year + m0.div_euclid(12);
        let month = m0.rem_euclid(12) + 1;
        let days = days_from_civil(year, month as u32, 1) + (day - 1);
        let secs = i128::from(days) * 86_400
            + i128::from(hour) * 3600
            + i128::from(min) * 60
            + i128::from(sec)
            - i128::from(zone.offset);
        let mut t = Time::from_unix_nanos(secs * i128::from(NANOS_PER_SEC) + i128::from(nsec));
        t.zone = zone;
        t
    }

    /// Go's `Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST` (kforge's times carry no
    /// monotonic reading, so no ` m=+…` suffix).
    pub fn go_string(&self) -> String {
        format(self, "2006-01-02 15:04:05.999999999 -0700 MST")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number from [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

const LONG_DAYS: [&str; 7] = [
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

fn long_month(m: i64) -> &'static str {
    LONG_MONTHS
        .get(usize::try_from(m - 1).unwrap_or(0))
        .copied()
        .unwrap_or("")
}

/// Go's `quote` in the time package (ASCII only; other bytes as `\xNN`).
fn go_quote(s: &str) -> String {
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
pub fn duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    // Built backwards, as Go does.
    let mut buf: Vec<u8> = Vec::with_capacity(32);
    let frac = |buf: &mut Vec<u8>, v: u64, prec: u32| -> u64 {
        let mut v = v;
        let mut print = false;
        for _ in 0..prec {
            let digit = (v % 10) as u8;
            print = print || digit != 0;
            if print {
                buf.push(b'0' + digit);
            }
            v /= 10;
        }
        if print {
            buf.push(b'.');
        }
        v
    };
    let int = |buf: &mut Vec<u8>, v: u64| {
        let s = v.to_string();
        buf.extend(s.bytes().rev());
    };
    if u < SECOND as u64 {
        buf.push(b's');
        let prec;
        if u == 0 {
            return "0s".into();
        } else if u < 1_000 {
            prec = 0;
            buf.push(b'n');
        } else if u < 1_000_000 {
            prec = 3;
            // "µ" (U+00B5) backwards.
            buf.extend_from_slice(&[0xB5, 0xC2]);
        } else {
            prec = 6;
            buf.push(b'm');
        }
        u = frac(&mut buf, u, prec);
        int(&mut buf, u);
    } else {
        buf.push(b's');
        u = frac(&mut buf, u, 9);
        int(&mut buf, u % 60);
        u /= 60;
        if u > 0 {
            buf.push(b'm');
            int(&mut buf, u % 60);
            u /= 60;
            if u > 0 {
                buf.push(b'h');
                int(&mut buf, u);
            }
        }
    }
    if neg {
        buf.push(b'-');
    }
    buf.reverse();
    String::from_utf8(buf).unwrap_or_default()
}

/// Go's `time.ParseDuration`.
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let orig = s;
    let invalid = || format!("time: invalid duration {}", go_quote(orig));
    let mut s = s;
    let mut neg = false;
    if let Some(c) = s.bytes().next()
        && (c == b'-' || c == b'+')
    {
        neg = c == b'-';
        s = s.get(1..).unwrap_or("");
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        let c = s.bytes().next().unwrap_or(0);
        if !(c == b'.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        // Integer part.
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        let mut v: u64 = 0;
        for c in s.bytes().take(n) {
            if v > (1 << 63) / 10 {
                return Err(invalid());
            }
            v = v * 10 + u64::from(c - b'0');
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        let pre = n > 0;
        s = s.get(n..).unwrap_or("");
        // Fraction.
        let mut f: u64 = 0;
        let mut scale = 1f64;
        let mut post = false;
        if s.starts_with('.') {
            s = s.get(1..).unwrap_or("");
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for c in s.bytes().take(n) {
                if overflow {
                    continue;
                }
                if f > ((1u64 << 63) - 1) / 10 {
                    overflow = true;
                    continue;
                }
                let y = f * 10 + u64::from(c - b'0');
                if y > 1 << 63 {
                    overflow = true;
                    continue;
                }
                f = y;
                scale *= 10.0;
            }
            post = n > 0;
            s = s.get(n..).unwrap_or("");
        }
        if !pre && !post {
            return Err(invalid());
        }
        let i = s
            .bytes()
            .position(|c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if i == 0 {
            return Err(format!("time: missing unit in duration {}", go_quote(orig)));
        }
        let u = s.get(..i).unwrap_or("");
        s = s.get(i..).unwrap_or("");
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => SECOND as u64,
            "m" => MINUTE as u64,
            "h" => HOUR as u64,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(u),
                    go_quote(orig)
                ));
            }
        };
        if v > (1 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > 1 << 63 {
                return Err(invalid());
            }
        }
        d += v;
        if d > 1 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > (1 << 63) - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// Go's `Duration.Round(m)`.
pub fn duration_round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let less_than_half = |x: i64, y: i64| (x as u64).wrapping_add(x as u64) < y as u64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if less_than_half(r, m) {
            return d + r;
        }
        let d1 = d.wrapping_sub(m).wrapping_add(r);
        return if d1 < d { d1 } else { i64::MIN };
    }
    if less_than_half(r, m) {
        return d - r;
    }
    let d1 = d.wrapping_add(m).wrapping_sub(r);
    if d1 > d { d1 } else { i64::MAX }
}

impl Object for Time {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let (y, m, d, h, mi, s) = self.civil();
        let int = |x: i64| Some(Value::Int(x));
        match name {
            "Unix" => Some(Value::Int64(self.unix)),
            "UnixNano" => Some(Value::Int64(
                i64::try_from(self.unix_nanos()).unwrap_or(i64::MIN),
            )),
            "UnixMilli" => Some(Value::Int64(
                i64::try_from(self.unix_nanos().div_euclid(1_000_000)).unwrap_or(i64::MIN),
            )),
            "UnixMicro" => Some(Value::Int64(
                i64::try_from(self.unix_nanos().div_euclid(1_000)).unwrap_or(i64::MIN),
            )),
            "Year" => int(y),
            "Month" => Some(Value::str(long_month(i64::from(m)))),
            "Day" => int(i64::from(d)),
            "Hour" => int(i64::from(h)),
            "Minute" => int(i64::from(mi)),
            "Second" => int(i64::from(s)),
            "Nanosecond" => int(i64::from(self.nanos)),
            "YearDay" => int(self.year_day()),
            "Weekday" => Some(Value::str(
                LONG_DAYS.get(self.weekday()).copied().unwrap_or(""),
            )),
            "IsZero" => Some(Value::Bool(self.unix == ZERO_TIME_UNIX && self.nanos == 0)),
            "UTC" | "Local" => Some(time_value(self.in_zone(Zone::utc()))),
            "String" => Some(Value::string(self.go_string())),
            _ => None,
        }
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let r = match name {
            "Format" => str_arg(args, 0).map(|l| Value::string(format(self, l))),
            "Add" => int_arg(args, 0).map(|d| time_value(self.add(d))),
            "AddDate" => (|| {
                let (y, m, d) = (int_arg(args, 0)?, int_arg(args, 1)?, int_arg(args, 2)?);
                let (yy, mm, dd, h, mi, s) = self.civil();
                Ok(time_value(Time::date(
                    yy + y,
                    i64::from(mm) + m,
                    i64::from(dd) + d,
                    i64::from(h),
                    i64::from(mi),
                    i64::from(s),
                    i64::from(self.nanos),
                    self.zone.clone(),
                )))
            })(),
            "Before" | "After" | "Equal" => time_arg(args, 0).map(|u| {
                let (a, b) = (self.unix_nanos(), u.unix_nanos());
                Value::Bool(match name {
                    "Before" => a < b,
                    "After" => a > b,
                    _ => a == b,
                })
            }),
            _ => return None,
        };
        Some(r)
    }

    fn has_method(&self, name: &str) -> bool {
        matches!(
            name,
            "Format"
                | "Add"
                | "AddDate"
                | "Before"
                | "After"
                | "Equal"
                | "Unix"
                | "UnixNano"
                | "UnixMilli"
                | "UnixMicro"
                | "Year"
                | "Month"
                | "Day"
                | "Hour"
                | "Minute"
                | "Second"
                | "Nanosecond"
                | "YearDay"
                | "Weekday"
                | "IsZero"
                | "UTC"
                | "Local"
                | "String"
        )
    }

    fn go_string(&self) -> String {
        Time::go_string(self)
    }

    /// `MarshalJSON`: RFC 3339 with nanoseconds.
    fn to_json(&self) -> Value {
        Value::string(format(self, "2006-01-02T15:04:05.999999999Z07:00"))
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

pub fn time_value(t: Time) -> Value {
    Value::Object(Rc::new(t))
}

/// A `time.Time` argument (a typed Go parameter: nothing else converts to it).
fn time_arg(args: &[Value], i: usize) -> Result<Time, String> {
    match args.get(i) {
        Some(Value::Object(o)) => {
            if let Some(t) = o.as_any().and_then(|a| a.downcast_ref::<Time>()) {
                return Ok(t.clone());
            }
            Err(format!(
                "wrong type for value; expected time.Time; got {}",
                o.type_name()
            ))
        }
        Some(v) => Err(format!(
            "wrong type for value; expected time.Time; got {}",
            v.type_name()
        )),
        None => Err("missing argument".into()),
    }
}

fn as_time(v: &Value) -> Option<Time> {
    match v {
        Value::Object(o) => o.as_any()?.downcast_ref::<Time>().cloned(),
        _ => None,
    }
}

fn now(env: &FuncEnv) -> Time {
    Time::from_unix_nanos(env.now_unix_nanos)
}

/// The zone `time.LoadLocation(name)` gives, UTC being the only one kforge has (see the module
/// doc); Sprig falls back to UTC when loading fails.
fn load_location(_name: &str) -> Zone {
    Zone::utc()
}

const fn sig(params: &'static [Ty]) -> Signature {
    Signature {
        params,
        variadic: None,
    }
}

pub const FUNCS: &[Func] = &[
    Func {
        name: "now",
        sig: sig(&[]),
        body: |env, _| Ok(time_value(now(env))),
    },
    Func {
        name: "date",
        sig: sig(&[Ty::String, Ty::Any]),
        body: |env, args| date_in_zone(env, &args, 0, 1, None),
    },
    Func {
        name: "htmlDate",
        sig: sig(&[Ty::Any]),
        body: |env, args| html_date(env, &args, None),
    },
    Func {
        name: "htmlDateInZone",
        sig: sig(&[Ty::Any, Ty::String]),
        body: |env, args| {
            let zone = str_arg(&args, 1)?.to_string();
            html_date(env, &args, Some(&zone))
        },
    },
    Func {
        name: "dateInZone",
        sig: sig(&[Ty::String, Ty::Any, Ty::String]),
        body: date_in_zone_fn,
    },
    Func {
        name: "date_in_zone",
        sig: sig(&[Ty::String, Ty::Any, Ty::String]),
        body: date_in_zone_fn,
    },
    Func {
        name: "dateModify",
        sig: sig(&[Ty::String, Ty::Any]),
        body: date_modify,
    },
    Func {
        name: "date_modify",
        sig: sig(&[Ty::String, Ty::Any]),
        body: date_modify,
    },
    Func {
        name: "mustDateModify",
        sig: sig(&[Ty::String, Ty::Any]),
        body: must_date_modify,
    },
    Func {
        name: "must_date_modify",
        sig: sig(&[Ty::String, Ty::Any]),
        body: must_date_modify,
    },
    Func {
        name: "toDate",
        sig: sig(&[Ty::String, Ty::String]),
        body: |_, args| {
            let t = parse(str_arg(&args, 0)?, str_arg(&args, 1)?).unwrap_or_else(|_| Time::zero());
            Ok(time_value(t))
        },
    },
    Func {
        name: "mustToDate",
        sig: sig(&[Ty::String, Ty::String]),
        body: |_, args| Ok(time_value(parse(str_arg(&args, 0)?, str_arg(&args, 1)?)?)),
    },
    Func {
        name: "unixEpoch",
        sig: sig(&[Ty::Any]),
        body: |_, args| Ok(Value::string(time_arg(&args, 0)?.unix.to_string())),
    },
    Func {
        name: "ago",
        sig: sig(&[Ty::Any]),
        body: ago,
    },
    Func {
        name: "duration",
        sig: sig(&[Ty::Any]),
        body: duration,
    },
    Func {
        name: "durationRound",
        sig: sig(&[Ty::Any]),
        body: duration_round_fn,
    },
];

/// Sprig's `dateInZone` (and `date`, `htmlDate…` with a fixed layout or zone): a time, or Unix
/// seconds as `int`/`int64`; anything else is now.
fn date_in_zone(
    env: &mut FuncEnv,
    args: &[Value],
    layout_at: usize,
    date_at: usize,
    zone: Option<&str>,
) -> Result<Value, String> {
    let layout = str_arg(args, layout_at)?.to_string();
    render_date(env, &layout, args.get(date_at), zone)
}

fn render_date(
    env: &FuncEnv,
    layout: &str,
    date: Option<&Value>,
    zone: Option<&str>,
) -> Result<Value, String> {
    let t = match date {
        Some(Value::Int(n) | Value::Int64(n)) => {
            Time::from_unix_nanos(i128::from(*n) * 1_000_000_000)
        }
        Some(v) => as_time(v).unwrap_or_else(|| now(env)),
        None => now(env),
    };
    let zone = load_location(zone.unwrap_or("Local"));
    Ok(Value::string(format(&t.in_zone(zone), layout)))
}

fn date_in_zone_fn(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let zone = str_arg(&args, 2)?.to_string();
    date_in_zone(env, &args, 0, 1, Some(&zone))
}

fn html_date(env: &mut FuncEnv, args: &[Value], zone: Option<&str>) -> Result<Value, String> {
    render_date(env, "2006-01-02", args.first(), zone)
}

fn date_modify(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let t = time_arg(&args, 1)?;
    Ok(time_value(match parse_duration(str_arg(&args, 0)?) {
        Ok(d) => t.add(d),
        Err(_) => t,
    }))
}

fn must_date_modify(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let t = time_arg(&args, 1)?;
    Ok(time_value(t.add(parse_duration(str_arg(&args, 0)?)?)))
}

/// `ago`: time since the date, rounded to the second.
fn ago(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let now = now(env);
    let t = match args.first() {
        Some(Value::Int(n) | Value::Int64(n)) => {
            Time::from_unix_nanos(i128::from(*n) * 1_000_000_000)
        }
        Some(v) => as_time(v).unwrap_or_else(|| now.clone()),
        None => now.clone(),
    };
    Ok(Value::string(duration_string(duration_round(
        now.sub(&t),
        SECOND,
    ))))
}

/// `duration`: seconds (a string or an `int64`; anything else, a template's `int` included, is
/// 0) as a Go duration.
fn duration(_: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let n = match args.first() {
        Some(Value::Str(s)) => parse_int_like_go(s),
        Some(Value::Int64(n)) => *n,
        _ => 0,
    };
    Ok(Value::string(duration_string(n.wrapping_mul(SECOND))))
}

/// `strconv.ParseInt(s, 10, 64)` with the error dropped: 0 on bad syntax, the clamped bound on
/// overflow.
fn parse_int_like_go(s: &str) -> i64 {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    match s.parse::<i64>() {
        Ok(n) => n,
        Err(_) if s.starts_with('-') => i64::MIN,
        Err(_) => i64::MAX,
    }
}

/// `durationRound`: a duration as its largest whole unit (`2h`, `3mo`, `1y`).
fn duration_round_fn(env: &mut FuncEnv, args: Vec<Value>) -> Result<Value, String> {
    let d = match args.first() {
        Some(Value::Str(s)) => parse_duration(s).unwrap_or(0),
        Some(Value::Int64(n)) => *n,
        Some(v) => match as_time(v) {
            Some(t) => now(env).sub(&t),
            None => 0,
        },
        None => 0,
    };
    let u = d.unsigned_abs();
    let hour = HOUR as u64;
    let units: [(u64, &str); 6] = [
        (hour * 24 * 365, "y"),
        (hour * 24 * 30, "mo"),
        (hour * 24, "d"),
        (hour, "h"),
        (MINUTE as u64, "m"),
        (SECOND as u64, "s"),
    ];
    for (size, name) in units {
        if u > size {
            return Ok(Value::string(format!("{}{name}", u / size)));
        }
    }
    Ok(Value::str("0s"))
}

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

    #[test]
    fn durations() {
        for (d, want) in [
            (0, "0s"),
            (1, "1ns"),
            (1_100, "1.1µs"),
            (2_200_000, "2.2ms"),
            (SECOND, "1s"),
            (90 * MINUTE, "1h30m0s"),
            (-(HOUR + 500 * 1_000_000), "-1h0m0.5s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ] {
            assert_eq!(duration_string(d), want);
        }
        assert_eq!(parse_duration("1h30m").unwrap(), 90 * MINUTE);
        assert_eq!(parse_duration("-1.5h").unwrap(), -90 * MINUTE);
        assert_eq!(parse_duration("300ms").unwrap(), 300_000_000);
        assert_eq!(parse_duration("1µs").unwrap(), 1_000);
        assert_eq!(
            parse_duration("1d").unwrap_err(),
            r#"time: unknown unit "d" in duration "1d""#
        );
        assert_eq!(
            parse_duration("10").unwrap_err(),
            r#"time: missing unit in duration "10""#
        );
        assert_eq!(
            parse_duration("").unwrap_err(),
            r#"time: invalid duration """#
        );
        assert_eq!(duration_round(1_499_999_999, SECOND), SECOND);
        assert_eq!(duration_round(1_500_000_000, SECOND), 2 * SECOND);
        assert_eq!(duration_round(-1_500_000_000, SECOND), -2 * SECOND);
    }

    #[test]
    fn civil_dates() {
        for days in [-800_000i64, -1, 0, 1, 59, 10_000, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(Time::zero().civil().0, 1);
        let t = Time::date(2024, 14, 31, 0, 0, 0, 0, Zone::utc());
        assert_eq!(format(&t, "2006-01-02"), "2025-03-03");
    }

    fn call(name: &str, args: Vec<Value>) -> Result<String, String> {
        let f = FUNCS.iter().find(|f| f.name == name).unwrap();
        let v = (f.body)(&mut FuncEnv::default(), args)?;
        Ok(match v {
            Value::Str(s) => s.to_string(),
            Value::Object(o) => o.go_string(),
            v => format!("{v:?}"),
        })
    }

    #[test]
    fn sprig_functions() {
        let now = || time_value(Time::from_unix_nanos(crate::func::DEFAULT_NOW_UNIX_NANOS));
        assert_eq!(
            call("now", vec![]).unwrap(),
            "2026-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(
            call("date", vec![Value::str("2006-01-02 Mon"), now()]).unwrap(),
            "2026-01-01 Thu"
        );
        assert_eq!(
            call("date", vec![Value::str("2006-01-02"), Value::Int(86_400)]).unwrap(),
            "1970-01-02"
        );
        assert_eq!(
            call("date", vec![Value::str("2006"), Value::Float(86_400.0)]).unwrap(),
            "2026"
        );
        assert_eq!(
            call(
                "dateInZone",
                vec![Value::str("15:04 MST"), now(), Value::str("Europe/Paris")]
            )
            .unwrap(),
            "00:00 UTC"
        );
        assert_eq!(
            call("htmlDate", vec![Value::Int64(0)]).unwrap(),
            "1970-01-01"
        );
        assert_eq!(
            call("dateModify", vec![Value::str("-1.5h"), now()]).unwrap(),
            "2025-12-31 22:30:00 +0000 UTC"
        );
        assert_eq!(
            call("dateModify", vec![Value::str("bad"), now()]).unwrap(),
            "2026-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(
            call("mustDateModify", vec![Value::str("bad"), now()]).unwrap_err(),
            r#"time: invalid duration "bad""#
        );
        assert_eq!(
            call("dateModify", vec![Value::str("1h"), Value::str("x")]).unwrap_err(),
            "wrong type for value; expected time.Time; got string"
        );
        assert_eq!(
            call("toDate", vec![Value::str("2006"), Value::str("x")]).unwrap(),
            "0001-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(call("unixEpoch", vec![now()]).unwrap(), "1767225600");
        assert_eq!(
            call("ago", vec![Value::Int64(1_767_225_600 - 90)]).unwrap(),
            "1m30s"
        );
        assert_eq!(call("ago", vec![Value::str("x")]).unwrap(), "0s");
        assert_eq!(
            call("duration", vec![Value::str("3700")]).unwrap(),
            "1h1m40s"
        );
        assert_eq!(call("duration", vec![Value::Int64(61)]).unwrap(), "1m1s");
        assert_eq!(call("duration", vec![Value::Int(61)]).unwrap(), "0s");
        assert_eq!(
            call("durationRound", vec![Value::str("2h10m")]).unwrap(),
            "2h"
        );
        assert_eq!(
            call("durationRound", vec![Value::str("-800h")]).unwrap(),
            "1mo"
        );
        assert_eq!(
            call("durationRound", vec![Value::Int64(SECOND)]).unwrap(),
            "0s"
        );
    }

    #[test]
    fn time_methods() {
        let t = Rc::new(reference());
        assert_eq!(format!("{:?}", t.field("Year")), "Some(int(2006))");
        assert_eq!(t.field("Month").unwrap().as_str(), Some("January"));
        assert_eq!(t.field("Weekday").unwrap().as_str(), Some("Monday"));
        assert_eq!(format!("{:?}", t.field("Unix")), "Some(int64(1136239445))");
        let f = t
            .call("Format", &[Value::str("2006/01/02")])
            .unwrap()
            .unwrap();
        assert_eq!(f.as_str(), Some("2006/01/02"));
        let d = t
            .call("AddDate", &[Value::Int(0), Value::Int(1), Value::Int(30)])
            .unwrap()
            .unwrap();
        let Value::Object(d) = d else { panic!() };
        assert_eq!(d.go_string(), "2006-03-04 15:04:05.123456789 -0700 MST");
        assert_eq!(
            t.to_json().as_str(),
            Some("2006-01-02T15:04:05.123456789-07:00")
        );
    }
}
