//! `kforge package`: lint the chart (errors stop packaging unless `--skip-lint`), then write a
//! byte-reproducible archive atomically and print its path and sha256.

use super::Status;
use super::args::PackageArgs;
use super::common;
use crate::chart::Input;
use crate::package::{PackageOptions, TreeLimits, package_chart};

pub fn run(args: PackageArgs) -> Status {
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
        source_date_epoch: std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse().ok()),
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
