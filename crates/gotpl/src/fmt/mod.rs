//! Go's `fmt` over [`Value`] (print.go, format.go): `Sprint`, `Sprintln`, `Sprintf` with Go's
//! verbs, flags, width and precision, its error forms (`%!d(float64=8080)`, `%!s(MISSING)`,
//! `%!(EXTRA …)`, `%!(NOVERB)`), and what a template action prints (`<no value>` for nil).
//!
//! The printer is a port of Go's `pp`/`fmt` pair: the same flag handling, the same per-kind
//! dispatch (`printArg`, `printValue`), so odd combinations (`%5v` of a list pads each element,
//! `%x` of a string is hex, `%d` of a float is an error inline) come out as Go prints them.

mod float;
mod isprint;
mod quote;

pub use float::format_float;
pub(crate) use quote::is_print;
pub use quote::{quote, quote_to_ascii};

use crate::value::Value;

/// What `{{ pipeline }}` prints (text/template's printValue): `<no value>` for nil, otherwise
/// `fmt.Sprint` of the value.
pub fn print_value(v: &Value) -> String {
    match v {
        Value::Nil => "<no value>".to_owned(),
        // The common cases, without the printer's machinery.
        Value::Str(s) => s.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Float(f) => format_float(*f, b'g', -1),
        _ => sprint(std::slice::from_ref(v)),
    }
}

/// Go's `fmt.Sprint`: operands in their `%v` form, a space between two operands when neither
/// is a string (`print 1 2 "a" "b" 3` is `1 2ab3`).
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, Value::Str(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(b' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.finish()
}

/// Go's `fmt.Sprintln`: operands in their `%v` form, always separated by a space, then `\n`.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(b' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push(b'\n');
    p.finish()
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.finish()
}

/// Go's `%v` of one value (`<nil>` for nil), as `fmt.Sprint(v)`.
pub fn sprint_one(v: &Value) -> String {
    sprint(std::slice::from_ref(v))
}

