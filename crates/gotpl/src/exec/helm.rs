//! Helm's engine functions (pkg/engine/engine.go): `include`, `tpl`, `required`, `fail` and the
//! cluster-less `lookup`.

use std::rc::Rc;
use std::sync::Arc;

use super::errors::{Chain, ErrorKind, WARN_END, WARN_START, go_quote};
use super::output::Out;
use super::state::{Frame, R, Rv, State};
use super::{Entry, ROOT_NAME, associate, is_empty_tree, is_func};
use crate::value::Value;

/// Helm's `recursionMaxNums`: nested includes of one name beyond this fail.
const RECURSION_MAX: u32 = 1000;

/// A parsed `tpl` string: its main template (named `gotpl`, as Helm names it) and its defines.
pub(crate) struct TplParsed {
    main: Entry,
    defs: Vec<Entry>,
}

/// The definitions a `tpl` string adds while it executes (Helm executes it in a clone of the
/// template set, so they are visible inside it and gone after).
pub(crate) struct TplOverlay {
    pub defs: super::FxMap<String, Entry>,
}

/// Parsed `tpl` strings by text; bounded so a chart cannot grow it without limit.
#[derive(Default)]
pub(crate) struct TplCache {
    map: super::FxMap<String, Arc<Result<TplParsed, String>>>,
    bytes: usize,
}

const TPL_CACHE_BYTES: usize = 32 << 20;

impl TplCache {
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    fn get(&mut self, text: &str) -> Arc<Result<TplParsed, String>> {
        if let Some(p) = self.map.get(text) {
            return p.clone();
        }
        let parsed = parse_tpl(text);
        let parsed = Arc::new(parsed);
        if self.bytes + text.len() > TPL_CACHE_BYTES {
            self.map.clear();
            self.bytes = 0;
        }
        self.bytes += text.len();
        self.map.insert(text.to_string(), parsed.clone());
        parsed
    }
}

/// `lookup` calls remembered per environment (a loop may call it without end).
const MAX_LOOKUPS_KEPT: usize = 1000;

fn arg_str(args: &[Value], i: usize) -> &str {
    args.get(i).and_then(Value::as_str).unwrap_or("")
}

