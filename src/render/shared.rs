//! State shared by the environment's functions: limits, template names, and the per-thread
//! budget that bounds nested renders (`include`, `tpl`), which minijinja's own fuel and recursion
//! counters do not see because each nested render starts a fresh state.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use minijinja::{Error, ErrorKind};

/// Bounds on template work. Defaults are far above what real charts need.
#[derive(Clone, Debug)]
pub struct Limits {
    /// minijinja fuel (about one unit per instruction) for one template, nested renders included.
    pub fuel: u64,
    /// Deepest chain of `include` / `tpl` calls.
    pub max_include_depth: usize,
    /// minijinja's recursion limit (macros, `{% include %}`, loops) within one render.
    pub recursion_limit: usize,
    /// Largest output of one template, and of one `include`, in bytes.
    pub max_output_bytes: usize,
    /// Largest output of all templates together, in bytes.
    pub max_total_output_bytes: usize,
    /// Most tokens in one tag: minijinja's compiler recurses once per operator.
    pub max_tag_tokens: usize,
    /// Most memory one template's render may take, in bytes; enforced by the binary's
    /// allocator (see `crate::memory`).
    pub max_memory_bytes: usize,
}

/// The render memory budget in MiB: `KFORGE_RENDER_MEMORY_MB` when set to a number, else 256
/// (a template's values rarely take more than a few MiB; the output of one is at most 16 MiB).
fn render_memory_mib() -> usize {
    std::env::var("KFORGE_RENDER_MEMORY_MB")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&mib| mib > 0)
        .map_or(256, |mib| mib.min(usize::MAX >> 21))
}

impl Limits {
    /// The largest tag of `text` when it has more tokens than kforge compiles:
    /// `(start, end, tokens)` (minijinja's compiler recurses once per operator).
    pub fn oversized_tag(&self, text: &str) -> Option<(usize, usize, usize)> {
        super::markers::largest_tag(text).filter(|t| t.2 > self.max_tag_tokens)
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            fuel: 20_000_000,
            max_include_depth: 24,
            recursion_limit: 200,
            max_output_bytes: 16 << 20,
            max_total_output_bytes: 128 << 20,
            max_tag_tokens: 2_000,
            max_memory_bytes: render_memory_mib() << 20,
        }
    }
}

/// What the environment's functions need to know.
#[derive(Debug, Default)]
pub struct Shared {
    /// The marked environment (origins) rather than the plain one (output).
    pub marked: bool,
    pub limits: Limits,
    /// Template name → its chart's `templates` directory name (`mychart/templates`).
    pub base_paths: BTreeMap<String, String>,
    /// Templates that failed to compile: already reported, so includes of them stay silent.
    /// Set once every template was added to the environment.
    pub broken: OnceLock<BTreeSet<String>>,
}

impl Shared {
    pub fn is_broken(&self, name: &str) -> bool {
        self.broken.get().is_some_and(|b| b.contains(name))
    }

    /// Resolves a name given to `include` / `{% include %}`: a full template name, or a name
    /// relative to the calling template's `templates` directory.
    pub fn resolve(&self, name: &str, caller: &str) -> String {
        if self.base_paths.contains_key(name) {
            return name.to_string();
        }
        if let Some(base) = self.base_paths.get(caller) {
            let joined = format!("{base}/{name}");
            if self.base_paths.contains_key(&joined) {
                return joined;
            }
        }
        name.to_string()
    }
}

/// Why a render stopped, when it is not one of minijinja's own errors. Attached as the source of
/// a minijinja error so that the diagnostic gets the right rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Issue {
    Required,
    Fail,
    Limit,
    /// Already reported elsewhere (e.g. including a template that does not compile).
    Reported,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl std::error::Error for Issue {}

pub fn issue(kind: Issue, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into()).with_source(kind)
}

/// Per-thread accounting of nested renders for the template being rendered on this thread.
#[derive(Debug, Default)]
struct Budget {
    depth: usize,
    fuel_left: u64,
}

thread_local! {
    static BUDGET: RefCell<Budget> = RefCell::new(Budget::default());
}

/// Resets the budget for one top-level template render on this thread.
pub fn start_budget(limits: &Limits) {
    BUDGET.with(|b| {
        *b.borrow_mut() = Budget {
            depth: 0,
            fuel_left: limits.fuel,
        }
    });
}

/// Runs a nested render (`f` returns its output and the fuel it consumed) within the budget.
pub fn nested<F>(limits: &Limits, what: &str, f: F) -> Result<String, Error>
where
    F: FnOnce() -> Result<(String, u64), Error>,
{
    let admitted = BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        if b.depth >= limits.max_include_depth {
            return Err(issue(
                Issue::Limit,
                format!(
                    "{what}: more than {} nested include/tpl calls (recursive partial?)",
                    limits.max_include_depth
                ),
            ));
        }
        if b.fuel_left == 0 {
            return Err(issue(
                Issue::Limit,
                format!("{what}: the template used up its work budget"),
            ));
        }
        b.depth += 1;
        Ok(())
    });
    admitted?;
    let result = f();
    BUDGET.with(|b| {
        let mut b = b.borrow_mut();
        b.depth = b.depth.saturating_sub(1);
        if let Ok((_, used)) = &result {
            b.fuel_left = b.fuel_left.saturating_sub(*used);
        }
    });
    let (text, _) = result?;
    if text.len() > limits.max_output_bytes {
        return Err(issue(
            Issue::Limit,
            format!("{what}: output exceeds {} bytes", limits.max_output_bytes),
        ));
    }
    Ok(text)
}
