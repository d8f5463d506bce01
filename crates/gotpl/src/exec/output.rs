//! Output text with its origins: which template bytes produced which output bytes.
//!
//! kforge reports a finding in rendered YAML at the template line that produced it. Text copied
//! from a template is mapped byte for byte (a linear run); a printed value maps to its action.
//! Strings returned by `include` and `tpl` keep their own runs (a side table keyed by the
//! string's allocation) so that `{{ include "x" . | nindent 4 }}` still points into the define.

use std::rc::Rc;
use std::sync::Arc;

/// From output byte `out` on (to the next origin), the text came from `tree_parse_name` at
/// byte `src`. `linear`: output byte `out + i` is template byte `src + i` (copied text);
/// otherwise the whole run was printed by the action at `src`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub out: u32,
    pub tree_parse_name: Arc<str>,
    pub src: u32,
    pub linear: bool,
}

/// An output buffer being written.
#[derive(Default)]
pub(crate) struct Out {
    pub text: String,
    pub runs: Vec<Origin>,
}

fn off(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Out {
    /// Appends `s` attributed to `src` in `file` (linearly for copied text).
    pub fn push(&mut self, s: &str, file: &Arc<str>, src: u32, linear: bool) {
        if s.is_empty() {
            return;
        }
        let out = off(self.text.len());
        let continues = self.runs.last().is_some_and(|r| {
            linear
                && r.linear
                && Arc::ptr_eq(&r.tree_parse_name, file)
                && u64::from(r.src) + u64::from(out - r.out) == u64::from(src)
        });
        if !continues {
            self.runs.push(Origin {
                out,
                tree_parse_name: file.clone(),
                src,
                linear,
            });
        }
        self.text.push_str(s);
    }

    /// Appends `s` whose own runs (relative to its start) are `runs`; bytes before the first
    /// run (the newline and padding `nindent` adds) belong to the printing action at `src`.
    pub fn push_tracked(&mut self, s: &str, runs: &[Origin], file: &Arc<str>, src: u32) {
        if s.is_empty() {
            return;
        }
        let base = off(self.text.len());
        if runs.first().is_none_or(|r| r.out > 0) {
            self.runs.push(Origin {
                out: base,
                tree_parse_name: file.clone(),
                src,
                linear: false,
            });
        }
        for r in runs {
            self.runs.push(Origin {
                out: base.saturating_add(r.out),
                tree_parse_name: r.tree_parse_name.clone(),
                src: r.src,
                linear: r.linear,
            });
        }
        self.text.push_str(s);
    }

    /// Helm deletes every `<no value>` from a template's output (`strings.ReplaceAll`); the runs
    /// follow the bytes that remain.
    pub fn remove_no_value(&mut self) {
        const NV: &str = "<no value>";
        if !self.text.contains(NV) {
            return;
        }
        let cuts: Vec<usize> = self.text.match_indices(NV).map(|(i, _)| i).collect();
        let text = self.text.replace(NV, "");
        let runs = remap_cuts(&self.runs, &cuts, NV.len(), self.text.len());
        self.text = text;
        self.runs = runs;
    }
}

impl Out {
    /// Points the runs from `from` at the single position `at` of `to`.
    pub fn reattribute(&mut self, from: &Arc<str>, to: &Arc<str>, at: u32) {
        self.reattribute_where(0, |f| Arc::ptr_eq(f, from), to, at);
    }

    /// Points the runs from index `first` on whose file satisfies `from` at `at` of `to`.
    pub fn reattribute_where(
        &mut self,
        first: usize,
        from: impl Fn(&Arc<str>) -> bool,
        to: &Arc<str>,
        at: u32,
    ) {
        if first >= self.runs.len() {
            return;
        }
        let tail: Vec<Origin> = self.runs.drain(first..).collect();
        for r in tail {
            let r = if from(&r.tree_parse_name) {
                Origin {
                    out: r.out,
                    tree_parse_name: to.clone(),
                    src: at,
                    linear: false,
                }
            } else {
                r
            };
            let same = self.runs.last().is_some_and(|p| {
                !p.linear
                    && !r.linear
                    && p.src == r.src
                    && Arc::ptr_eq(&p.tree_parse_name, &r.tree_parse_name)
            });
            if !same {
                self.runs.push(r);
            }
        }
    }
}

/// The runs of a text after deleting `len` bytes at each of `cuts` (ascending, disjoint).
fn remap_cuts(runs: &[Origin], cuts: &[usize], len: usize, total: usize) -> Vec<Origin> {
    // Kept byte ranges of the old text, each with its new offset.
    let mut kept: Vec<(usize, usize, usize)> = Vec::with_capacity(cuts.len() + 1);
    let mut pos = 0;
    let mut removed = 0;
    for &c in cuts {
        if c > pos {
            kept.push((pos, c, pos - removed));
        }
        removed += len;
        pos = c + len;
    }
    if total > pos {
        kept.push((pos, total, pos - removed));
    }
    sub_runs(runs, total, &kept)
}

/// Runs for the pieces `(old_start, old_end, new_start)` of a text whose runs are `runs`.
fn sub_runs(runs: &[Origin], total: usize, pieces: &[(usize, usize, usize)]) -> Vec<Origin> {
    let mut out: Vec<Origin> = Vec::new();
    for &(start, end, new_start) in pieces {
        // Runs are in output order: those before the one holding `start` end before it, and
        // the walk stops at the first run past `end` (`nindent` of a long `include` has as
        // many pieces as lines and about as many runs).
        let first = runs
            .partition_point(|r| (r.out as usize) <= start)
            .saturating_sub(1);
        for (i, r) in runs.iter().enumerate().skip(first) {
            let r_start = r.out as usize;
            if r_start >= end {
                break;
            }
            let r_end = runs.get(i + 1).map_or(total, |n| n.out as usize);
            let a = r_start.max(start);
            let b = r_end.min(end);
            if a >= b {
                continue;
            }
            let src = if r.linear {
                r.src.saturating_add(off(a - r_start))
            } else {
                r.src
            };
            out.push(Origin {
                out: off(new_start + (a - start)),
                tree_parse_name: r.tree_parse_name.clone(),
                src,
                linear: r.linear,
            });
        }
    }
    out
}

/// Strings produced by `include`/`tpl` (and derived by `indent`, `nindent`, `trim…`), with runs.
#[derive(Default)]
pub(crate) struct Tracked {
    map: super::FxMap<usize, (Rc<str>, Rc<[Origin]>)>,
}

/// At most this many tracked strings per execution; later ones simply lose their origins.
const MAX_TRACKED: usize = 1 << 16;

impl Tracked {
    /// Records the runs of `s`, taking them out of `runs`.
    pub fn add(&mut self, s: &Rc<str>, runs: &mut Vec<Origin>) {
        if s.is_empty() || self.map.len() >= MAX_TRACKED {
            return;
        }
        let runs: Rc<[Origin]> = runs.drain(..).collect();
        // Holding the Rc keeps the allocation alive, so its address cannot be reused for
        // another string while the entry exists.
        self.map.insert(key(s), (s.clone(), runs));
    }

    /// Records `runs` as the runs of `s` unless it has some (a kept `include` result).
    pub fn add_shared(&mut self, s: &Rc<str>, runs: &Rc<[Origin]>) {
        if self.map.len() < MAX_TRACKED {
            self.map
                .entry(key(s))
                .or_insert_with(|| (s.clone(), runs.clone()));
        }
    }

    pub fn get(&self, s: &Rc<str>) -> Option<Rc<[Origin]>> {
        self.map
            .get(&key(s))
            .filter(|(held, _)| Rc::ptr_eq(held, s))
            .map(|(_, r)| r.clone())
    }
}

fn key(s: &Rc<str>) -> usize {
    Rc::as_ptr(s).cast::<u8>() as usize
}

/// Runs of `indent n s` (`nl`: `nindent`, which starts with a newline) from the runs of `s`:
/// every line moves right by the padding added before it.
pub(crate) fn indent_runs(s: &str, runs: &[Origin], pad: usize, nl: bool) -> Vec<Origin> {
    let mut pieces = Vec::new();
    let mut new_pos = usize::from(nl) + pad;
    let mut start = 0;
    for (i, _) in s.match_indices('\n') {
        pieces.push((start, i + 1, new_pos));
        new_pos += i + 1 - start + pad;
        start = i + 1;
    }
    pieces.push((start, s.len(), new_pos));
    sub_runs(runs, s.len(), &pieces)
}

/// Runs of the substring `s[start..start+len]`.
pub(crate) fn slice_runs(total: usize, runs: &[Origin], start: usize, len: usize) -> Vec<Origin> {
    sub_runs(runs, total, &[(start, start + len, 0)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Arc<str> {
        Arc::from("t/templates/x.yaml")
    }

    #[test]
    fn linear_text_merges_and_no_value_cut_keeps_mapping() {
        let f = file();
        let mut o = Out::default();
        o.push("ab", &f, 10, true);
        o.push("cd", &f, 12, true);
        assert_eq!(o.runs.len(), 1);
        o.push("<no value>", &f, 20, false);
        o.push("ef", &f, 40, true);
        o.remove_no_value();
        assert_eq!(o.text, "abcdef");
        let outs: Vec<(u32, u32)> = o.runs.iter().map(|r| (r.out, r.src)).collect();
        assert_eq!(outs, vec![(0, 10), (4, 40)]);
    }

    #[test]
    fn indent_moves_each_line() {
        let f = file();
        let mut o = Out::default();
        o.push("a\nb", &f, 5, true);
        let runs = indent_runs("a\nb", &o.runs, 2, true);
        // "\n  a\n  b": line 1 at 3, line 2 at 7.
        let outs: Vec<(u32, u32)> = runs.iter().map(|r| (r.out, r.src)).collect();
        assert_eq!(outs, vec![(3, 5), (7, 7)]);
    }
}
