//! Run-wide budgets: what one run may make, whatever the input. Limits per file or per workload
//! are not enough: a 23 KB file of 100 Deployments with `replicas: 10000` asks for a million
//! pods, and a 9 KB chart whose templates loop can emit hundreds of thousands of objects. Each
//! budget is checked before the work it bounds is done, and ends the run with a `run/limit`
//! error (exit code 2) that names the flag raising it.

pub use crate::catalog::run::LIMIT;
use crate::diag::Diagnostic;

/// How much one run may make. The defaults are far above real charts (the 58 Bitnami charts of
/// the corpus render about 1,100 objects) and keep a run within about a gigabyte of memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budgets {
    /// YAML documents parsed into objects, over every input (`--max-objects`).
    pub objects: usize,
    /// Pods the controllers create from workloads (`--max-pods`).
    pub pods: usize,
    /// Findings reported (`--max-findings`).
    pub findings: usize,
    /// Scheduler steps: one per node a pod is tried on (`--max-cluster-work`).
    pub cluster_work: u64,
}

impl Default for Budgets {
    fn default() -> Budgets {
        Budgets {
            objects: 50_000,
            pods: 50_000,
            findings: 100_000,
            cluster_work: 200_000_000,
        }
    }
}

/// The `run/limit` error: `what` reached `limit`; `flag` raises it.
pub fn exceeded(what: String, limit: impl std::fmt::Display, flag: &str) -> Diagnostic {
    Diagnostic::new(
        &LIMIT,
        format!("{what}, more than the budget of {limit}; kforge stopped"),
    )
    .with_help(format!(
        "raise the budget with {flag} N if the input really is meant to be this large"
    ))
}

/// Keeps the first `limit` findings (in their reported order) and adds the `run/limit` error
/// when there were more.
pub fn cap_findings(diagnostics: &mut Vec<Diagnostic>, limit: usize) {
    if diagnostics.len() <= limit {
        return;
    }
    let total = diagnostics.len();
    diagnostics.truncate(limit);
    diagnostics.push(exceeded(
        format!("the run found {total} problems"),
        limit,
        "--max-findings",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_past_the_budget_are_cut_with_one_error() {
        let mut diags: Vec<Diagnostic> = (0..5)
            .map(|i| Diagnostic::new(&LIMIT, format!("d{i}")))
            .collect();
        cap_findings(&mut diags, 5);
        assert_eq!(diags.len(), 5);
        cap_findings(&mut diags, 3);
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "d0",
                "d1",
                "d2",
                "the run found 5 problems, more than the budget of 3; kforge stopped"
            ]
        );
    }
}
