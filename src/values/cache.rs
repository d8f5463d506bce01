//! Values files parsed once per scope: deciding which subcharts are enabled coalesces the
//! whole tree's values, and coalescing them for the render does it again (Helm reads each
//! file once too), so without this every `values.yaml` was parsed twice, an eighth of a
//! bitnami chart's `kforge template`. Within [`scope`] the source map does not change, so a
//! file id names the same text throughout; outside it nothing is kept.

use std::cell::RefCell;
use std::rc::Rc;

use crate::diag::Diagnostic;
use crate::source::FileId;
use crate::yaml::Node;

type Parsed = (Option<Rc<Node>>, Vec<Diagnostic>);

thread_local! {
    static CACHE: RefCell<Option<Vec<(FileId, Parsed)>>> = const { RefCell::new(None) };
}

/// Runs `f` with values files parsed at most once (on this thread). The caller must not change
/// the source map the files are read from inside `f`.
pub fn scope<R>(f: impl FnOnce() -> R) -> R {
    let outer = CACHE.with(|c| c.borrow().is_some());
    if outer {
        return f();
    }
    CACHE.with(|c| *c.borrow_mut() = Some(Vec::new()));
    // Clears the cache however `f` ends.
    struct End;
    impl Drop for End {
        fn drop(&mut self) {
            // In a process that ends after its run, the trees are left to the exit.
            let _ = CACHE.try_with(|c| crate::memory::dispose(c.borrow_mut().take()));
        }
    }
    let _end = End;
    f()
}

/// `parse(diags)` for `file`, or, within a [`scope`] that already parsed it, that result
/// (shared, not copied), its diagnostics added to `diags` again.
pub(super) fn parsed(
    file: FileId,
    diags: &mut Vec<Diagnostic>,
    parse: impl FnOnce(&mut Vec<Diagnostic>) -> Option<Node>,
) -> Option<Rc<Node>> {
    let hit = CACHE.with(|c| {
        c.borrow().as_ref().map(|entries| {
            entries
                .iter()
                .find(|(f, _)| *f == file)
                .map(|(_, parsed)| parsed.clone())
        })
    });
    match hit {
        // No scope: parse as usual.
        None => parse(diags).map(Rc::new),
        Some(Some((node, found))) => {
            diags.extend(found);
            node
        }
        Some(None) => {
            let mut found = Vec::new();
            let node = parse(&mut found).map(Rc::new);
            CACHE.with(|c| {
                if let Some(entries) = c.borrow_mut().as_mut() {
                    entries.push((file, (node.clone(), found.clone())));
                }
            });
            diags.extend(found);
            node
        }
    }
}
