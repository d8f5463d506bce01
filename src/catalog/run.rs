//! `run/*`: the run-wide budgets (objects, pods, findings, cluster work).

use crate::diag::{Rule, Severity};

pub static LIMIT: Rule = Rule {
    id: "run/limit",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "The run would make more objects, pods, findings or cluster work than its budget",
    rationale: "A small input can ask for enormous work: a Deployment with `replicas: 10000` a hundred \
                times over is a million pods, a template loop can emit hundreds of thousands of \
                objects. Without a run-wide bound kforge would exhaust the machine's memory and be \
                killed, which a CI gate cannot tell from a crash. kforge stops before the work, says \
                which budget was reached, and exits with 2 (could not run); a flag raises each budget.",
    failing: "100 Deployments with replicas: 10000 (a million pods; the default budget is 50000)",
    passing: "kforge lint --max-pods 2000000 huge.yaml  # when a million pods really is the intent",
};

pub const RULES: &[&Rule] = &[&LIMIT];
