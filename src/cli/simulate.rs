//! `kforge simulate`: the whole pipeline, then the resulting cluster printed like
//! `kubectl get all -o wide` (or as YAML with defaults applied, or JSON).

use std::io::Write;

use super::Status;
use super::args::{SimulateArgs, SimulateOutput};
use super::common;

pub fn run(args: SimulateArgs) -> Status {
    let inputs = match common::inputs(&args.paths, args.check.max_file_size) {
        Ok(i) => i,
        Err(e) => return common::usage_error(e),
    };
    let mut options = match common::options(&args.render, Some(&args.check)) {
        Ok(o) => o,
        Err(e) => return common::usage_error(e),
    };
    options.config_file = common::config_file(&args.check, &args.paths);
    options.stages.cluster = true;
    options.cluster_state = true;
    // One cluster: every PATH is applied to it (see `crate::inputs`).
    options.grouping = crate::inputs::Grouping::Together;
    let run = crate::run(&inputs, &options);
    if let Some(state) = &run.cluster {
        let text = match args.output {
            SimulateOutput::Wide => state.table(),
            SimulateOutput::Yaml => state.to_yaml(&run.objects),
            SimulateOutput::Json => {
                let mut json =
                    serde_json::to_string_pretty(&state.to_json(&run.objects)).unwrap_or_default();
                json.push('\n');
                json
            }
        };
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
    if !run.diagnostics.is_empty() {
        common::report_to_stderr(&run, args.color, false);
    }
    common::status(&run, args.check.strict, args.check.fail_on)
}
