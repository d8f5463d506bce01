//! `kforge package`: lint the chart (errors stop packaging unless `--skip-lint`), then write a
//! byte-reproducible archive atomically and print its path and sha256.

use super::Status;
use super::args::PackageArgs;
use super::common::{self, UsageError};
use crate::chart::Input;
use crate::package::{PackageOptions, TreeLimits, package_chart, parse_source_date_epoch};

pub fn run(args: PackageArgs) -> Status {
    // Checked before anything else: a bad value is a usage error, not a lint run.
    let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => match parse_source_date_epoch(&v) {
            Ok(n) => n,
            Err(e) => return common::usage_error(UsageError(e)),
        },
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            return common::usage_error(UsageError(
                "SOURCE_DATE_EPOCH is not a whole number of seconds since 1970-01-01".into(),
            ));
        }
    };
    if !args.skip_lint {
        let options = match common::options(&args.render, None) {
            Ok(o) => o,
            Err(e) => return common::usage_error(e),
        };
        let run = crate::run(&[Input::Path(args.chart.clone())], &options);
        if !run.diagnostics.is_empty() {
            common::report_to_stderr(&run, args.color, false);
        }
        match common::status(&run, false, None) {
            Status::Clean => {}
            status => {
                eprintln!(
                    "error: not packaging {}: lint found errors (--skip-lint packages anyway)",
                    args.chart.display()
                );
                return status;
            }
        }
    }
    let options = PackageOptions {
        destination: args.destination.clone(),
        version: args.version.clone(),
        app_version: args.app_version.clone(),
        source_date_epoch,
        limits: TreeLimits::default(),
    };
    match package_chart(&args.chart, &options) {
        Ok(out) => {
            println!("{}", out.path.display());
            println!("sha256:{}", out.sha256);
            Status::Clean
        }
        Err(diagnostics) => {
            let run = crate::Run {
                diagnostics,
                ..crate::Run::default()
            };
            common::report_to_stderr(&run, args.color, true);
            Status::CouldNotRun
        }
    }
}