/// Printed bytes as text: Go's output may hold any bytes (`%s` of a `[]byte`); kforge's is
/// UTF-8, invalid sequences replaced.
fn bytes_to_text(buf: Vec<u8>) -> String {
    match String::from_utf8(buf) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

const LOWER: &[u8; 17] = b"0123456789abcdefx";
const UPPER: &[u8; 17] = b"0123456789ABCDEFX";

/// Nesting printed before giving up (`...`): a map can contain itself through `set`, which
/// would make Go overflow its stack; kforge stops instead.
const MAX_DEPTH: usize = 100;
/// Output beyond which nested values are no longer expanded, so values that share structure
/// (`$m` holding `$n` twice, `$n` holding `$o` twice, …) cannot make the output explode.
const MAX_OUTPUT: usize = 64 << 20;

#[derive(Clone, Copy, Default)]
struct Flags {
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    // %+v and %#v: set at the top level, with plus/sharp cleared, as Go does.
    plus_v: bool,
    sharp_v: bool,
}

/// The operand a bad verb complains about: `%!d(float64=8080)`.
#[derive(Clone, Copy)]
enum Culprit<'a> {
    Nil,
    Val(&'a Value),
    Key(&'a str),
    Byte(u8),
}

/// Output already printed before the printer's `buf`, as text.
enum Piece {
    Text(String),
    /// A large printed form an object keeps ([`crate::value::Object::shared_go_string`]).
    Shared(std::rc::Rc<String>),
}

impl Piece {
    fn as_str(&self) -> &str {
        match self {
            Piece::Text(s) => s,
            Piece::Shared(s) => s,
        }
    }
}

#[derive(Default)]
struct Printer {
    buf: Vec<u8>,
    /// Output before `buf`, already text: a large printed form an object lends (Helm's
    /// `.Files`, megabytes when a chart's root is printed) goes here as it is (shared, or
    /// copied once when only lent), rather than into `buf` to be checked for UTF-8 again.
    /// The pieces are joined once at the end into a string of the exact size: appending
    /// megabytes to one growing string doubled it with `realloc` (a fresh block and a copy of
    /// everything so far, each new page a fault).
    done: Vec<Piece>,
    /// Bytes in `done`.
    done_len: usize,
    f: Flags,
    wid: usize,
    prec: usize,
    erroring: bool,
}

impl Printer {
    fn finish(mut self) -> String {
        if self.done.is_empty() {
            return bytes_to_text(self.buf);
        }
        self.flush();
        if let [Piece::Text(_)] = self.done.as_slice()
            && let Some(Piece::Text(s)) = self.done.pop()
        {
            return s;
        }
        let mut out = String::with_capacity(self.done_len);
        for piece in &self.done {
            out.push_str(piece.as_str());
        }
        out
    }

    /// Moves `buf` into `done`, as a piece of its own (only large writes and the end flush, so
    /// the pieces are few). Text that follows `buf` cannot start inside a character, so
    /// converting `buf` alone replaces the same bytes as converting it with what follows.
    fn flush(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = bytes_to_text(std::mem::take(&mut self.buf));
        self.done_len += text.len();
        self.done.push(Piece::Text(text));
    }

    /// Bytes written so far.
    fn len(&self) -> usize {
        self.done_len + self.buf.len()
    }

    /// Appends text that needs no check: large text straight to `done`.
    fn write_text(&mut self, s: &str) {
        const LARGE: usize = 1 << 12;
        if s.len() >= LARGE {
            self.flush();
            self.done_len += s.len();
            self.done.push(Piece::Text(s.to_owned()));
        } else {
            self.write(s);
        }
    }

    /// Appends a printed form an object keeps, by reference.
    fn write_shared(&mut self, s: std::rc::Rc<String>) {
        self.flush();
        self.done_len += s.len();
        self.done.push(Piece::Shared(s));
    }

    fn write(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn write_char(&mut self, c: char) {
        let mut tmp = [0u8; 4];
        self.buf
            .extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
    }

    // ---- format.go: padding and the primitive formatters ----

    fn write_padding(&mut self, n: usize) {
        let pad = if self.f.zero { b'0' } else { b' ' };
        self.buf.resize(self.buf.len() + n, pad);
    }

    /// Appends `b` padded to the width (counted in runes) on the left, or right with `-`.
    fn pad(&mut self, b: &[u8]) {
        if !self.f.wid_present || self.wid == 0 {
            self.buf.extend_from_slice(b);
            return;
        }
        let width = self.wid.saturating_sub(rune_count(b));
        if self.f.minus {
            self.buf.extend_from_slice(b);
            self.write_padding(width);
        } else {
            self.write_padding(width);
            self.buf.extend_from_slice(b);
        }
    }

    fn fmt_boolean(&mut self, v: bool) {
        self.pad(if v { b"true" } else { b"false" });
    }

    /// Go's fmt.fmtUnicode: `U+0078`, with `#` `U+0078 'x'`.
    fn fmt_unicode(&mut self, u: u64) {
        let prec = if self.f.prec_present && self.prec > 4 {
            self.prec
        } else {
            4
        };
        let mut s = format!("U+{u:0prec$X}");
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && quote::is_print(c)
        {
            s.push_str(" '");
            s.push(c);
            s.push('\'');
        }
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(s.as_bytes());
        self.f.zero = old_zero;
    }

    /// Go's fmt.fmtInteger.
    fn fmt_integer(&mut self, u: u64, base: u32, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let u = if negative { u.wrapping_neg() } else { u };
        let mut prec = 0;
        if self.f.prec_present {
            prec = self.prec;
            // Precision 0 and value 0 print nothing but the padding.
            if prec == 0 && u == 0 {
                let old_zero = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.wid);
                self.f.zero = old_zero;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1); // room for the sign
            }
        }
        let mut num: Vec<u8> = match base {
            2 => format!("{u:b}"),
            8 => format!("{u:o}"),
            16 => format!("{u:x}"),
            _ => u.to_string(),
        }
        .into_bytes();
        if digits == UPPER {
            num.make_ascii_uppercase();
        }
        let mut out = Vec::with_capacity(prec.max(num.len()) + 4);
        if verb == 'O' {
            out.extend_from_slice(b"0o");
        }
        if self.f.sharp {
            match base {
                2 => out.extend_from_slice(b"0b"),
                8 if prec <= num.len() && num.first() != Some(&b'0') => out.push(b'0'),
                16 => {
                    out.push(b'0');
                    out.push(digits.get(16).copied().unwrap_or(b'x'));
                }
                _ => {}
            }
        }
        if prec > num.len() {
            out.resize(out.len() + prec - num.len(), b'0');
        }
        out.extend_from_slice(&num);
        let sign: &[u8] = if negative {
            b"-"
        } else if self.f.plus {
            b"+"
        } else if self.f.space {
            b" "
        } else {
            b""
        };
        let mut all = Vec::with_capacity(out.len() + 1);
        all.extend_from_slice(sign);
        all.extend_from_slice(&out);
        let old_zero = self.f.zero;
        self.f.zero = false;
        self.pad(&all);
        self.f.zero = old_zero;
    }

    /// Truncates to the precision, counted in runes.
    fn truncate<'b>(&self, s: &'b [u8]) -> &'b [u8] {
        if !self.f.prec_present {
            return s;
        }
        let mut n = self.prec;
        let mut i = 0;
        while i < s.len() {
            if n == 0 {
                return s.get(..i).unwrap_or(s);
            }
            n -= 1;
            i += rune_len_at(s, i);
        }
        s
    }

    fn fmt_s(&mut self, s: &[u8]) {
        let s = self.truncate(s);
        self.pad(s);
    }

    /// Go's fmt.fmtSbx: a string or byte slice as hex, `% x` spaced, `#` with 0x.
    fn fmt_sbx(&mut self, s: &[u8], digits: &[u8; 17]) {
        let mut length = s.len();
        if self.f.prec_present && self.prec < length {
            length = self.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.wid);
            }
            return;
        }
        if self.f.wid_present && self.wid > width && !self.f.minus {
            self.write_padding(self.wid - width);
        }
        let x = digits.get(16).copied().unwrap_or(b'x');
        if self.f.sharp {
            self.buf.push(b'0');
            self.buf.push(x);
        }
        for (i, &c) in s.iter().take(length).enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(b' ');
                if self.f.sharp {
                    self.buf.push(b'0');
                    self.buf.push(x);
                }
            }
            self.buf.push(hex(digits, c >> 4));
            self.buf.push(hex(digits, c & 0xf));
        }
        if self.f.wid_present && self.wid > width && self.f.minus {
            self.write_padding(self.wid - width);
        }
    }

    /// Go's fmt.fmtQ: a double-quoted Go string, `%+q` ASCII only, `%#q` backquoted if it can.
    fn fmt_q(&mut self, s: &[u8]) {
        let s = self.truncate(s);
        if self.f.sharp && quote::can_backquote(s) {
            let mut q = Vec::with_capacity(s.len() + 2);
            q.push(b'`');
            q.extend_from_slice(s);
            q.push(b'`');
            self.pad(&q);
            return;
        }
        let q = quote::quote_bytes(s, b'"', self.f.plus);
        self.pad(q.as_bytes());
    }

    fn rune_of(c: u64) -> char {
        u32::try_from(c)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{fffd}')
    }

    fn fmt_c(&mut self, c: u64) {
        let mut tmp = [0u8; 4];
        let s = Self::rune_of(c).encode_utf8(&mut tmp);
        self.pad(s.as_bytes());
    }

    fn fmt_qc(&mut self, c: u64) {
        let q = quote::quote_rune(Self::rune_of(c), self.f.plus);
        self.pad(q.as_bytes());
    }

    /// Go's fmt.fmtFloat.
    fn fmt_float_raw(&mut self, v: f64, verb: u8, prec: i32) {
        let prec = if self.f.prec_present {
            i32::try_from(self.prec).unwrap_or(i32::MAX)
        } else {
            prec
        };
        let s = format_float(v, verb, prec);
        let mut num: Vec<u8> = Vec::with_capacity(s.len() + 1);
        if !s.starts_with(['-', '+']) {
            num.push(b'+');
        }
        num.extend_from_slice(s.as_bytes());
        if self.f.space
            && !self.f.plus
            && let Some(first) = num.first_mut()
            && *first == b'+'
        {
            *first = b' ';
        }
        let second = num.get(1).copied().unwrap_or(b'0');
        // Infinities and NaN are not padded with zeros; NaN loses its sign unless asked for.
        if second == b'I' || second == b'N' {
            let old_zero = self.f.zero;
            self.f.zero = false;
            let start = usize::from(second == b'N' && !self.f.space && !self.f.plus);
            self.pad(num.get(start..).unwrap_or(&[]));
            self.f.zero = old_zero;
            return;
        }
        // `#`: always a decimal point, and %g keeps its trailing zeros.
        if self.f.sharp && verb != b'b' {
            let mut digits: i32 = 0;
            if matches!(verb, b'v' | b'g' | b'G' | b'x') {
                digits = if prec == -1 { 6 } else { prec };
            }
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                let c = num.get(i).copied().unwrap_or(b'0');
                match c {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(num.get(i..).unwrap_or(&[]));
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != b'x' && verb != b'X' => {
                        tail.extend_from_slice(num.get(i..).unwrap_or(&[]));
                        num.truncate(i);
                        break;
                    }
                    _ => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num.get(1) == Some(&b'0') {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        if self.f.plus || num.first() != Some(&b'+') {
            // Zero padding goes between the sign and the digits.
            if self.f.zero && !self.f.minus && self.f.wid_present && self.wid > num.len() {
                let width = self.wid - num.len();
                if let Some((sign, rest)) = num.split_first() {
                    self.buf.push(*sign);
                    self.write_padding(width);
                    self.buf.extend_from_slice(rest);
                }
                return;
            }
            self.pad(&num);
            return;
        }
        self.pad(num.get(1..).unwrap_or(&[]));
    }

    // ---- print.go: dispatch by kind ----

    fn bad_verb(&mut self, verb: char, culprit: Culprit<'_>) {
        self.erroring = true;
        self.write("%!");
        self.write_char(verb);
        self.buf.push(b'(');
        match culprit {
            Culprit::Nil => self.write("<nil>"),
            Culprit::Val(v) => {
                self.write(&v.type_name());
                self.buf.push(b'=');
                self.print_arg(v, 'v');
            }
            Culprit::Key(k) => {
                self.write("string=");
                self.fmt_s(k.as_bytes());
            }
            Culprit::Byte(b) => {
                self.write("uint8=");
                self.fmt_integer(u64::from(b), 10, false, 'v', LOWER);
            }
        }
        self.buf.push(b')');
        self.erroring = false;
    }

    fn fmt_bool(&mut self, v: bool, verb: char, culprit: Culprit<'_>) {
        match verb {
            't' | 'v' => self.fmt_boolean(v),
            _ => self.bad_verb(verb, culprit),
        }
    }

    fn fmt_0x64(&mut self, v: u64, leading_0x: bool) {
        let sharp = self.f.sharp;
        self.f.sharp = leading_0x;
        self.fmt_integer(v, 16, false, 'v', LOWER);
        self.f.sharp = sharp;
    }

    fn fmt_int(&mut self, v: u64, signed: bool, verb: char, culprit: Culprit<'_>) {
        match verb {
            'v' if self.f.sharp_v && !signed => self.fmt_0x64(v, true),
            'v' | 'd' => self.fmt_integer(v, 10, signed, verb, LOWER),
            'b' => self.fmt_integer(v, 2, signed, verb, LOWER),
            'o' | 'O' => self.fmt_integer(v, 8, signed, verb, LOWER),
            'x' => self.fmt_integer(v, 16, signed, verb, LOWER),
            'X' => self.fmt_integer(v, 16, signed, verb, UPPER),
            'c' => self.fmt_c(v),
            'q' => self.fmt_qc(v),
            'U' => self.fmt_unicode(v),
            _ => self.bad_verb(verb, culprit),
        }
    }

    fn fmt_float(&mut self, v: f64, verb: char, culprit: Culprit<'_>) {
        match verb {
            'v' => self.fmt_float_raw(v, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float_raw(v, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float_raw(v, verb as u8, 6),
            'F' => self.fmt_float_raw(v, b'f', 6),
            _ => self.bad_verb(verb, culprit),
        }
    }

    fn fmt_string(&mut self, s: &[u8], verb: char, culprit: Culprit<'_>) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sbx(s, LOWER),
            'X' => self.fmt_sbx(s, UPPER),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, culprit),
        }
    }

    /// A `[]byte`: text under %s/%q/%x, otherwise its elements as uint8.
    fn fmt_bytes(&mut self, b: &[u8], verb: char, type_name: &str) {
        match verb {
            's' => self.fmt_s(b),
            'q' => self.fmt_q(b),
            'x' => self.fmt_sbx(b, LOWER),
            'X' => self.fmt_sbx(b, UPPER),
            _ if self.f.sharp_v => {
                self.write(type_name);
                self.buf.push(b'{');
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.write(", ");
                    }
                    self.fmt_0x64(u64::from(c), true);
                }
                self.buf.push(b'}');
            }
            _ => {
                self.buf.push(b'[');
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(b' ');
                    }
                    self.fmt_int(u64::from(c), false, verb, Culprit::Byte(c));
                }
                self.buf.push(b']');
            }
        }
    }

    /// `%p`: the address of a map or slice; nothing else is a pointer here.
    fn fmt_pointer(&mut self, v: &Value, verb: char) {
        let addr = match v {
            Value::Map(m) => std::rc::Rc::as_ptr(m) as *const u8 as usize,
            Value::List(l) => std::rc::Rc::as_ptr(&l.items) as *const u8 as usize,
            Value::Bytes(b) => b.as_ptr() as usize,
            Value::Object(o) => std::rc::Rc::as_ptr(o) as *const u8 as usize,
            _ => return self.bad_verb(verb, Culprit::Val(v)),
        };
        if self.f.sharp_v {
            self.buf.push(b'(');
            self.write(&v.type_name());
            self.write(")(");
            self.fmt_0x64(addr as u64, true);
            self.buf.push(b')');
        } else {
            let sharp = self.f.sharp;
            self.fmt_0x64(addr as u64, !sharp);
        }
    }

    /// Go's printArg: the top-level operand.
    fn print_arg(&mut self, v: &Value, verb: char) {
        if v.is_nil() {
            match verb {
                'T' | 'v' => self.pad(b"<nil>"),
                _ => self.bad_verb(verb, Culprit::Nil),
            }
            return;
        }
        match verb {
            'T' => {
                let t = v.type_name();
                self.fmt_s(t.as_bytes());
            }
            'p' => self.fmt_pointer(v, verb),
            _ => self.print_value(v, verb, 0),
        }
    }

    /// Go's printValue: a value at any depth (`depth > 0` inside a map or list).
    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if depth > MAX_DEPTH || self.len() > MAX_OUTPUT {
            self.write("...");
            return;
        }
        let culprit = Culprit::Val(v);
        match v {
            // A nil inside a list or map: an interface holding nothing.
            Value::Nil if self.f.sharp_v => self.write("interface {}(nil)"),
            Value::Nil => self.write("<nil>"),
            Value::Bool(b) => self.fmt_bool(*b, verb, culprit),
            Value::Int(i) | Value::Int64(i) => self.fmt_int(*i as u64, true, verb, culprit),
            Value::Uint(u) => self.fmt_int(*u, false, verb, culprit),
            Value::Uint8(u) => self.fmt_int(u64::from(*u), false, verb, culprit),
            Value::Float(x) => self.fmt_float(*x, verb, culprit),
            Value::Str(s) => self.fmt_string(s.as_bytes(), verb, culprit),
            Value::Bytes(b) => {
                let name = if depth == 0 { "[]byte" } else { "[]uint8" };
                self.fmt_bytes(b, verb, name);
            }
            Value::List(l) => {
                let items = l.items.borrow();
                if self.f.sharp_v {
                    self.write(&v.type_name());
                    self.buf.push(b'{');
                } else {
                    self.buf.push(b'[');
                }
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.write(", ");
                        } else {
                            self.buf.push(b' ');
                        }
                    }
                    self.print_value(item, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { b'}' } else { b']' });
            }
            Value::Map(m) => {
                let m = m.borrow();
                if self.f.sharp_v {
                    self.write(&v.type_name());
                    self.buf.push(b'{');
                } else {
                    self.write("map[");
                }
                for (i, (k, item)) in m.iter().enumerate() {
                    if i > 0 {
                        if self.f.sharp_v {
                            self.write(", ");
                        } else {
                            self.buf.push(b' ');
                        }
                    }
                    self.fmt_string(k.as_bytes(), verb, Culprit::Key(k));
                    self.buf.push(b':');
                    self.print_value(item, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { b'}' } else { b']' });
            }
            Value::Object(o) => {
                // Go calls String() for the string-like verbs; kforge's objects render that
                // form (or their struct form) through go_string.
                match verb {
                    // What fmt_string does for these when nothing pads, cuts or quotes.
                    'v' | 's' if !self.f.sharp_v && !self.f.wid_present && !self.f.prec_present => {
                        match o.shared_go_string() {
                            Some(s) => self.write_shared(s),
                            None => o.with_go_string(&mut |s| self.write_text(s)),
                        }
                    }
                    'v' | 's' | 'x' | 'X' | 'q' => {
                        o.with_go_string(&mut |s| self.fmt_string(s.as_bytes(), verb, culprit));
                    }
                    _ => self.bad_verb(verb, culprit),
                }
            }
        }
    }

    // ---- doPrintf ----

    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        let mut reordered = false;
        let mut i = 0usize;
        while i < end {
            let mut good_arg_num = true;
            let lasti = i;
            while i < end && fb.get(i) != Some(&b'%') {
                i += 1;
            }
            if i > lasti {
                self.buf.extend_from_slice(fb.get(lasti..i).unwrap_or(&[]));
            }
            if i >= end {
                break;
            }
            i += 1; // the '%'
            self.f = Flags::default();
            self.wid = 0;
            self.prec = 0;
            while let Some(&c) = fb.get(i) {
                match c {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus, // only pad with zeros on the left
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }

            // An explicit argument index: %[2]d
            let (n, ni, found) = self.arg_number(
                arg_num,
                fb,
                i,
                args.len(),
                &mut reordered,
                &mut good_arg_num,
            );
            (arg_num, i, after_index) = (n, ni, found);

            // Width.
            if fb.get(i) == Some(&b'*') {
                i += 1;
                let (num, is_int, next) = int_from_arg(args, arg_num);
                arg_num = next;
                self.f.wid_present = is_int;
                if !is_int {
                    self.write("%!(BADWIDTH)");
                }
                if num < 0 {
                    self.wid = num.unsigned_abs() as usize;
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.wid = num.unsigned_abs() as usize;
                }
                after_index = false;
            } else {
                let (num, isnum, ni) = parsenum(fb, i, end);
                self.wid = num;
                self.f.wid_present = isnum;
                i = ni;
                if after_index && self.f.wid_present {
                    good_arg_num = false; // "%[3]2d"
                }
            }

            // Precision.
            if i + 1 < end && fb.get(i) == Some(&b'.') {
                i += 1;
                if after_index {
                    good_arg_num = false; // "%[3].2d"
                }
                let (n, ni, found) = self.arg_number(
                    arg_num,
                    fb,
                    i,
                    args.len(),
                    &mut reordered,
                    &mut good_arg_num,
                );
                (arg_num, i, after_index) = (n, ni, found);
                if fb.get(i) == Some(&b'*') {
                    i += 1;
                    let (num, is_int, next) = int_from_arg(args, arg_num);
                    arg_num = next;
                    self.f.prec_present = is_int;
                    self.prec = num.unsigned_abs() as usize;
                    // A negative precision makes no sense.
                    if num < 0 {
                        self.prec = 0;
                        self.f.prec_present = false;
                    }
                    if !self.f.prec_present {
                        self.write("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (num, isnum, ni) = parsenum(fb, i, end);
                    i = ni;
                    self.prec = if isnum { num } else { 0 };
                    self.f.prec_present = true;
                }
            }

            if !after_index {
                let (n, ni, found) = self.arg_number(
                    arg_num,
                    fb,
                    i,
                    args.len(),
                    &mut reordered,
                    &mut good_arg_num,
                );
                (arg_num, i, after_index) = (n, ni, found);
            }
            let _ = after_index;

            let Some(verb) = format.get(i..).and_then(|s| s.chars().next()) else {
                self.write("%!(NOVERB)");
                break;
            };
            i += verb.len_utf8();

            match verb {
                // Percent takes no operand and ignores width and precision.
                '%' => self.buf.push(b'%'),
                _ if !good_arg_num => {
                    self.write("%!");
                    self.write_char(verb);
                    self.write("(BADINDEX)");
                }
                _ => {
                    let Some(arg) = args.get(arg_num) else {
                        self.write("%!");
                        self.write_char(verb);
                        self.write("(MISSING)");
                        continue;
                    };
                    if verb == 'v' {
                        self.f.sharp_v = self.f.sharp;
                        self.f.sharp = false;
                        self.f.plus_v = self.f.plus;
                        self.f.plus = false;
                    }
                    self.print_arg(arg, verb);
                    arg_num += 1;
                }
            }
        }

        // Extra operands, unless the format reordered them.
        if !reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.wid = 0;
            self.prec = 0;
            self.write("%!(EXTRA ");
            for (i, arg) in args.iter().skip(arg_num).enumerate() {
                if i > 0 {
                    self.write(", ");
                }
                if arg.is_nil() {
                    self.write("<nil>");
                } else {
                    self.write(&arg.type_name());
                    self.buf.push(b'=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(b')');
        }
    }

    /// Go's argNumber: an explicit `[n]` index at `fb[i..]`.
    fn arg_number(
        &mut self,
        arg_num: usize,
        fb: &[u8],
        i: usize,
        num_args: usize,
        reordered: &mut bool,
        good_arg_num: &mut bool,
    ) -> (usize, usize, bool) {
        if fb.get(i) != Some(&b'[') {
            return (arg_num, i, false);
        }
        *reordered = true;
        let rest = fb.get(i..).unwrap_or(&[]);
        let (index, wid, ok) = parse_arg_number(rest);
        if ok && index < num_args {
            return (index, i + wid, true);
        }
        *good_arg_num = false;
        (arg_num, i + wid, ok)
    }
}

/// Go's parseArgNumber: `[n]` → (n-1, bytes consumed, ok).
fn parse_arg_number(fb: &[u8]) -> (usize, usize, bool) {
    if fb.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..fb.len() {
        if fb.get(i) == Some(&b']') {
            let (width, ok, newi) = parsenum(fb, 1, i);
            if !ok || newi != i || width == 0 {
                // Go computes width-1 = -1 for [0], which is never a valid index.
                return (usize::MAX, i + 1, ok && newi == i);
            }
            return (width - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

/// Go's parsenum: decimal digits at `fb[start..end]`; numbers over 1e6 are refused.
fn parsenum(fb: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut isnum = false;
    let mut i = start;
    while i < end {
        let Some(&c) = fb.get(i) else { break };
        if !c.is_ascii_digit() {
            break;
        }
        if num > 1_000_000 {
            return (0, false, end); // overflow: a crazy long number
        }
        num = num * 10 + usize::from(c - b'0');
        isnum = true;
        i += 1;
    }
    (num, isnum, i)
}

/// Go's intFromArg: a `*` width or precision must be an integer operand of at most 1e6.
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let Some(arg) = args.get(arg_num) else {
        return (0, false, arg_num);
    };
    let (num, is_int) = match arg {
        Value::Int(i) | Value::Int64(i) => (*i, true),
        Value::Uint(u) => i64::try_from(*u).map_or((0, false), |n| (n, true)),
        Value::Uint8(u) => (i64::from(*u), true),
        _ => (0, false),
    };
    if !(-1_000_000..=1_000_000).contains(&num) {
        return (0, false, arg_num + 1);
    }
    (num, is_int, arg_num + 1)
}

fn hex(digits: &[u8; 17], n: u8) -> u8 {
    digits.get(usize::from(n & 0xf)).copied().unwrap_or(b'0')
}

/// Go's utf8.RuneCount: each byte of an invalid sequence counts as one rune.
fn rune_count(b: &[u8]) -> usize {
    b.utf8_chunks()
        .map(|c| c.valid().chars().count() + c.invalid().len())
        .sum()
}

/// Length of the rune starting at `s[i]` (1 for an invalid byte), as Go's DecodeRune.
fn rune_len_at(s: &[u8], i: usize) -> usize {
    let rest = s.get(i..).unwrap_or(&[]);
    match rest.utf8_chunks().next() {
        Some(c) => c.valid().chars().next().map_or(1, char::len_utf8),
        None => 1,
    }
}

#[cfg(test)]
mod tests;
