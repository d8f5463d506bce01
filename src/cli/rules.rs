//! `kforge rules [RULE]`: the rule registry for people.

use super::Status;
use super::args::RulesArgs;
use super::common::{self, UsageError};
use crate::diag::{self, registry, report};

pub fn run(args: RulesArgs) -> Status {
    let text = match (&args.rule, args.markdown) {
        (None, false) => report::rules_list(),
        (None, true) => report::rules_markdown(),
        (Some(id), _) => match registry::find(id) {
            Some(rule) => report::rule_explain(rule),
            None => {
                let ids: Vec<&str> = registry::all().iter().map(|r| r.id).collect();
                let hint = diag::did_you_mean(id, ids)
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_else(|| "; `kforge rules` lists them".into());
                return common::usage_error(UsageError(format!("unknown rule {id:?}{hint}")));
            }
        },
    };
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    Status::Clean
}
