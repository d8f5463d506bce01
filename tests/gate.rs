//! Issue 20: kforge is a gate that cannot be walked around. What it checks is what Helm and
//! kubectl would install (every gzip member, no name that rewrites the `# Source:` stream),
//! every input is bounded whatever its type (devices, pipes), a small input cannot ask for
//! unbounded work (run-wide budgets; an allocation failure is exit 2, never an abort), and
//! writes cannot be redirected through a shared folder.
//!
//! Every reproducer is built here, in a temporary folder. No test times itself: bounds are
//! budgets, byte limits and memory caps; a hang shows as the command timeout of `assert_cmd`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use crate::common;
use crate::package_support;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{kforge, run};
use flate2::Compression;
use flate2::write::GzEncoder;
use package_support::file;

/// Longest a command of these tests may take before it counts as a hang.
const HANG: Duration = Duration::from_secs(120);

fn chart(dir: &Path, templates: &[(&str, &str)]) -> PathBuf {
    let root = dir.join("web");
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("Chart.yaml"),
        "apiVersion: v2\nname: web\nversion: 1.0.0\n",
    )
    .unwrap();
    fs::write(root.join("values.yaml"), "").unwrap();
    for (name, text) in templates {
        fs::write(root.join("templates").join(name), text).unwrap();
    }
    root
}

const CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  a: \"1\"\n";
const EVIL_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: evil\nspec:\n  containers:\n  - name: x\n    image: busybox:1.36\n    securityContext:\n      privileged: true\n";

fn gz(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Opens `path` for writing and writes until the reader goes away.
fn endless_writer(path: PathBuf) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok(mut f) = fs::OpenOptions::new().write(true).open(&path) else {
            return;
        };
        let block = [b'a'; 65536];
        while f.write_all(&block).is_ok() {}
    })
}

// ---------------------------------------------------------------------------------------------
// What is checked is what gets installed

/// The clean chart in one gzip member, the tar's rest (a privileged Pod and the end marker) in a
/// second: Helm, tar and Python read both; so must kforge.
#[test]
fn every_gzip_member_of_an_archive_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    let mut clean = Vec::new();
    file(
        &mut clean,
        "web/Chart.yaml",
        b"apiVersion: v2\nname: web\nversion: 1.0.0\n",
    );
    file(&mut clean, "web/templates/cm.yaml", CONFIGMAP.as_bytes());
    let mut evil = Vec::new();
    file(&mut evil, "web/templates/evil.yaml", EVIL_POD.as_bytes());
    evil.extend_from_slice(&[0u8; 1024]);
    let mut bytes = gz(&clean);
    bytes.extend(gz(&evil));
    let archive = tmp.path().join("web-1.0.0.tgz");
    fs::write(&archive, &bytes).unwrap();

    let out = run(kforge().args(["template"]).arg(&archive).timeout(HANG));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("# Source: web/templates/evil.yaml\napiVersion: v1\nkind: Pod\n"),
        "{}",
        out.stdout
    );
    let out = run(kforge()
        .args(["lint", "--no-cluster"])
        .arg(&archive)
        .timeout(HANG));
    assert!(out.stdout.contains("in 2 objects from"), "{}", out.stdout);
}

/// A whole second tar after the first one's end marker: `tar -i` would unpack it; kforge
/// refuses the archive rather than check less than some tool installs.
#[test]
fn data_after_the_tar_end_marker_refuses_the_archive() {
    let mut first = Vec::new();
    file(
        &mut first,
        "web/Chart.yaml",
        b"apiVersion: v2\nname: web\nversion: 1.0.0\n",
    );
    first.extend_from_slice(&[0u8; 1024]);
    let mut second = Vec::new();
    file(&mut second, "web/templates/evil.yaml", EVIL_POD.as_bytes());
    second.extend_from_slice(&[0u8; 1024]);
    let mut bytes = gz(&first);
    bytes.extend(gz(&second));
    let diags =
        kforge::package::read_archive(&bytes, "two.tgz", &Default::default()).expect_err("refused");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].rule.id, "package/unsafe-entry");
    assert_eq!(
        diags[0].message,
        "two.tgz: data follows the end of the tar archive (512 bytes after it); the archive is refused"
    );
}

