//! What one run is, and what a directory walk reads.
//!
//! # Runs
//! Cross-object checks (duplicates, selectors, references, the in-memory cluster) compare the
//! objects of one run with each other. Inputs that have nothing to do with each other must not
//! be compared, so `kforge lint a.yaml b.yaml chart/` makes three runs:
//! - each PATH argument (a chart, an archive, a manifest file, a directory, or `-`) is its own run;
//! - a directory is one run: every manifest found in it is checked with the others;
//! - `--together` makes all the PATHs one run (an application split over several files or
//!   folders given one by one);
//! - `--changed` (pre-commit's list of files) makes one run per chart and one per folder of
//!   changed manifests;
//! - `kforge simulate` applies all its PATHs to one cluster: it is always one run.
//!
//! Findings are reported run after run; with several runs the summary has a line per run.
//!
//! # Directory walks
//! See [`walk`]: `.gitignore`, `exclude:` and the files that hold no Kubernetes object.

pub mod walk;

use std::path::Path;

use crate::chart::Input;

/// How inputs are grouped into runs (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Grouping {
    /// Every input in one run (`--together`, `simulate`, and the library's default).
    #[default]
    Together,
    /// Each input its own run (`lint PATH...`).
    EachInput,
    /// Each chart, archive or directory its own run; plain files grouped by their folder
    /// (`lint --changed`).
    ByFolder,
}

/// The grouping `kforge lint` uses for its flags.
pub fn grouping(together: bool, changed: bool) -> Grouping {
    match (together, changed) {
        (true, _) => Grouping::Together,
        (false, true) => Grouping::ByFolder,
        (false, false) => Grouping::EachInput,
    }
}

/// The runs for `inputs`: indices into `inputs`, each run in the order its first input was given.
pub fn group(inputs: &[Input], grouping: Grouping) -> Vec<Vec<usize>> {
    if inputs.is_empty() {
        return Vec::new();
    }
    match grouping {
        Grouping::Together => vec![(0..inputs.len()).collect()],
        Grouping::EachInput => (0..inputs.len()).map(|i| vec![i]).collect(),
        Grouping::ByFolder => {
            let mut runs: Vec<(Option<&Path>, Vec<usize>)> = Vec::new();
            for (i, input) in inputs.iter().enumerate() {
                let folder = match input {
                    Input::Path(p) if p.is_file() && !is_archive(p) => {
                        Some(p.parent().unwrap_or(Path::new("")))
                    }
                    _ => None,
                };
                match runs
                    .iter_mut()
                    .find(|(f, _)| folder.is_some() && *f == folder)
                {
                    Some((_, members)) => members.push(i),
                    None => runs.push((folder, vec![i])),
                }
            }
            runs.into_iter().map(|(_, members)| members).collect()
        }
    }
}

fn is_archive(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// How an input is named in per-run summaries.
pub fn display(input: &Input) -> String {
    match input {
        Input::Path(p) => {
            let s = p.to_string_lossy().replace('\\', "/");
            match s.trim_end_matches('/') {
                "" => s,
                t => t.to_string(),
            }
        }
        Input::Text { name, .. } => name.clone(),
    }
}

/// Parses a size such as `5242880`, `64MiB`, `64M`, `512KiB` or `1GiB` (binary units; `K`, `M`
/// and `G` alone mean the same).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => {
            return Err(format!(
                "{text:?} is not a size: write bytes, or a number with KiB, MiB or GiB"
            ));
        }
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size: it must start with a number"))?;
    n.checked_mul(1 << shift)
        .filter(|&bytes| bytes > 0)
        .ok_or_else(|| format!("{text:?} is not a usable size"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("5242880"), Ok(5 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("64m"), Ok(64 << 20));
        assert_eq!(parse_size("512 KiB"), Ok(512 << 10));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(
            parse_size("10 furlongs"),
            Err(
                "\"10 furlongs\" is not a size: write bytes, or a number with KiB, MiB or GiB"
                    .into()
            )
        );
        assert_eq!(
            parse_size("MiB"),
            Err("\"MiB\" is not a size: it must start with a number".into())
        );
        assert_eq!(parse_size("0"), Err("\"0\" is not a usable size".into()));
    }

    #[test]
    fn grouping() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            tmp.path().join("a"),
            tmp.path().join("b"),
            tmp.path().join("c.tgz"),
        );
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        for f in [
            a.join("x.yaml"),
            a.join("y.yaml"),
            b.join("z.yaml"),
            c.clone(),
        ] {
            std::fs::write(f, "").unwrap();
        }
        let inputs: Vec<Input> = [a.join("x.yaml"), b.join("z.yaml"), a.join("y.yaml"), c, a]
            .into_iter()
            .map(Input::Path)
            .collect();
        assert_eq!(group(&inputs, Grouping::Together), [vec![0, 1, 2, 3, 4]]);
        assert_eq!(
            group(&inputs, Grouping::EachInput),
            [vec![0], vec![1], vec![2], vec![3], vec![4]]
        );
        assert_eq!(
            group(&inputs, Grouping::ByFolder),
            [vec![0, 2], vec![1], vec![3], vec![4]]
        );
        assert_eq!(display(&Input::Path(PathBuf::from("dir/"))), "dir");
    }
}
