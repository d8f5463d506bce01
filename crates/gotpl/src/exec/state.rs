//! The walk over a template (Go's `state.walk*` and `eval*`), one function per Go function so
//! the two can be read side by side.

use std::rc::Rc;
use std::sync::Arc;

use super::errors::{At, Chain, ErrorKind, exec_error};
use super::helm::TplOverlay;
use super::output::{Out, Tracked};
use super::{Entry, ExecEnv, Templates};
use crate::ast::{self, Arg, Branch, Command, Node, Pipe, Tree, Variable};
use crate::value::{Elem, Value};

pub(crate) type R<T> = Result<T, Chain>;

/// A value as Go's reflection holds it. `boxed`: the value sits in an `interface{}` slot (a map
/// element, an element of a `[]interface{}`): a nil there is a *nil interface* (valid; fields of
/// it fail with `nil pointer evaluating interface {}.x`, and typed parameters refuse it as
/// `interface {}`), while an unboxed nil is Go's invalid `reflect.Value` (fields of it are
/// silently missing). Pipelines unbox their result, as Go's `evalPipeline` does.
#[derive(Clone, Debug)]
pub(crate) struct Rv {
    pub v: Value,
    pub boxed: bool,
}

impl Rv {
    pub fn val(v: Value) -> Rv {
        Rv { v, boxed: false }
    }
    pub fn boxed(v: Value) -> Rv {
        Rv { v, boxed: true }
    }
    pub fn invalid() -> Rv {
        Rv::val(Value::Nil)
    }
    pub fn is_invalid(&self) -> bool {
        !self.boxed && self.v.is_nil()
    }
    pub fn unbox(self) -> Rv {
        Rv::val(self.v)
    }
}

/// How a range body or a list ended.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
}

/// One executing template: its tree, its variables (no dynamic scoping: a called template
/// starts with only `$`) and the node Go's error messages point at.
pub(crate) struct Frame<'n> {
    pub tree: &'n Tree,
    pub file: &'n Arc<str>,
    pub vars: Vec<(&'n str, Rv)>,
    pub cur: Option<At<'n>>,
}

impl<'n> Frame<'n> {
    pub fn new(entry: &'n Entry, dot: Rv) -> Frame<'n> {
        Frame {
            tree: &entry.tree,
            file: &entry.file,
            vars: {
                // Room for the variables most templates declare (`$fullname := …`, a range's
                // `$key, $value`) without growing the vector on the first ones.
                let mut vars = Vec::with_capacity(8);
                vars.push(("$", dot));
                vars
            },
            cur: None,
        }
    }

    pub fn at(&mut self, at: At<'n>) {
        self.cur = Some(at);
    }

    /// Go's `state.pop`: variables declared since `mark` go out of scope.
    pub fn pop_vars(&mut self, mark: usize) {
        while self.vars.len() > mark {
            if let Some((_, v)) = self.vars.pop() {
                v.v.drop_iteratively();
            }
        }
    }
}

/// A frame's variables are the usual last owners of values a template built; they are dropped
/// without recursion (see [`Value::drop_iteratively`]).
impl Drop for Frame<'_> {
    fn drop(&mut self) {
        self.pop_vars(0);
    }
}

pub(crate) struct State<'a> {
    pub tpls: &'a Templates,
    pub env: &'a mut ExecEnv,
    pub fuel: u64,
    pub depth: u32,
    pub outs: Vec<Out>,
    /// Emptied output buffers of finished `include`s and `tpl`s, reused by the next ones.
    pub spare: Vec<Out>,
    pub tracked: Tracked,
    /// Templates defined by the `tpl` strings being executed, innermost last.
    pub overlays: Vec<Arc<TplOverlay>>,
    /// Helm's `includedNames`: how many includes of each name are executing.
    pub included: super::FxMap<String, u32>,
    /// Maps and lists functions returned while an include was executing, by address, with
    /// the order they came in (see [`State::note_mutation`]).
    pub fresh: super::FxMap<usize, u64>,
    pub seq: u64,
    /// The includes executing whose result may be kept, outermost first: the `seq` when each
    /// started, and whether it mutated a map that existed before it (so it is not kept).
    pub active: Vec<(u64, bool)>,
    /// Times a template may have read a dot's `.Template` so far (see [`super::memo`]).
    pub template_reads: u64,
    /// Recent map field lookups (see [`super::fields`]).
    pub fields: super::fields::Fields,

    /// The deepest nesting level and stack use reached so far (see [`super::memo::Cost`]).
    pub peak_depth: u32,
    pub peak_stack: usize,
    /// Where the stack was when execution started (see [`Limits::max_stack`]).
    ///
    /// [`Limits::max_stack`]: super::Limits::max_stack
    stack_base: usize,
}