impl State<'_> {
    pub(crate) fn call_special(
        &mut self,
        fr: &Frame<'_>,
        call_pos: u32,
        s: super::args::Special,
        args: Vec<Value>,
    ) -> Result<Value, Chain> {
        use super::args::Special;
        match s {
            Special::Include => {
                let data = args.get(1).cloned().unwrap_or_default();
                self.include(fr, arg_str(&args, 0), data)
            }
            Special::Tpl => {
                let vals = args.get(1).cloned().unwrap_or_default();
                self.tpl(fr, call_pos, arg_str(&args, 0), vals)
            }
            Special::Required => {
                let val = args.get(1).cloned().unwrap_or_default();
                let missing = match &val {
                    Value::Nil => true,
                    Value::Str(s) => s.is_empty(),
                    _ => false,
                };
                if !missing {
                    return Ok(val);
                }
                if self.env.lint_mode {
                    return Ok(Value::str(""));
                }
                Err(warn(arg_str(&args, 0)))
            }
            Special::Fail => {
                if self.env.lint_mode {
                    return Ok(Value::str(""));
                }
                Err(warn(arg_str(&args, 0)))
            }
            // No cluster: Helm's lookup returns an empty map (template, lint, dry-run).
            Special::Lookup => {
                if self.env.lookups.len() < MAX_LOOKUPS_KEPT {
                    self.env
                        .lookups
                        .push((fr.tree.parse_name.clone(), call_pos));
                }
                Ok(Value::empty_map())
            }
            // Evaluated by `eval_call` itself (they short-circuit); never reaches here.
            Special::And | Special::Or => Ok(Value::Nil),
        }
    }

    /// Helm's `include`: the define rendered to a string (which keeps its origins).
    fn include(&mut self, fr: &Frame<'_>, name: &str, data: Value) -> Result<Value, Chain> {
        // Looked up before inserting: `include` is the most frequent call, and the name is
        // already in the map but for its first use.
        let count = match self.included.get_mut(name) {
            Some(c) => c,
            None => self.included.entry(name.to_owned()).or_insert(0),
        };
        if *count > RECURSION_MAX {
            let inner = Chain::plain("unable to execute template".to_string());
            return Err(Chain::wrap(
                &format!("rendering template has a nested reference name: {name}: "),
                inner,
            ));
        }
        *count += 1;
        let r = self.render_named(fr, name, data);
        if let Some(c) = self.included.get_mut(name) {
            *c = c.saturating_sub(1);
        }
        r
    }

    fn render_named(&mut self, fr: &Frame<'_>, name: &str, data: Value) -> Result<Value, Chain> {
        let Some(entry) = self.lookup(name) else {
            return Err(Chain::plain(format!(
                "template: no template {} associated with template {}",
                go_quote(name),
                go_quote(ROOT_NAME)
            )));
        };
        // See `super::memo`.
        let memo = self.overlays.is_empty() && !crate::track::recording();
        let execution = self.env.executions;
        if memo && let Some((result, runs, cost)) = self.env.memo.get(&entry, &data, execution) {
            let limits = self.env.limits;
            if self.fuel >= cost.fuel
                && self.depth.saturating_add(cost.depth) <= limits.max_depth
                && self.stack_used().saturating_add(cost.stack) <= limits.max_stack
            {
                self.fuel -= cost.fuel;
                if cost.read_template {
                    self.template_reads += 1;
                }
                if let (Value::Str(s), Some(runs)) = (&result, &runs) {
                    self.tracked.add_shared(s, runs);
                }
                return Ok(result);
            }
        }
        if !memo {
            let out = self.render_into_buffer(fr, &entry, Rv::val(data))?;
            return Ok(self.tracked_string(out));
        }
        let fuel_before = self.fuel;
        let rng_before = self.env.funcs.rng.state();
        let lookups_before = self.env.lookups.len();
        let template_reads_before = self.template_reads;
        let (depth, stack) = (self.depth, self.stack_used());
        let peaks = (self.peak_depth, self.peak_stack);
        (self.peak_depth, self.peak_stack) = (depth, stack);
        self.active.push((self.seq, false));
        let out = self.render_into_buffer(fr, &entry, Rv::val(data.clone()));
        let impure = self.active.pop().is_none_or(|(_, impure)| impure);
        if self.active.is_empty() {
            self.fresh.clear();
            self.env.memo.end_fresh();
        }
        let cost = super::memo::Cost {
            fuel: fuel_before.saturating_sub(self.fuel),
            read_template: template_reads_before != self.template_reads,
            depth: self.peak_depth.saturating_sub(depth),
            stack: self.peak_stack.saturating_sub(stack),
        };
        self.peak_depth = self.peak_depth.max(peaks.0);
        self.peak_stack = self.peak_stack.max(peaks.1);
        let result = self.tracked_string(out?);
        let pure = !impure
            && rng_before == self.env.funcs.rng.state()
            && lookups_before == self.env.lookups.len();
        if pure {
            let only_here = cost.read_template.then_some(execution);
            let runs = match &result {
                Value::Str(s) => self.tracked.get(s),
                _ => None,
            };
            self.env.memo.insert(
                &entry,
                data,
                (result.clone(), runs),
                cost,
                only_here,
                &self.fresh,
            );
        } else {
            data.drop_iteratively();
        }
        Ok(result)
    }

    /// Executes a template into an empty buffer, one template level deeper.
    fn render_into_buffer(&mut self, fr: &Frame<'_>, entry: &Entry, dot: Rv) -> R<Out> {
        self.enter(fr, true)?;
        let buffer = self.spare.pop().unwrap_or_default();
        self.outs.push(buffer);
        let r = self.exec_tree(entry, dot);
        let out = self.outs.pop().unwrap_or_default();
        self.leave();
        match r {
            Ok(()) => Ok(out),
            Err(e) => {
                self.recycle(out);
                Err(e)
            }
        }
    }

    /// The string an `include` or `tpl` returns, its origins kept aside; the buffer goes back to
    /// the spares (the string is a copy of exactly its length, so the buffer's growth is paid
    /// once per nesting level rather than once per call).
    fn tracked_string(&mut self, mut out: Out) -> Value {
        let s: Rc<str> = Rc::from(out.text.as_str());
        self.tracked.add(&s, &mut out.runs);
        self.recycle(out);
        Value::Str(s)
    }

    fn recycle(&mut self, mut out: Out) {
        const SPARES: usize = 8;
        if self.spare.len() < SPARES {
            out.text.clear();
            out.runs.clear();
            self.spare.push(out);
        }
    }

    /// Helm's `tpl`: the string parsed as a template named `gotpl`, with every defined template
    /// available and its own defines visible only inside it; `<no value>` removed.
    fn tpl(
        &mut self,
        fr: &Frame<'_>,
        call_pos: u32,
        text: &str,
        vals: Value,
    ) -> Result<Value, Chain> {
        let parsed = self.env.tpl_cache.get(text);
        let parsed = match parsed.as_ref() {
            Ok(p) => p,
            Err(e) => {
                let inner = Chain::plain(e.clone());
                return Err(Chain::wrap(
                    &format!("cannot parse template {}: ", go_quote(text)),
                    inner,
                ));
            }
        };
        let overlay = self.overlay_for(parsed);
        if let Some(o) = &overlay {
            self.overlays.push(o.clone());
        }
        let r = self.render_into_buffer(fr, &parsed.main, Rv::val(vals));
        if overlay.is_some() {
            self.overlays.pop();
        }
        match r {
            Ok(mut out) => {
                out.remove_no_value();
                // The tpl text is not a file (it usually comes from values): its own output is
                // attributed to the calling action. Output of defines it includes keeps theirs.
                out.reattribute(&parsed.main.file, fr.file, call_pos);
                Ok(self.tracked_string(out))
            }
            Err(inner) => Err(Chain::wrap(
                &format!(
                    "error during tpl function execution for {}: ",
                    go_quote(text)
                ),
                inner,
            )),
        }
    }

    /// The defines of a tpl string as Go associates them into the cloned set: an empty one does
    /// not replace a non-empty one. `None` when the string defines nothing (its main template
    /// alone is only reachable by name from itself).
    fn overlay_for(&self, parsed: &TplParsed) -> Option<Arc<TplOverlay>> {
        if parsed.defs.len() <= 1 {
            return None;
        }
        let mut defs: super::FxMap<String, Entry> = super::FxMap::default();
        for e in &parsed.defs {
            if let Some(old) = self.lookup(&e.tree.name)
                && is_empty_tree(&e.tree)
                && !is_empty_tree(&old.tree)
            {
                continue;
            }
            associate(&mut defs, e.clone());
        }
        Some(Arc::new(TplOverlay { defs }))
    }
}

/// Helm's `warnWrap`: the error `required`/`fail` return, recognised by the reformatter.
fn warn(msg: &str) -> Chain {
    let mut c = Chain::plain(format!("{WARN_START}{msg}{WARN_END}"));
    c.kind = ErrorKind::Required;
    c
}

/// Parses a tpl string: Helm parses it as a new template named `gotpl`.
fn parse_tpl(text: &str) -> Result<TplParsed, String> {
    let parsed = crate::parse::parse(ROOT_NAME, text, &is_func).map_err(|e| e.to_string())?;
    let mut main = None;
    let mut defs = Vec::new();
    for tree in parsed.trees {
        let e = Entry::new(tree);
        if e.tree.name == ROOT_NAME && main.is_none() {
            main = Some(e.clone());
        }
        defs.push(e);
    }
    match main {
        Some(main) => Ok(TplParsed { main, defs }),
        None => Err(format!("template: {ROOT_NAME}: no main template")),
    }
}
