//! `package/*`: reading chart directories and archives, writing archives. Examples are
//! shell-like descriptions of the input, since these rules are about files, not YAML.

use crate::diag::{Rule, Severity};

pub static UNSAFE_ENTRY: Rule = Rule {
    id: "package/unsafe-entry",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "Archive entry that could escape the chart or is not a plain file",
    rationale: "An entry with an absolute path, a `..` component, a link, a device, a duplicate name or \
                a name that is not UTF-8 can overwrite files outside the chart when extracted, or make \
                two tools see different contents. kforge refuses the whole archive.",
    failing: "tar -czf chart.tgz mychart/Chart.yaml ../../etc/passwd",
    passing: "tar -czf chart.tgz mychart/Chart.yaml mychart/values.yaml",
};

pub static UNSAFE_NAME: Rule = Rule {
    id: "package/unsafe-name",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "File or folder name with a control character or a line separator (a newline, a tab, an escape)",
    rationale: "`kforge template` and `helm template` print each template's name in a `# Source:` comment: a \
                newline in the name ends the comment, and the rest of the name becomes YAML that \
                `kubectl apply` would create although no template declares it. Such a name is never \
                needed in a chart. kforge refuses the chart (folder or archive).",
    failing: "touch \"mychart/templates/x$(printf '\\n---\\nkind: Namespace\\n# ').yaml\"",
    passing: "touch mychart/templates/x.yaml",
};

pub static LIMIT: Rule = Rule {
    id: "package/limit",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "Chart or archive larger than the configured limits",
    rationale: "A gzip bomb or a chart with a hundred thousand files would exhaust memory or time. Reading \
                stops at the limit on file count, single file size or total (decompressed) size.",
    failing: "a 1 GiB file of zeros compressed into a 1 MiB chart.tgz",
    passing: "a chart.tgz whose files total a few kilobytes",
};

pub static CORRUPT: Rule = Rule {
    id: "package/corrupt",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "Archive that is not a readable gzip-compressed tar file",
    rationale: "A truncated download or a file that is not a chart archive cannot be read; nothing in it \
                can be checked.",
    failing: "head -c 100 chart.tgz > truncated.tgz",
    passing: "helm package mychart  # or kforge package mychart",
};

pub static LAYOUT: Rule = Rule {
    id: "package/layout",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "Archive without exactly one top-level chart folder",
    rationale: "A chart archive holds one folder named after the chart (`mychart/Chart.yaml`). Files beside \
                it or several top-level folders mean it is not a chart archive, or not one chart.",
    failing: "tar -czf chart.tgz Chart.yaml templates/",
    passing: "tar -czf chart.tgz mychart/",
};

pub static SYMLINK_ESCAPE: Rule = Rule {
    id: "package/symlink-escape",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Symbolic link in the chart pointing outside the chart directory",
    rationale: "Following it would read (and package) files that are not part of the chart, such as \
                credentials in the home directory. The link is left out.",
    failing: "ln -s ~/.kube/config mychart/files/config",
    passing: "ln -s ../shared/config.yaml mychart/files/config.yaml  # target inside mychart",
};

pub static UNREADABLE: Rule = Rule {
    id: "package/unreadable",
    severity: Severity::Error,
    default_enabled: true,
    summary: "File or directory of the chart that cannot be read",
    rationale: "A file kforge cannot read is missing from the checks and from the package; the results \
                would not describe the chart.",
    failing: "chmod 000 mychart/templates/deployment.yaml",
    passing: "chmod 644 mychart/templates/deployment.yaml",
};

pub static IGNORE_PATTERN: Rule = Rule {
    id: "package/ignore-pattern",
    severity: Severity::Error,
    default_enabled: true,
    summary: "Invalid pattern in .kforgeignore (or .helmignore)",
    rationale: "A pattern that cannot be parsed ignores nothing, so files meant to stay out of the \
                package would go in.",
    failing: "echo 'secrets/[abc' >> mychart/.kforgeignore",
    passing: "echo 'secrets/[abc]' >> mychart/.kforgeignore",
};

pub static CHART_YAML: Rule = Rule {
    id: "package/chart-yaml",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "Chart.yaml missing, or without the name and version a package needs",
    rationale: "The archive is named `<name>-<version>.tgz` and its entries live under `<name>/`; without \
                both there is nothing to name the package by.",
    failing: "printf 'apiVersion: v2\\nname: web\\n' > mychart/Chart.yaml",
    passing: "printf 'apiVersion: v2\\nname: web\\nversion: 1.0.0\\n' > mychart/Chart.yaml",
};

pub static WRITE: Rule = Rule {
    id: "package/write",
    severity: Severity::Fatal,
    default_enabled: true,
    summary: "The package could not be written to the destination",
    rationale: "The destination is not writable or its name is taken. Writing is atomic: no partial \
                archive is left behind and an existing archive is not touched.",
    failing: "kforge package mychart --destination /read-only-dir",
    passing: "kforge package mychart --destination dist",
};

pub const RULES: &[&Rule] = &[
    &UNSAFE_ENTRY,
    &UNSAFE_NAME,
    &LIMIT,
    &CORRUPT,
    &LAYOUT,
    &SYMLINK_ESCAPE,
    &UNREADABLE,
    &IGNORE_PATTERN,
    &CHART_YAML,
    &WRITE,
];
