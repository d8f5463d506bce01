//! Where the lines of a text start, in two bytes a line.
//!
//! Every file's line starts are kept for the whole run (positions in a released text are found
//! from them without reading it again), and as `u32`s they were 1.6 MB on the CRD-heavy corpus
//! (~400,000 lines; ~140 of its ~3,000 page faults, issue 19). Here each start keeps its low 16
//! bits, and the text's 64 KiB blocks say which line is the first to start in each: a start is
//! its block's base plus its low bits.

/// Bits of a start kept per line.
const BLOCK_BITS: u32 = 16;

#[derive(Clone, Debug)]
pub(super) struct LineStarts {
    /// The low [`BLOCK_BITS`] of each line's byte offset; the first line starts at 0.
    low: Box<[u16]>,
    /// For each block of the text (`k << BLOCK_BITS ..`), the first line that starts in it or
    /// after it: non-decreasing, `blocks[0] == 0`.
    blocks: Box<[u32]>,
}

impl LineStarts {
    /// The lines of `text`: one starts at 0 and after each `\n` but a final one.
    pub(super) fn new(text: &str) -> LineStarts {
        // Every template, values file and rendered output is indexed once: the memchr crate's
        // vectorised search (core's `match_indices('\n')` was 4% of a chart's `kforge template`).
        // Counted first, so the index is allocated once at its size: it is kept for the whole
        // run.
        let bytes = text.as_bytes();
        let newlines = memchr::memchr_iter(b'\n', bytes).count();
        let ends_in_newline = bytes.last() == Some(&b'\n');
        let mut low = Vec::with_capacity(1 + newlines - usize::from(ends_in_newline));
        let mut blocks = Vec::with_capacity((text.len() >> BLOCK_BITS) + 1);
        blocks.push(0u32);
        let starts = std::iter::once(0).chain(
            memchr::memchr_iter(b'\n', bytes)
                .map(|i| i + 1)
                .filter(|&next| next < text.len()),
        );
        for (line, start) in starts.enumerate() {
            while (blocks.len() << BLOCK_BITS) <= start {
                blocks.push(line as u32);
            }
            low.push(start as u16);
        }
        LineStarts {
            low: low.into_boxed_slice(),
            blocks: blocks.into_boxed_slice(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.low.len()
    }

    /// The byte offset where `line` (0-based) starts.
    pub(super) fn get(&self, line: usize) -> Option<u32> {
        let low = *self.low.get(line)?;
        // The last block whose first line is at or before `line` is the one `line` starts in
        // (a block no line starts in has the same first line as the next one).
        let block = self
            .blocks
            .partition_point(|&first| first as usize <= line)
            .saturating_sub(1);
        Some(((block as u32) << BLOCK_BITS) | u32::from(low))
    }

    /// The last line that starts at or before `offset` (0 for none).
    pub(super) fn line_of(&self, offset: u32) -> usize {
        let block = (offset >> BLOCK_BITS) as usize;
        let Some(&first) = self.blocks.get(block) else {
            // Past the last block any line starts in.
            return self.len().saturating_sub(1);
        };
        let first = first as usize;
        let end = self
            .blocks
            .get(block + 1)
            .map_or(self.len(), |&next| next as usize);
        let within = self.low.get(first..end).unwrap_or_default();
        let low = offset as u16;
        match within.partition_point(|&l| l <= low) {
            // The line holding `offset` started in an earlier block.
            0 => first.saturating_sub(1),
            n => first + n - 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `u32` index this replaces, and how it found a line.
    fn plain(text: &str) -> Vec<u32> {
        let mut starts = vec![0u32];
        starts.extend(
            text.match_indices('\n')
                .map(|(i, _)| i + 1)
                .filter(|&next| next < text.len())
                .map(|next| next as u32),
        );
        starts
    }

    fn plain_line_of(starts: &[u32], offset: u32) -> usize {
        match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    #[test]
    fn starts_and_lines_are_those_of_the_u32_index() {
        let long = "x".repeat(70_000);
        let texts = [
            String::new(),
            "\n".to_string(),
            "a".to_string(),
            "a\nb\n".to_string(),
            "\n\n\nabc\n\nd".to_string(),
            // Lines longer than a block, blocks no line starts in, starts on block edges.
            format!("{long}\n{long}{long}\nshort\n{long}\n"),
            format!("{}\n{}\n", "y".repeat(65_535), "z".repeat(65_535)),
            (0..40_000).map(|i| format!("line {i}\n")).collect(),
        ];
        for text in &texts {
            let want = plain(text);
            let got = LineStarts::new(text);
            assert_eq!(got.len(), want.len());
            for (line, &start) in want.iter().enumerate() {
                assert_eq!(got.get(line), Some(start), "start of line {line}");
            }
            assert_eq!(got.get(want.len()), None);
            let mut offsets: Vec<u32> = want
                .iter()
                .flat_map(|&s| [s.saturating_sub(1), s, s + 1])
                .collect();
            offsets.extend((0..=text.len() as u32 + 70_000).step_by(997));
            offsets.extend([65_535, 65_536, 65_537, 131_072, u32::MAX]);
            for offset in offsets {
                assert_eq!(
                    got.line_of(offset),
                    plain_line_of(&want, offset),
                    "line of offset {offset}"
                );
            }
        }
    }
}