const INJECTED: &str =
    "x\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: injected\n# .yaml";

/// A template whose name carries a newline would print a Namespace of its own in the
/// `# Source:` line: the chart is refused by lint, template and `--output-dir` alike.
#[test]
fn control_characters_in_template_names_refuse_the_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = chart(tmp.path(), &[("cm.yaml", CONFIGMAP), (INJECTED, CONFIGMAP)]);
    let shown = "web/templates/x\\n---\\napiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: injected\\n# .yaml";

    let out = run(kforge()
        .current_dir(tmp.path())
        .args(["lint", "web"])
        .timeout(HANG));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.contains(&format!(
            "error[package/unsafe-name]: {shown}: the name has a control character or a line separator, which would change the `# Source:` lines and file names kforge writes; the chart is refused"
        )),
        "{}",
        out.stdout
    );

    let out = run(kforge()
        .current_dir(tmp.path())
        .args(["template", "web"])
        .timeout(HANG));
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("package/unsafe-name"), "{}", out.stderr);

    let dest = tmp.path().join("out");
    let out = run(kforge()
        .current_dir(tmp.path())
        .args(["template", "web", "--output-dir"])
        .arg(&dest)
        .timeout(HANG));
    assert_eq!(out.code, 2);
    assert!(!dest.exists(), "nothing is written for a refused chart");
    drop(root);
}

#[test]
fn control_characters_in_folder_names_refuse_the_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let root = chart(tmp.path(), &[("cm.yaml", CONFIGMAP)]);
    let odd = root.join("templates").join("sub\tdir");
    fs::create_dir(&odd).unwrap();
    fs::write(odd.join("pod.yaml"), EVIL_POD).unwrap();
    let out = run(kforge()
        .current_dir(tmp.path())
        .args(["lint", "web"])
        .timeout(HANG));
    assert_eq!(out.code, 2);
    assert!(
        out.stdout.contains("error[package/unsafe-name]: web/templates/sub\\tdir: the name has a control character or a line separator"),
        "{}",
        out.stdout
    );
}

#[test]
fn control_characters_in_archive_entries_refuse_the_archive() {
    let mut tar = Vec::new();
    file(
        &mut tar,
        "web/Chart.yaml",
        b"apiVersion: v2\nname: web\nversion: 1.0.0\n",
    );
    file(
        &mut tar,
        &format!("web/templates/{INJECTED}"),
        CONFIGMAP.as_bytes(),
    );
    tar.extend_from_slice(&[0u8; 1024]);
    let diags = kforge::package::read_archive(&gz(&tar), "web.tgz", &Default::default())
        .expect_err("refused");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].rule.id, "package/unsafe-name");
    assert!(
        diags[0].message.starts_with(
            "web.tgz: entry `web/templates/x\\n---\\napiVersion: v1\\nkind: Namespace"
        ),
        "{}",
        diags[0].message
    );
}

// ---------------------------------------------------------------------------------------------
// Devices and pipes

#[cfg(target_os = "linux")]
#[test]
fn dev_zero_and_links_to_it_end_at_the_byte_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let link = tmp.path().join("zero.yaml");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    for args in [
        vec!["lint".to_string(), "/dev/zero".to_string()],
        vec!["lint".to_string(), link.display().to_string()],
    ] {
        let out = run(kforge().args(&args).timeout(HANG));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stdout);
        assert!(
            out.stdout.contains(
                "is over the input limit of 104857600 bytes (a device or an endless stream?)"
            ),
            "{args:?}: {}",
            out.stdout
        );
    }
    let crd = run(kforge()
        .args(["lint", "charts-examples/nginx", "--crd", "/dev/zero"])
        .timeout(HANG));
    assert_eq!(crd.code, 2, "{}", crd.stdout);
    assert!(
        crd.stdout
            .contains("cannot read /dev/zero: it is over the input limit of 104857600 bytes"),
        "{}",
        crd.stdout
    );
    for flag in [["-f", "/dev/zero"], ["--set-file", "a=/dev/zero"]] {
        let out = run(kforge()
            .args(["lint", "charts-examples/nginx"])
            .args(flag)
            .timeout(HANG));
        assert_eq!(out.code, 2, "{flag:?}: {}", out.stdout);
        assert!(
            out.stdout
                .contains("is over the input limit of 104857600 bytes"),
            "{flag:?}: {}",
            out.stdout
        );
    }
}

