//! Sprig's time functions (`now`, `date`, `toDate`, `duration`, …) on a fixed instant, and Go's
//! `time.Time` as a template value.
//!
//! `now` is [`FuncEnv::now_unix_nanos`] (2026-01-01T00:00:00Z unless the caller sets another), so a
//! render is the same on every run. Go's `Local` zone is UTC here: Helm renders with the machine's
//! zone, and kforge does not read the machine's. `dateInZone` and `htmlDateInZone` know the zones
//! that need no tz database (UTC, GMT and their aliases, `Etc/GMT±N`, EST, MST, HST); any other
//! name (`"Europe/Paris"`, `"America/New_York"`) would need the system's tz database, which kforge
//! does not read, and falls back to UTC as Sprig does for a name Go cannot load. Times parsed with a numeric offset (`toDate "2006-01-02T15:04:05Z07:00"
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

mod duration;
mod layout;

pub use duration::{duration_round, duration_string, parse_duration};
use layout::{LONG_DAYS, long_month};
pub use layout::{format, parse};

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
    fn kind_name(&self) -> &'static str {
        "struct"
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

/// The zone `time.LoadLocation(name)` gives, for the zones that need no tz database: UTC and its
/// aliases, GMT and its aliases, `Etc/GMT±N`, and EST, MST and HST (fixed offsets today). Any
/// other name falls back to UTC, as Sprig does when Go cannot load a zone; Helm, reading the
/// machine's tz database, would use the real zone (see the module doc).
fn load_location(name: &str) -> Zone {
    let fixed = |abbr: &str, hours: i32| Zone {
        name: Rc::from(abbr),
        offset: hours * 3600,
    };
    match name {
        "GMT" | "Etc/GMT" | "GMT0" | "GMT+0" | "GMT-0" | "Etc/GMT0" | "Etc/GMT+0" | "Etc/GMT-0"
        | "Greenwich" | "Etc/Greenwich" => fixed("GMT", 0),
        "EST" => fixed("EST", -5),
        "MST" => fixed("MST", -7),
        "HST" => fixed("HST", -10),
        _ => {
            // Etc/GMT+5 is five hours west of Greenwich (POSIX sign), printed "-05".
            let etc = name.strip_prefix("Etc/GMT").and_then(|rest| {
                let (sign, digits) = rest.split_at_checked(1)?;
                let n: i32 = digits.parse().ok().filter(|_| !digits.starts_with('0'))?;
                match sign {
                    "+" if (1..=12).contains(&n) => Some(-n),
                    "-" if (1..=14).contains(&n) => Some(n),
                    _ => None,
                }
            });
            match etc {
                Some(h) => fixed(
                    &format!("{}{:02}", if h < 0 { '-' } else { '+' }, h.abs()),
                    h,
                ),
                None => Zone::utc(),
            }
        }
    }
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
        sig: sig(&[Ty::String, Ty::Object("time.Time")]),
        body: date_modify,
    },
    Func {
        name: "date_modify",
        sig: sig(&[Ty::String, Ty::Object("time.Time")]),
        body: date_modify,
    },
    Func {
        name: "mustDateModify",
        sig: sig(&[Ty::String, Ty::Object("time.Time")]),
        body: must_date_modify,
    },
    Func {
        name: "must_date_modify",
        sig: sig(&[Ty::String, Ty::Object("time.Time")]),
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
        sig: sig(&[Ty::Object("time.Time")]),
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