/// An address near the current top of the stack.
#[inline(never)]
fn stack_pos() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

impl<'a> State<'a> {
    pub fn new(tpls: &'a Templates, env: &'a mut ExecEnv) -> State<'a> {
        let fuel = env.limits.fuel;
        State {
            tpls,
            env,
            fuel,
            depth: 0,
            outs: Vec::new(),
            spare: Vec::new(),
            tracked: Tracked::default(),
            overlays: Vec::new(),
            included: super::FxMap::default(),
            fresh: super::FxMap::default(),
            seq: 0,
            active: Vec::new(),
            template_reads: 0,
            fields: super::fields::Fields::default(),
            peak_depth: 0,
            peak_stack: 0,
            stack_base: stack_pos(),
        }
    }

    pub fn run_root(&mut self, entry: &Entry, dot: Value) -> R<Out> {
        self.outs.push(Out::default());
        let r = self.exec_tree(entry, Rv::val(dot));
        let out = self.outs.pop().unwrap_or_default();
        r.map(|()| out)
    }

    /// Executes a whole template into the current output.
    pub fn exec_tree(&mut self, entry: &Entry, dot: Rv) -> R<()> {
        let mut fr = Frame::new(entry, dot.clone());
        self.walk_list(&mut fr, &dot, &entry.tree.root)?;
        Ok(())
    }

    /// A template by name: the innermost `tpl` definitions first, then the set.
    pub fn lookup(&self, name: &str) -> Option<Entry> {
        for o in self.overlays.iter().rev() {
            if let Some(e) = o.defs.get(name) {
                return Some(e.clone());
            }
        }
        self.tpls.get(name).cloned()
    }

    /// The value of the string constant `s` (text in a tree).
    pub fn literal(&mut self, s: &str) -> Value {
        const MAX_LITERALS: usize = 1 << 16;
        let key = s.as_ptr() as usize;
        // The text compared too: a tree may be gone (a `tpl` string dropped from its cache)
        // and its address taken by another.
        let literals = &mut self.env.literals;
        if let Some(v) = literals.get(&key)
            && **v == *s
        {
            return Value::Str(v.clone());
        }
        let v: Rc<str> = Rc::from(s);
        if literals.len() < MAX_LITERALS {
            literals.insert(key, v.clone());
        }
        Value::Str(v)
    }

    // ---- errors and limits

    /// Go's `state.errorf`: the error at the current node of `fr`.
    pub fn errorf(&self, fr: &Frame<'_>, msg: impl Into<String>) -> Chain {
        self.error_kind(fr, msg.into(), None, ErrorKind::Template)
    }

    pub fn error_kind(
        &self,
        fr: &Frame<'_>,
        msg: String,
        wrapped: Option<Chain>,
        kind: ErrorKind,
    ) -> Chain {
        match fr.cur {
            Some(at) => exec_error(fr.tree, &fr.tree.name, at, &msg, wrapped, kind),
            None => {
                let mut c = Chain::plain(format!("template: {}: {msg}", fr.tree.name));
                if let Some(first) = c.layers.first_mut() {
                    first.exec = true;
                }
                c.kind = kind;
                c
            }
        }
    }

    /// Spends work units; out of fuel is an error at the current node.
    pub fn burn(&mut self, fr: &Frame<'_>, units: u64) -> R<()> {
        if self.fuel < units {
            self.fuel = 0;
            let msg = format!(
                "template execution exceeded its work limit ({} units)",
                self.env.limits.fuel
            );
            return Err(self.error_kind(fr, msg, None, ErrorKind::Limit));
        }
        self.fuel -= units;
        Ok(())
    }

    /// Enters one level of nesting (a template call, a control structure, a parenthesized
    /// pipeline); `template` says which, for the message.
    pub fn enter(&mut self, fr: &Frame<'_>, template: bool) -> R<()> {
        let max = self.env.limits.max_depth;
        if self.depth >= max {
            let msg = if template {
                format!("exceeded maximum template depth ({max})")
            } else {
                format!("exceeded maximum nesting depth ({max})")
            };
            return Err(self.error_kind(fr, msg, None, ErrorKind::Limit));
        }
        let budget = self.env.limits.max_stack;
        let used = self.stack_used();
        if used > budget {
            let msg = format!(
                "nesting too deep: templates nested {} levels use more than kforge's stack budget ({budget} bytes)",
                self.depth
            );
            return Err(self.error_kind(fr, msg, None, ErrorKind::Limit));
        }
        self.depth += 1;
        self.peak_depth = self.peak_depth.max(self.depth);
        self.peak_stack = self.peak_stack.max(used);
        Ok(())
    }

    /// Counts a possible read of `.Template` when `args` (a function's, a method's, a printed
    /// value) reach a chart's dot: functions walk what they are given.
    pub fn note_template_reads(&mut self, args: &[Value]) {
        if !self.active.is_empty() && self.env.memo.reaches_dot(args) {
            self.template_reads += 1;
        }
    }

    /// `range` over a map reads it whole, a chart's dot's `.Template` included.
    fn note_ranged_map(&mut self, v: &Value) {
        crate::track::read_whole(v);
        if let Value::Map(m) = v
            && super::memo::is_dot(&m.borrow())
        {
            self.template_reads += 1;
        }
    }

    /// A function returned `v` while an include was executing: a map or list that nothing but
    /// `v` holds is new, made by that include or one it called. (One held elsewhere is not,
    /// even when seen for the first time: `default dict .Values.sub`, `get`, `index`, `first`
    /// return a map of the values, and a `set` on it must keep the include from being kept.)
    pub fn note_fresh(&mut self, v: &Value) {
        const MAX_FRESH: usize = 1 << 16;
        let addr = match v {
            Value::Map(m) if Rc::strong_count(m) == 1 => Rc::as_ptr(m) as usize,
            Value::List(l) if Rc::strong_count(&l.items) == 1 => Rc::as_ptr(&l.items) as usize,
            _ => return,
        };
        if self.active.is_empty() || self.fresh.len() >= MAX_FRESH {
            return;
        }
        self.seq += 1;
        let seq = self.seq;
        self.fresh.entry(addr).or_insert(seq);
    }

    /// `target` is about to be changed in place (by `set`, `unset`, `merge…`, which may change
    /// the maps in it too). Kept results whose arguments reach any of them are forgotten, and
    /// the executing includes that are older than one of them are not kept: a reuse would skip
    /// the change. Maps a function made after an include started are that include's own.
    /// `added`: the values the change puts in (`set`'s value, `merge`'s sources).
    pub fn note_mutation(&mut self, target: &Value, added: &[Value]) {
        let adds_dot = self.env.memo.reaches_dot(added);
        let oldest = self.env.memo.mutated(target, &self.fresh, adds_dot);
        for (start, impure) in &mut self.active {
            if oldest <= *start {
                *impure = true;
            }
        }
    }

    /// Bytes of stack used since execution started, as [`State::enter`] counts them.
    pub fn stack_used(&self) -> usize {
        self.stack_base.abs_diff(stack_pos())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Writes to the current output.
    fn write(&mut self, fr: &Frame<'_>, s: &str, src: u32, linear: bool) -> R<()> {
        self.check_size(fr, s.len())?;
        if let Some(out) = self.outs.last_mut() {
            out.push(s, fr.file, src, linear);
        }
        Ok(())
    }

    /// Strings a function builds count as work, and may not outgrow the output limit: a loop
    /// that doubles a string (`$x = cat $x $x`) stops here, not when memory runs out.
    pub fn check_value_size(&mut self, fr: &Frame<'_>, v: &Value) -> R<()> {
        let len = match v {
            Value::Str(s) => s.len(),
            Value::Bytes(b) => b.len(),
            _ => return Ok(()),
        };
        self.burn(fr, (len / 64) as u64)?;
        let max = self.env.limits.max_output;
        if len > max {
            let msg = format!("a value exceeds the size limit ({max} bytes)");
            return Err(self.error_kind(fr, msg, None, ErrorKind::Limit));
        }
        Ok(())
    }

    fn check_size(&mut self, fr: &Frame<'_>, add: usize) -> R<()> {
        self.burn(fr, (add / 64) as u64)?;
        let len = self.outs.last().map_or(0, |o| o.text.len());
        let max = self.env.limits.max_output;
        if len.saturating_add(add) > max {
            let msg = format!("template output exceeds the size limit ({max} bytes)");
            return Err(self.error_kind(fr, msg, None, ErrorKind::Limit));
        }
        Ok(())
    }

    // ---- walk

    pub fn walk_list<'n>(&mut self, fr: &mut Frame<'n>, dot: &Rv, list: &'n ast::List) -> R<Flow> {
        for node in &list.nodes {
            match self.walk(fr, dot, node)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk<'n>(&mut self, fr: &mut Frame<'n>, dot: &Rv, node: &'n Node) -> R<Flow> {
        self.burn(fr, 1)?;
        match node {
            Node::Text { span } => self.write(fr, fr.tree.span_text(*span), span.start, true)?,
            Node::Action { span, pipe } => {
                fr.at(At::Action { span: *span, pipe });
                let val = self.eval_pipeline(fr, dot, pipe)?;
                if pipe.decl.is_empty() {
                    self.print_value(fr, *span, pipe, val)?;
                }
            }
            Node::Comment { .. } => {}
            Node::If(b) => return self.walk_if_or_with(fr, dot, b, false),
            Node::With(b) => return self.walk_if_or_with(fr, dot, b, true),
            Node::Range(b) => {
                self.enter(fr, false)?;
                let r = self.walk_range(fr, dot, b);
                self.leave();
                r?;
            }
            Node::Template { span, name, pipe } => {
                fr.at(At::Template {
                    span: *span,
                    name,
                    pipe: pipe.as_deref(),
                });
                self.walk_template(fr, dot, name, pipe.as_deref())?;
            }
            Node::Break { .. } => return Ok(Flow::Break),
            Node::Continue { .. } => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        b: &'n Branch,
        with: bool,
    ) -> R<Flow> {
        self.enter(fr, false)?;
        let mark = fr.vars.len();
        fr.at(At::Branch(&b.pipe));
        let r = match self.eval_pipeline(fr, dot, &b.pipe) {
            Err(e) => Err(e),
            Ok(val) => {
                if val.v.truthy() {
                    let d = if with { &val } else { dot };
                    self.walk_list(fr, d, &b.list)
                } else if let Some(else_list) = &b.else_list {
                    self.walk_list(fr, dot, else_list)
                } else {
                    Ok(Flow::Normal)
                }
            }
        };
        fr.pop_vars(mark);
        self.leave();
        r
    }

    fn walk_range<'n>(&mut self, fr: &mut Frame<'n>, dot: &Rv, r: &'n Branch) -> R<()> {
        let mark0 = fr.vars.len();
        fr.at(At::Branch(&r.pipe));
        let val = self.eval_pipeline(fr, dot, &r.pipe)?;
        let mark = fr.vars.len();
        let ran = match &val.v {
            Value::List(l) => {
                let n = l.items.borrow().len();
                let mut ran = false;
                for i in 0..n {
                    let Some(item) = l.items.borrow().get(i).cloned() else {
                        break;
                    };
                    ran = true;
                    let elem = if l.elem == Elem::Any {
                        Rv::boxed(item)
                    } else {
                        Rv::val(item)
                    };
                    let idx = Rv::val(Value::Int(i as i64));
                    if self.one_iteration(fr, r, mark, idx, elem)? == Flow::Break {
                        break;
                    }
                }
                ran
            }
            Value::Bytes(b) => {
                for (i, x) in b.iter().enumerate() {
                    let idx = Rv::val(Value::Int(i as i64));
                    let elem = Rv::val(Value::Uint8(*x));
                    if self.one_iteration(fr, r, mark, idx, elem)? == Flow::Break {
                        break;
                    }
                }
                !b.is_empty()
            }
            Value::Map(m) => {
                self.note_ranged_map(&val.v);
                // Go sorts the keys once (fmtsort) and visits the values it read then.
                let entries: Vec<(String, Value)> = m
                    .borrow()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                for (k, v) in &entries {
                    let key = Rv::val(Value::str(k));
                    if self.one_iteration(fr, r, mark, key, Rv::boxed(v.clone()))? == Flow::Break {
                        break;
                    }
                }
                !entries.is_empty()
            }
            // A Go slice type with methods (Helm's `.Capabilities.APIVersions`): its strings.
            Value::Object(o) if o.elements().is_some() => {
                let items = o.elements().unwrap_or_default();
                for (i, item) in items.iter().enumerate() {
                    let idx = Rv::val(Value::Int(i as i64));
                    if self.one_iteration(fr, r, mark, idx, Rv::val(item.clone()))? == Flow::Break {
                        break;
                    }
                }
                !items.is_empty()
            }
            // A Go map type with methods (Helm's `.Files.Glob` result): its typed entries.
            Value::Object(o) if o.entries().is_some() => {
                let entries = o.entries().unwrap_or_default();
                for (k, v) in &entries {
                    let key = Rv::val(Value::str(k));
                    if self.one_iteration(fr, r, mark, key, Rv::val(v.clone()))? == Flow::Break {
                        break;
                    }
                }
                !entries.is_empty()
            }
            Value::Int(_) | Value::Int64(_) | Value::Uint(_) | Value::Uint8(_) => {
                if r.pipe.decl.len() > 1 {
                    let msg = format!(
                        "can't use {} to iterate over more than one variable",
                        crate::fmt::sprint_one(&val.v)
                    );
                    return Err(self.errorf(fr, msg));
                }
                let n: u64 = match val.v {
                    Value::Int(i) | Value::Int64(i) => u64::try_from(i).unwrap_or(0),
                    Value::Uint(u) => u,
                    Value::Uint8(u) => u64::from(u),
                    _ => 0,
                };
                for i in 0..n {
                    let elem = match val.v {
                        Value::Int(_) => Value::Int(i as i64),
                        Value::Int64(_) => Value::Int64(i as i64),
                        Value::Uint8(_) => Value::Uint8(i as u8),
                        _ => Value::Uint(i),
                    };
                    if self.one_iteration(fr, r, mark, Rv::invalid(), Rv::val(elem))? == Flow::Break
                    {
                        break;
                    }
                }
                n > 0
            }
            // An invalid value (a nil map, a missing key) ranges like an empty map.
            Value::Nil => false,
            _ => {
                let msg = format!(
                    "range can't iterate over {}",
                    crate::fmt::sprint_one(&val.v)
                );
                return Err(self.errorf(fr, msg));
            }
        };
        let res = if !ran && let Some(else_list) = &r.else_list {
            self.walk_list(fr, dot, else_list).map(|_| ())
        } else {
            Ok(())
        };
        fr.pop_vars(mark0);
        res
    }

    fn one_iteration<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        r: &'n Branch,
        mark: usize,
        index: Rv,
        elem: Rv,
    ) -> R<Flow> {
        self.burn(fr, 1)?;
        let decl = &r.pipe.decl;
        if let Some(first) = decl.first() {
            if r.pipe.is_assign {
                // With two variables, the index comes first; with one, the element.
                let v = if decl.len() > 1 {
                    index.clone()
                } else {
                    elem.clone()
                };
                self.set_var(fr, var_name(first), v)?;
            } else {
                set_top_var(fr, 1, elem.clone());
            }
        }
        if let Some(second) = decl.get(1) {
            if r.pipe.is_assign {
                self.set_var(fr, var_name(second), elem.clone())?;
            } else {
                set_top_var(fr, 2, index);
            }
        }
        let flow = self.walk_list(fr, &elem, &r.list);
        fr.pop_vars(mark);
        match flow? {
            Flow::Break => Ok(Flow::Break),
            _ => Ok(Flow::Normal),
        }
    }

    fn walk_template<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        name: &str,
        pipe: Option<&'n Pipe>,
    ) -> R<()> {
        // The `{{template}}` node, which `walk` made current.
        let call_pos = fr.cur.map_or(0, |a| a.pos());
        let Some(entry) = self.lookup(name) else {
            let msg = format!("template {} not defined", super::errors::go_quote(name));
            return Err(self.errorf(fr, msg));
        };
        self.enter(fr, true)?;
        // Variables declared by the pipeline persist in the caller.
        let new_dot = match pipe {
            Some(p) => self.eval_pipeline(fr, dot, p),
            None => Ok(Rv::invalid()),
        };
        let first = self.outs.last().map_or(0, |o| o.runs.len());
        let r = new_dot.and_then(|d| self.exec_tree(&entry, d));
        self.leave();
        if !self.env.opaque_prefixes.is_empty() && !self.is_opaque(fr.file) {
            let prefixes = &self.env.opaque_prefixes;
            let opaque = |f: &Arc<str>| prefixes.iter().any(|p| f.starts_with(p.as_str()));
            if let Some(out) = self.outs.last_mut() {
                out.reattribute_where(first, opaque, fr.file, call_pos);
            }
        }
        r
    }

    /// Whether output of `file` is attributed to its caller (see `ExecEnv::opaque_prefixes`).
    fn is_opaque(&self, file: &str) -> bool {
        self.env
            .opaque_prefixes
            .iter()
            .any(|p| file.starts_with(p.as_str()))
    }

    // ---- eval

    pub fn eval_pipeline<'n>(&mut self, fr: &mut Frame<'n>, dot: &Rv, pipe: &'n Pipe) -> R<Rv> {
        fr.at(At::Pipe(pipe));
        let mut value: Option<Rv> = None;
        for cmd in &pipe.cmds {
            let v = self.eval_command(fr, dot, cmd, value.take())?;
            // An interface{} result is looked through, as Go does ("lovely!").
            value = Some(v.unbox());
        }
        let value = value.unwrap_or_else(Rv::invalid);
        for var in &pipe.decl {
            if pipe.is_assign {
                self.set_var(fr, var_name(var), value.clone())?;
            } else {
                fr.vars.push((var_name(var), value.clone()));
            }
        }
        Ok(value)
    }

    fn set_var<'n>(&self, fr: &mut Frame<'n>, name: &str, value: Rv) -> R<()> {
        if let Some(slot) = fr.vars.iter_mut().rev().find(|(n, _)| *n == name) {
            std::mem::replace(&mut slot.1, value).v.drop_iteratively();
            return Ok(());
        }
        Err(self.errorf(fr, format!("undefined variable: {name}")))
    }

    fn var_value(&self, fr: &Frame<'_>, name: &str) -> R<Rv> {
        if let Some((_, v)) = fr.vars.iter().rev().find(|(n, _)| *n == name) {
            return Ok(v.clone());
        }
        Err(self.errorf(fr, format!("undefined variable: {name}")))
    }

    pub fn not_a_function(&self, fr: &Frame<'_>, args: &[Arg], fin: &Option<Rv>) -> R<()> {
        if args.len() > 1 || fin.is_some() {
            // Go formats the node with `%s`: a parenthesised pipeline is the PipeNode itself,
            // printed without the parentheses its command would give it.
            let first = match args.first() {
                Some(Arg::Pipe(_, p)) => At::Pipe(p).context(&fr.tree.text),
                Some(a) => At::Arg(a).context(&fr.tree.text),
                None => String::new(),
            };
            return Err(self.errorf(fr, format!("can't give argument to non-function {first}")));
        }
        Ok(())
    }

    fn eval_command<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        cmd: &'n Command,
        fin: Option<Rv>,
    ) -> R<Rv> {
        let Some(first) = cmd.args.first() else {
            return Err(self.errorf(fr, "empty command"));
        };
        match first {
            Arg::Field(_, idents) => {
                return self.eval_field_node(fr, dot, first, idents, &cmd.args, fin);
            }
            Arg::Chain(..) => return self.eval_chain_node(fr, dot, first, &cmd.args, fin),
            Arg::Identifier(_, name) => {
                let rest = cmd.args.get(1..).unwrap_or(&[]);
                return self.eval_function(fr, dot, first, name, At::Cmd(cmd), rest, fin);
            }
            Arg::Pipe(_, p) => {
                self.not_a_function(fr, &cmd.args, &fin)?;
                return self.eval_nested(fr, dot, p);
            }
            Arg::Variable(v) => return self.eval_variable_node(fr, dot, first, v, &cmd.args, fin),
            _ => {}
        }
        fr.at(At::Arg(first));
        self.not_a_function(fr, &cmd.args, &fin)?;
        match first {
            Arg::Bool(_, b) => Ok(Rv::val(Value::Bool(*b))),
            Arg::Dot(_) => Ok(dot.clone()),
            Arg::Nil(_) => Err(self.errorf(fr, "nil is not a command")),
            Arg::Number(_, n) => self.ideal_constant(fr, first, n),
            Arg::String(_, s) => Ok(Rv::val(self.literal(s))),
            _ => {
                let ctx = At::Arg(first).context(&fr.tree.text);
                Err(self.errorf(
                    fr,
                    format!("can't evaluate command {}", super::errors::go_quote(&ctx)),
                ))
            }
        }
    }

    /// A parenthesized pipeline, one nesting level deeper.
    pub fn eval_nested<'n>(&mut self, fr: &mut Frame<'n>, dot: &Rv, p: &'n Pipe) -> R<Rv> {
        self.enter(fr, false)?;
        let r = self.eval_pipeline(fr, dot, p);
        self.leave();
        r
    }

    /// Go's `idealConstant`: a number whose type the context does not give.
    pub fn ideal_constant<'n>(&self, fr: &mut Frame<'n>, node: &'n Arg, n: &ast::Number) -> R<Rv> {
        fr.at(At::Arg(node));
        let text = n.text.as_str();
        let hex_int = text.len() > 2
            && (text.starts_with("0x") || text.starts_with("0X"))
            && !text.contains(['p', 'P']);
        let rune = text.starts_with('\'');
        if n.is_complex {
            return Err(self.errorf(fr, format!("complex constant {text} is not supported")));
        }
        if let Some(f) = n.float
            && !hex_int
            && !rune
            && text.contains(['.', 'e', 'E', 'p', 'P'])
        {
            return Ok(Rv::val(Value::Float(f)));
        }
        if let Some(i) = n.int {
            return Ok(Rv::val(Value::Int(i)));
        }
        if n.uint.is_some() {
            return Err(self.errorf(fr, format!("{text} overflows int")));
        }
        Ok(Rv::invalid())
    }

    pub fn eval_field_node<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        node: &'n Arg,
        idents: &'n [crate::ast::Name],
        args: &'n [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        fr.at(At::Arg(node));
        self.eval_field_chain(fr, dot, dot.clone(), node, idents, args, fin)
    }

    pub fn eval_chain_node<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        node: &'n Arg,
        args: &'n [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        fr.at(At::Arg(node));
        let Arg::Chain(_, inner, fields) = node else {
            return Err(self.errorf(fr, "internal error: not a chain"));
        };
        if fields.is_empty() {
            return Err(self.errorf(fr, "internal error: no fields in evalChainNode"));
        }
        if let Arg::Nil(_) = inner.as_ref() {
            let ctx = At::Arg(node).context(&fr.tree.text);
            return Err(self.errorf(fr, format!("indirection through explicit nil in {ctx}")));
        }
        let pipe = self.eval_arg(fr, dot, super::args::PTy::Untyped, inner)?;
        self.eval_field_chain(fr, dot, pipe, node, fields, args, fin)
    }

    pub fn eval_variable_node<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        node: &'n Arg,
        v: &'n Variable,
        args: &'n [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        fr.at(At::Arg(node));
        let value = self.var_value(fr, var_name(v))?;
        let fields = v.ident.get(1..).unwrap_or(&[]);
        if fields.is_empty() {
            self.not_a_function(fr, args, &fin)?;
            return Ok(value);
        }
        self.eval_field_chain(fr, dot, value, node, fields, args, fin)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_field_chain<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        mut receiver: Rv,
        node: &'n Arg,
        idents: &'n [crate::ast::Name],
        args: &'n [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        let Some((last, init)) = idents.split_last() else {
            return Ok(receiver);
        };
        for id in init {
            receiver = self.eval_field(fr, dot, id, node, &[], None, receiver)?;
        }
        self.eval_field(fr, dot, last, node, args, fin, receiver)
    }

    /// Go's `evalField`: `.Name` (with arguments if it is a method) on `receiver`.
    #[allow(clippy::too_many_arguments)]
    fn eval_field<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        name: &crate::ast::Name,
        node: &'n Arg,
        args: &'n [Arg],
        fin: Option<Rv>,
        receiver: Rv,
    ) -> R<Rv> {
        if name == "Template" {
            self.template_reads += 1;
        }
        if receiver.is_invalid() {
            if self.env.strict {
                let msg = format!(
                    "nil data; no entry for key {}",
                    super::errors::go_quote(name)
                );
                return Err(self.errorf(fr, msg));
            }
            // missingkey=zero: a field of nothing is nothing.
            return Ok(Rv::invalid());
        }
        // Only errors print the type: not built on the way to a map key.
        let typ = |receiver: &Rv| {
            if receiver.boxed {
                "interface {}".to_string()
            } else {
                receiver.v.type_name()
            }
        };
        if receiver.boxed && receiver.v.is_nil() {
            let typ = typ(&receiver);
            return Err(self.errorf(fr, format!("nil pointer evaluating {typ}.{name}")));
        }
        let has_args = args.len() > 1 || fin.is_some();
        match &receiver.v {
            Value::Object(o) => {
                if o.has_method(name) {
                    let o = o.clone();
                    return self.eval_method(fr, dot, o, name, node, args, fin);
                }
                if let Some(v) = o.field(name) {
                    if has_args {
                        return Err(self.errorf(
                            fr,
                            format!("{name} has arguments but cannot be invoked as function"),
                        ));
                    }
                    return Ok(Rv::val(v));
                }
            }
            Value::Map(m) => {
                if has_args {
                    return Err(
                        self.errorf(fr, format!("{name} is not a method but has arguments"))
                    );
                }
                crate::track::read_key(m, name);
                let v = self.fields.get(m, name);
                return match v {
                    Some(v) => Ok(Rv::boxed(v)),
                    None if self.env.strict => {
                        let msg =
                            format!("map has no entry for key {}", super::errors::go_quote(name));
                        Err(self.errorf(fr, msg))
                    }
                    None => Ok(Rv::boxed(Value::Nil)),
                };
            }
            _ => {}
        }
        let typ = typ(&receiver);
        Err(self.errorf(fr, format!("can't evaluate field {name} in type {typ}")))
    }

    /// A method call on an object (`.Files.Get "x"`): arguments are `interface{}`.
    #[allow(clippy::too_many_arguments)]
    fn eval_method<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        dot: &Rv,
        o: Rc<dyn crate::value::Object>,
        name: &str,
        node: &'n Arg,
        args: &'n [Arg],
        fin: Option<Rv>,
    ) -> R<Rv> {
        self.burn(fr, 1)?;
        let mut argv = Vec::new();
        for a in args.get(1..).unwrap_or(&[]) {
            argv.push(
                self.eval_arg(fr, dot, super::args::PTy::Go(crate::func::Ty::Any), a)?
                    .v,
            );
        }
        if let Some(f) = fin {
            argv.push(f.v);
        }
        self.note_template_reads(&argv);
        let result = match o.call(name, &argv) {
            // An object may answer argument-less methods as fields.
            None if argv.is_empty() => o.field(name).map(Ok),
            None if o.field(name).is_some() => {
                let msg = format!("wrong number of args for {name}: want 0 got {}", argv.len());
                return Err(self.errorf(fr, msg));
            }
            r => r,
        };
        match result {
            Some(Ok(v)) => Ok(Rv::val(v)),
            Some(Err(msg)) => {
                fr.at(At::Arg(node));
                let m = format!("error calling {name}: {msg}");
                Err(self.error_kind(fr, m, Some(Chain::plain(msg)), ErrorKind::Template))
            }
            None => {
                let typ = o.type_name().to_string();
                Err(self.errorf(fr, format!("can't evaluate field {name} in type {typ}")))
            }
        }
    }

    /// Go's `printValue`.
    fn print_value<'n>(
        &mut self,
        fr: &mut Frame<'n>,
        span: ast::Span,
        pipe: &'n Pipe,
        v: Rv,
    ) -> R<()> {
        fr.at(At::Action { span, pipe });
        let pos = span.start;
        if v.is_invalid() {
            return self.write(fr, "<no value>", pos, false);
        }
        if let Value::Str(s) = &v.v
            && let Some(runs) = self.tracked.get(s)
        {
            self.check_size(fr, s.len())?;
            let opaque_here = self.is_opaque(fr.file);
            let prefixes = &self.env.opaque_prefixes;
            if let Some(out) = self.outs.last_mut() {
                let first = out.runs.len();
                out.push_tracked(s, &runs, fr.file, pos);
                if !opaque_here && !prefixes.is_empty() {
                    let opaque = |f: &Arc<str>| prefixes.iter().any(|p| f.starts_with(p.as_str()));
                    out.reattribute_where(first, opaque, fr.file, pos);
                }
            }
            return Ok(());
        }
        let units = crate::cost::of_printing(&v.v, self.fuel);
        self.burn(fr, units)?;
        self.note_template_reads(std::slice::from_ref(&v.v));
        crate::track::read_whole(&v.v);
        let printed;
        let text: &str = match &v.v {
            Value::Str(s) => s,
            Value::Object(o) => {
                printed = o
                    .addressable_string()
                    .unwrap_or_else(|| crate::fmt::print_value(&v.v));
                &printed
            }
            _ => {
                printed = crate::fmt::print_value(&v.v);
                &printed
            }
        };
        self.write(fr, text, pos, false)
    }
}

fn var_name(v: &Variable) -> &str {
    v.ident.first().map_or("$", crate::ast::Name::as_str)
}

/// Go's `setTopVar`: the n-th variable from the top of the stack.
fn set_top_var(fr: &mut Frame<'_>, n: usize, value: Rv) {
    let len = fr.vars.len();
    if let Some(i) = len.checked_sub(n)
        && let Some(slot) = fr.vars.get_mut(i)
    {
        std::mem::replace(&mut slot.1, value).v.drop_iteratively();
    }
}
