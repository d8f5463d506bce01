//! `kforge explain KIND[.field.path]`: the embedded schema's documentation, like `kubectl explain`.

use super::Status;
use super::args::ExplainArgs;
use super::common::{self, UsageError};

pub fn run(args: ExplainArgs) -> Status {
    let version = match common::kube_version(args.kube_version.as_deref()) {
        Ok(v) => v,
        Err(e) => return common::usage_error(e),
    };
    match crate::schema::explain(
        version,
        &args.field,
        args.api_version.as_deref(),
        args.recursive,
    ) {
        Ok(text) => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Status::Clean
        }
        Err(message) => common::usage_error(UsageError(message)),
    }
}