/// A `.kforgeignore` or `.helmignore` that is a named pipe would block every command: it is
/// refused unread, and the commands finish.
#[test]
fn an_ignore_file_that_is_a_pipe_is_not_read() {
    for ignore in [".kforgeignore", ".helmignore"] {
        let tmp = tempfile::tempdir().unwrap();
        let root = chart(tmp.path(), &[("cm.yaml", CONFIGMAP)]);
        mkfifo(&root.join(ignore));
        let expected =
            format!("cannot read web/{ignore}: it is a named pipe (fifo), not a regular file");
        for args in [
            vec!["lint", "web"],
            vec!["template", "web"],
            vec!["package", "web", "--skip-lint", "-d", "dist"],
        ] {
            let out = run(kforge().current_dir(tmp.path()).args(&args).timeout(HANG));
            let all = format!("{}{}", out.stdout, out.stderr);
            assert!(all.contains(&expected), "{ignore} {args:?}: {all}");
            assert_ne!(
                out.code, 0,
                "{ignore} {args:?}: the chart lost its ignore file"
            );
        }
    }
}

/// A named pipe on the command line is real use (process substitution), but nobody writing
/// to it is an error after a short wait, and an endless writer ends at the byte limit.
#[test]
fn pipes_on_the_command_line_end_in_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let pipe = tmp.path().join("pipe.yaml");
    mkfifo(&pipe);
    let out = run(kforge().arg("lint").arg(&pipe).timeout(HANG));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("it is a named pipe and nothing wrote to it within 5 s"),
        "{}",
        out.stdout
    );
    let out = run(kforge()
        .args(["lint", "charts-examples/nginx", "-f"])
        .arg(&pipe)
        .timeout(HANG));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.contains("nothing wrote to it within 5 s"),
        "{}",
        out.stdout
    );

    let writer = endless_writer(pipe.clone());
    let out = run(kforge().arg("lint").arg(&pipe).timeout(HANG));
    writer.join().unwrap();
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "is over the input limit of 104857600 bytes (a device or an endless stream?)"
        ),
        "{}",
        out.stdout
    );
    for flag in ["-f", "--set-file"] {
        let writer = endless_writer(pipe.clone());
        let value = if flag == "-f" {
            pipe.display().to_string()
        } else {
            format!("a={}", pipe.display())
        };
        let out = run(kforge()
            .args(["lint", "charts-examples/nginx", flag, &value])
            .timeout(HANG));
        writer.join().unwrap();
        assert_eq!(out.code, 2, "{flag}: {}", out.stdout);
        assert!(
            out.stdout
                .contains("is over the input limit of 104857600 bytes"),
            "{flag}: {}",
            out.stdout
        );
    }
    // A pipe with a writer that ends is read like a file.
    let p = pipe.clone();
    let writer = std::thread::spawn(move || {
        let mut f = fs::OpenOptions::new().write(true).open(&p).unwrap();
        f.write_all(CONFIGMAP.as_bytes()).unwrap();
    });
    let out = run(kforge().arg("lint").arg(&pipe).timeout(HANG));
    writer.join().unwrap();
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("in 1 object from"), "{}", out.stdout);
}

// ---------------------------------------------------------------------------------------------
// Budgets

/// 100 Deployments of 10000 replicas (23 KB): a million pods.
fn million_pods(dir: &Path) -> PathBuf {
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\nspec:\n  replicas: 10000\n  selector:\n    matchLabels: {{app: d{i}}}\n  template:\n    metadata:\n      labels: {{app: d{i}}}\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.25\n"
        ));
    }
    let path = dir.join("million.yaml");
    fs::write(&path, text).unwrap();
    path
}

