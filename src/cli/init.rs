//! `kforge init NAME`: a new chart that lints clean, written all at once (staged, then renamed).

use std::path::{Path, PathBuf};

use super::Status;
use super::args::InitArgs;
use super::common::{self, UsageError};

/// The scaffold's files: (path in the chart, content with `NAME` for the chart name).
const FILES: &[(&str, &str)] = &[
    ("Chart.yaml", include_str!("init/Chart.yaml")),
    ("values.yaml", include_str!("init/values.yaml")),
    (
        "values.schema.json",
        include_str!("init/values.schema.json"),
    ),
    (".kforgeignore", include_str!("init/kforgeignore")),
    (
        "templates/_helpers.tpl",
        include_str!("init/templates/_helpers.tpl"),
    ),
    (
        "templates/deployment.yaml",
        include_str!("init/templates/deployment.yaml"),
    ),
    (
        "templates/service.yaml",
        include_str!("init/templates/service.yaml"),
    ),
    (
        "templates/ingress.yaml",
        include_str!("init/templates/ingress.yaml"),
    ),
    (
        "templates/NOTES.txt",
        include_str!("init/templates/NOTES.txt"),
    ),
];

pub fn run(args: InitArgs) -> Status {
    match create(Path::new(&args.name)) {
        Ok(dir) => {
            println!("created chart {} in {}", chart_name(&dir), dir.display());
            println!("next: kforge lint {}", dir.display());
            Status::Clean
        }
        Err(e) => common::usage_error(e),
    }
}

fn chart_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes the scaffold into `dir` (which must not exist, or be empty).
pub fn create(dir: &Path) -> Result<PathBuf, UsageError> {
    let name = chart_name(dir);
    let valid = !name.is_empty()
        && name.len() <= 53
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-');
    if !valid {
        return Err(UsageError(format!(
            "{name:?} is not a valid chart name: use lowercase letters, digits and '-', start with a letter, at most 53 characters (e.g. my-app)"
        )));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(UsageError(format!(
            "{} already exists and is not empty",
            dir.display()
        )));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = parent.join(format!(".{name}.kforge-init-{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        for (path, content) in FILES {
            let target = staging.join(path);
            if let Some(p) = target.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(target, content.replace("NAME", &name))?;
        }
        if dir.exists() {
            std::fs::remove_dir(dir)?;
        }
        std::fs::rename(&staging, dir)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(UsageError(format!("cannot create {}: {e}", dir.display())));
    }
    Ok(dir.to_path_buf())
}
