//! The few ASN.1 DER pieces keys and certificates need: writing TLVs and reading them back.

pub const SEQUENCE: u8 = 0x30;
pub const SET: u8 = 0x31;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const NULL: u8 = 0x05;
pub const OID: u8 = 0x06;
pub const BOOLEAN: u8 = 0x01;
pub const UTF8_STRING: u8 = 0x0c;
pub const PRINTABLE_STRING: u8 = 0x13;
pub const UTC_TIME: u8 = 0x17;
pub const GENERALIZED_TIME: u8 = 0x18;

pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        let rest = bytes.get(skip..).unwrap_or(&[]);
        out.push(0x80 | rest.len() as u8);
        out.extend_from_slice(rest);
    }
    out.extend_from_slice(content);
    out
}

/// A constructed value (SEQUENCE, SET, context tag) of the concatenated parts.
pub fn cons(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    cons(SEQUENCE, parts)
}

/// An INTEGER from an unsigned big-endian magnitude.
pub fn uint(magnitude: &[u8]) -> Vec<u8> {
    let first = magnitude
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(magnitude.len());
    let m = magnitude.get(first..).unwrap_or(&[]);
    let mut content = Vec::with_capacity(m.len() + 1);
    if m.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(m);
    tlv(INTEGER, &content)
}

pub fn small_uint(x: u64) -> Vec<u8> {
    uint(&x.to_be_bytes())
}

pub fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut content = Vec::new();
    let mut arcs = arcs.iter().copied();
    let first = arcs.next().unwrap_or(0) * 40 + arcs.next().unwrap_or(0);
    for arc in std::iter::once(first).chain(arcs) {
        let mut groups = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push(0x80 | (rest & 0x7f) as u8);
            rest >>= 7;
        }
        content.extend(groups.iter().rev());
    }
    tlv(OID, &content)
}

pub fn bit_string(bytes: &[u8], unused_bits: u8) -> Vec<u8> {
    let mut content = Vec::with_capacity(bytes.len() + 1);
    content.push(unused_bits);
    content.extend_from_slice(bytes);
    tlv(BIT_STRING, &content)
}

pub fn octet_string(bytes: &[u8]) -> Vec<u8> {
    tlv(OCTET_STRING, bytes)
}

pub fn null() -> Vec<u8> {
    tlv(NULL, &[])
}

pub fn boolean(b: bool) -> Vec<u8> {
    tlv(BOOLEAN, &[if b { 0xff } else { 0 }])
}

/// One element read back: its tag, its content and its whole encoding.
#[derive(Clone, Copy, Debug)]
pub struct Elem<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub raw: &'a [u8],
}

/// Reads elements one after another from a buffer.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    pub fn next(&mut self) -> Result<Elem<'a>, String> {
        let bad = || "asn1: syntax error: data truncated".to_string();
        let tag = *self.data.first().ok_or_else(bad)?;
        if tag & 0x1f == 0x1f {
            return Err("asn1: structure error: high tag numbers are not supported".into());
        }
        let l0 = *self.data.get(1).ok_or_else(bad)?;
        let (len, header) = if l0 < 0x80 {
            (usize::from(l0), 2)
        } else {
            let n = usize::from(l0 & 0x7f);
            if n == 0 || n > 4 {
                return Err("asn1: structure error: length too large".into());
            }
            let mut len = 0usize;
            for i in 0..n {
                len = (len << 8) | usize::from(*self.data.get(2 + i).ok_or_else(bad)?);
            }
            (len, 2 + n)
        };
        let end = header.checked_add(len).ok_or_else(bad)?;
        let raw = self.data.get(..end).ok_or_else(bad)?;
        let content = raw.get(header..).ok_or_else(bad)?;
        self.data = self.data.get(end..).unwrap_or(&[]);
        Ok(Elem { tag, content, raw })
    }

    /// The next element, which must have `tag`.
    pub fn expect(&mut self, tag: u8) -> Result<Elem<'a>, String> {
        let e = self.next()?;
        if e.tag != tag {
            return Err(format!(
                "asn1: structure error: tags don't match (expected {tag:#04x}, got {:#04x})",
                e.tag
            ));
        }
        Ok(e)
    }

    /// A SEQUENCE's elements.
    pub fn seq(&mut self) -> Result<Reader<'a>, String> {
        Ok(Reader::new(self.expect(SEQUENCE)?.content))
    }

    /// An INTEGER's unsigned magnitude (negative integers are refused).
    pub fn uint(&mut self) -> Result<&'a [u8], String> {
        let c = self.expect(INTEGER)?.content;
        if c.first().is_some_and(|&b| b & 0x80 != 0) {
            return Err("asn1: negative integer".into());
        }
        if c.is_empty() {
            return Err("asn1: empty integer".into());
        }
        let first = c.iter().position(|&b| b != 0).unwrap_or(c.len());
        Ok(c.get(first..).unwrap_or(&[]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(
            oid(&[1, 2, 840, 113549, 1, 1, 11]),
            [6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 11]
        );
        assert_eq!(uint(&[0x80]), [2, 2, 0, 0x80]);
        assert_eq!(uint(&[0, 0, 5]), [2, 1, 5]);
        assert_eq!(uint(&[]), [2, 1, 0]);
        assert_eq!(tlv(4, &[0; 200])[..3], [4, 0x81, 200]);
        assert_eq!(tlv(4, &[0; 300])[..4], [4, 0x82, 1, 44]);
        let s = seq(&[&small_uint(1), &null()]);
        let mut r = Reader::new(&s);
        let mut inner = r.seq().unwrap();
        assert_eq!(inner.uint().unwrap(), [1]);
        assert_eq!(inner.next().unwrap().tag, NULL);
        assert!(inner.is_empty() && r.is_empty());
        assert!(Reader::new(&[0x30, 5, 1]).next().is_err());
    }
}