/// `kforge ARGS` with its address space capped at `kib` KiB (`ulimit -v`).
fn capped(kib: u64, args: &[&str], dir: &Path) -> common::Output {
    let bin = assert_cmd::cargo::cargo_bin("kforge");
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.current_dir(dir)
        .env("NO_COLOR", "1")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(bin)
        .args(args)
        .timeout(HANG);
    run(&mut cmd)
}

#[test]
fn a_million_pods_end_at_the_pod_budget_under_a_memory_cap() {
    let tmp = tempfile::tempdir().unwrap();
    million_pods(tmp.path());
    let out = capped(1 << 20, &["lint", "million.yaml"], tmp.path());
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "error[run/limit]: the workloads ask for 1000000 pods, more than the budget of 50000; kforge stopped"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "help: raise the budget with --max-pods N if the input really is meant to be this large"
        ),
        "{}",
        out.stdout
    );
}

/// Past the memory the system gives, an allocation fails: exit 2 with a message, not an abort.
#[test]
fn an_allocation_failure_is_exit_2_not_an_abort() {
    let tmp = tempfile::tempdir().unwrap();
    million_pods(tmp.path());
    let out = capped(
        600 << 10,
        &["lint", "million.yaml", "--max-pods", "2000000"],
        tmp.path(),
    );
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .starts_with("error[run/limit]: kforge ran out of memory: an allocation of "),
        "{}",
        out.stderr
    );
}

#[test]
fn a_template_loop_ends_at_the_object_budget() {
    let tmp = tempfile::tempdir().unwrap();
    chart(
        tmp.path(),
        &[(
            "many.yaml",
            "{%- for i in range(100000) %}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{{ i }}\n{%- endfor %}\n",
        )],
    );
    let out = capped(1 << 20, &["lint", "web"], tmp.path());
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "error[run/limit]: the inputs hold 100001 YAML documents to check as objects, more than the budget of 50000; kforge stopped"
        ),
        "{}",
        out.stdout
    );
    let out = run(kforge()
        .current_dir(tmp.path())
        .args(["template", "web", "--max-objects", "1000"])
        .timeout(HANG));
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr
            .contains("more than the budget of 1000; kforge stopped"),
        "{}",
        out.stderr
    );
}

#[test]
fn findings_and_cluster_work_have_budgets_too() {
    let out = run(kforge()
        .args([
            "lint",
            "charts-examples/broken/mongo-express",
            "--max-findings",
            "1",
        ])
        .timeout(HANG));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout
            .contains("problems, more than the budget of 1; kforge stopped"),
        "{}",
        out.stdout
    );
    let out = run(kforge()
        .args(["lint", "charts-examples/nginx", "--max-cluster-work", "3"])
        .timeout(HANG));
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "steps (pods times the nodes each is tried on), more than the budget of 3; kforge stopped"
        ),
        "{}",
        out.stdout
    );
}

