//! saphyr's markers count characters; spans count bytes. Converts markers of one chunk into
//! byte offsets in the whole file.

use saphyr_parser::Marker;

pub(crate) struct Positions<'a> {
    chunk: &'a str,
    /// Byte offset of the chunk in its file.
    base: usize,
    /// `None` when the chunk is ASCII: then a character index is a byte index.
    line_starts: Option<Vec<usize>>,
}

impl<'a> Positions<'a> {
    pub(crate) fn new(chunk: &'a str, base: usize) -> Positions<'a> {
        let line_starts = (!chunk.is_ascii()).then(|| {
            // saphyr skips a byte order mark without counting it as a column.
            let first = if chunk.starts_with('\u{feff}') { 3 } else { 0 };
            let mut starts = vec![first];
            starts.extend(chunk.match_indices('\n').map(|(i, _)| i + 1));
            starts
        });
        Positions {
            chunk,
            base,
            line_starts,
        }
    }

    /// Byte offset in the file of a marker in the chunk.
    pub(crate) fn byte(&self, m: Marker) -> usize {
        self.base + self.chunk_byte(m)
    }

    fn chunk_byte(&self, m: Marker) -> usize {
        let Some(starts) = &self.line_starts else {
            return m.index().min(self.chunk.len());
        };
        let Some(&line_start) = starts.get(m.line().saturating_sub(1)) else {
            return self.chunk.len();
        };
        let rest = self.chunk.get(line_start..).unwrap_or("");
        let col = m.col();
        if rest.as_bytes().get(..col).is_some_and(<[u8]>::is_ascii) {
            return line_start + col;
        }
        match rest.char_indices().nth(col) {
            Some((i, _)) => line_start + i,
            None => self.chunk.len(),
        }
    }

    pub(crate) fn chunk_text(&self) -> &'a str {
        self.chunk
    }

    pub(crate) fn base(&self) -> usize {
        self.base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_multibyte_lines() {
        let chunk = "a: é\nbé: x\n";
        let p = Positions::new(chunk, 100);
        // `x` is character 9 on line 2, column 4 (characters), byte 11 in the chunk.
        assert_eq!(p.byte(Marker::new(9, 2, 4)), 100 + chunk.find('x').unwrap());
        let q = Positions::new("a: b\n", 7);
        assert_eq!(q.byte(Marker::new(3, 1, 3)), 10);
    }
}