/// 8,000 nodes, a DaemonSet and a Deployment: the scheduler tries each pod only on the nodes
/// that can take it, so the work is linear in the nodes (about two steps per node here), where
/// trying every pod on every node would be 64 million.
#[test]
fn eight_thousand_nodes_schedule_in_linear_work() {
    let tmp = tempfile::tempdir().unwrap();
    let mut profile = String::from("nodes:\n");
    for i in 0..8000 {
        let zone = if i % 2 == 0 { "a" } else { "b" };
        profile.push_str(&format!(
            "- name: node-{i}\n  labels: {{zone: {zone}}}\n  allocatable: {{cpu: \"4\", memory: 16Gi, pods: 110}}\n"
        ));
    }
    fs::write(tmp.path().join("cluster.yaml"), profile).unwrap();
    fs::write(
        tmp.path().join("app.yaml"),
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels: {app: agent}\n  template:\n    metadata:\n      labels: {app: agent}\n    spec:\n      containers:\n      - name: a\n        image: agent:1.0\n        resources:\n          requests: {cpu: 100m, memory: 64Mi}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      nodeSelector: {zone: b}\n      containers:\n      - name: w\n        image: web:1.0\n        resources:\n          requests: {cpu: 100m, memory: 64Mi}\n",
    )
    .unwrap();
    let out = run(kforge()
        .current_dir(tmp.path())
        .args([
            "simulate",
            "app.yaml",
            "--cluster",
            "cluster.yaml",
            "--max-cluster-work",
            "40000",
        ])
        .timeout(HANG));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("Pending"), "every pod is placed");
    assert!(
        out.stdout.contains("deployment.apps/web   3/3     3\n"),
        "{}",
        out.stdout
    );
    let web_nodes: Vec<u32> = out
        .stdout
        .lines()
        .filter(|l| l.contains("pod/web-"))
        .filter_map(|l| {
            l.split_whitespace()
                .nth(5)?
                .strip_prefix("node-")?
                .parse()
                .ok()
        })
        .collect();
    assert_eq!(web_nodes.len(), 3);
    assert!(
        web_nodes.iter().all(|n| n % 2 == 1),
        "zone b: {web_nodes:?}"
    );
    let daemons = out
        .stdout
        .lines()
        .find(|l| l.contains("daemonset.apps/agent"))
        .unwrap();
    // Eight thousand five-letter suffixes collide: each pod still gets a name of its own.
    assert_eq!(
        daemons.split_whitespace().nth(2),
        Some("8000/8000"),
        "{daemons}"
    );
}

// ---------------------------------------------------------------------------------------------
// Safe writes

#[test]
fn sarif_and_json_reports_leave_no_temporary_file_and_replace_a_link_not_its_target() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    let report = tmp.path().join("report.json");
    std::os::unix::fs::symlink(&victim, &report).unwrap();
    let out = run(kforge()
        .args(["lint", "charts-examples/nginx", "-o"])
        .arg(&report)
        .timeout(HANG));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(fs::read_to_string(&report).unwrap().starts_with('{'));
    let mut names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["report.json", "victim.txt"]);
}

/// A killed `package` left its temporary archive behind (a pid that no longer exists): the
/// next write to that folder removes it; the same for `template --output-dir` staging.
#[test]
fn what_a_killed_run_left_behind_is_removed_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    fs::create_dir(&dist).unwrap();
    let stale = dist.join(".nginx-1.2.0.tgz.kforge-tmp-99999999-00112233445566ff");
    fs::write(&stale, vec![0u8; 1 << 20]).unwrap();
    let out = run(kforge()
        .args(["package", "charts-examples/nginx", "-d"])
        .arg(&dist)
        .timeout(HANG));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let names: Vec<String> = fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["nginx-1.2.0.tgz"]);

    let out_dir = tmp.path().join("out");
    let staging = out_dir.join(".kforge-staging.kforge-tmp-99999999-00112233445566ff");
    fs::create_dir_all(staging.join("nginx/templates")).unwrap();
    let out = run(kforge()
        .args(["template", "charts-examples/nginx", "--output-dir"])
        .arg(&out_dir)
        .timeout(HANG));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let names: Vec<String> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["nginx"]);
}

#[test]
fn a_bad_source_date_epoch_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    for (value, message) in [
        ("-1", "error: SOURCE_DATE_EPOCH=\"-1\" is negative\n"),
        (
            "yesterday",
            "error: SOURCE_DATE_EPOCH=\"yesterday\" is not a whole number of seconds since 1970-01-01\n",
        ),
        (
            "99999999999",
            "error: SOURCE_DATE_EPOCH=\"99999999999\" is beyond the largest time a tar header holds (8589934591, in 2242)\n",
        ),
    ] {
        let out = run(kforge()
            .env("SOURCE_DATE_EPOCH", value)
            .args(["package", "charts-examples/nginx", "-d"])
            .arg(tmp.path())
            .timeout(HANG));
        assert_eq!(out.code, 2, "{value}");
        assert_eq!(out.stderr, message);
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
