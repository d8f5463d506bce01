//! Limits that belong to no single module (issue 9), end to end: each hostile input must end
//! quickly in a clear diagnostic with a location, never in a hang, a stack overflow or unbounded
//! memory. Inputs that could crash the process (deep nesting, memory) go through the binary, so a
//! stack overflow or an abort is a failed assertion, not a dead test runner.
//!
//! Time bounds are for a debug build on a loaded two-core machine; the release figures are far
//! lower (billion laughs: well under a second).

use crate::common;

use std::path::Path;
use std::time::Duration;

use kforge::chart::Input;
use kforge::diag::Diagnostic;
use kforge::{Options, Run};

// Bounds here are work and memory (limits end in a diagnostic; a child process has a memory
// cap), never a clock: tests do not time themselves on shared machines.

fn lint_text(text: String, options: &Options) -> Run {
    kforge::run(
        &[Input::Text {
            name: "<stdin>".to_string(),
            text,
        }],
        options,
    )
}

/// The diagnostic with rule `id`: an error, at a place, with a message that says something.
fn expect<'a>(run: &'a Run, id: &str) -> &'a Diagnostic {
    let found = run.diagnostics.iter().find(|d| d.rule.id == id);
    let Some(d) = found else {
        let ids: Vec<String> = run
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.rule.id, d.message))
            .collect();
        panic!("expected a {id} diagnostic; got {ids:#?}");
    };
    assert!(d.is_error(), "{id} should fail the run: {d:?}");
    assert!(d.primary.is_some(), "{id} should point at the input: {d:?}");
    assert!(d.message.len() > 10, "{id} needs a message: {d:?}");
    d
}

/// Nine levels of ten aliases each: 10^9 nodes if expanded.
pub fn billion_laughs() -> String {
    let mut text = String::from(
        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for level in 1..=9 {
        let prev = level - 1;
        let refs = vec![format!("*a{prev}"); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  {}",
        text.replace('\n', "\n  ")
    )
}

/// Runs the binary on `stdin` under a virtual-memory cap (Linux `ulimit -v`), so an expansion
/// that is not bounded dies instead of eating the machine.
fn lint_stdin_capped(stdin: String, cap_kib: u64) -> common::Output {
    let bin = assert_cmd::cargo::cargo_bin("kforge");
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {cap_kib}; exec \"$0\" lint -"))
        .arg(bin)
        .env("NO_COLOR", "1")
        .write_stdin(stdin)
        .timeout(Duration::from_secs(60));
    common::run(&mut cmd)
}

fn assert_clean_failure(out: &common::Output, id: &str) {
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.contains("overflow"),
        "kforge crashed: {}",
        out.stderr
    );
    assert_eq!(
        out.code, 1,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains(id), "expected {id} in the report:\n{all}");
}

#[test]
fn billion_laughs_ends_fast_at_the_alias_limit() {
    let run = lint_text(billion_laughs(), &Options::default());
    let d = expect(&run, "yaml/alias-limit");
    let at = run.sources.locate(d.primary.as_ref().unwrap().span);
    assert!(
        at.line >= 6,
        "should point at an alias, got line {}",
        at.line
    );
}

#[test]
fn billion_laughs_stays_in_bounded_memory() {
    // 1 GiB of address space: room for the binary, its threads and their malloc arenas, and
    // nowhere near enough for 10^9 nodes.
    let out = lint_stdin_capped(billion_laughs(), 1 << 20);
    assert_clean_failure(&out, "yaml/alias-limit");
}

#[test]
fn a_hundred_thousand_nested_flow_lists_are_too_deep_not_a_stack_overflow() {
    let depth = 100_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let out = lint_stdin_capped(text, 4 << 20);
    assert_clean_failure(&out, "yaml/too-deep");
}

#[test]
fn a_hundred_thousand_nested_block_lists_and_maps_are_too_deep() {
    let lists = format!("{}x\n", "- ".repeat(100_000));
    assert_clean_failure(&lint_stdin_capped(lists, 4 << 20), "yaml/too-deep");
    let maps = format!("{}1{}\n", "{a: ".repeat(100_000), "}".repeat(100_000));
    assert_clean_failure(&lint_stdin_capped(maps, 4 << 20), "yaml/too-deep");
}

#[test]
fn nesting_depth_is_reported_in_process() {
    // Deep enough to pass the limit, shallow enough that a missing limit cannot overflow the
    // test thread's stack before the assertion says what is wrong.
    let depth = 1_000;
    let text = format!("a: {}{}", "[".repeat(depth), "]".repeat(depth));
    let run = lint_text(text, &Options::default());
    expect(&run, "yaml/too-deep");
}

#[test]
fn a_document_larger_than_the_configured_limit_is_reported() {
    let mut options = Options::default();
    options.yaml.max_document_bytes = 1 << 20;
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
    let mut i = 0;
    while text.len() < 2 << 20 {
        text.push_str(&format!("  key{i}: \"{}\"\n", "x".repeat(100)));
        i += 1;
    }
    // A small document after the big one is still checked.
    text.push_str("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\n");
    let run = lint_text(text, &options);
    expect(&run, "yaml/document-too-large");
    assert!(
        run.objects.iter().any(|o| o.name == "small"),
        "the document after the large one should still be parsed"
    );
}

#[test]
fn a_file_over_the_size_limit_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let line = format!("# {}\n", "x".repeat(1000));
    let text = line.repeat(6 << 10) + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\n";
    std::fs::write(&path, &text).unwrap();
    // Real install manifests pass 5 MiB: the default for plain manifests is far above that.
    let out = common::run(
        common::kforge()
            .current_dir(dir.path())
            .args(["lint", "huge.yaml"])
            .timeout(Duration::from_secs(60)),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let out = common::run(
        common::kforge()
            .current_dir(dir.path())
            .args(["lint", "--max-file-size", "5MiB", "huge.yaml"])
            .timeout(Duration::from_secs(60)),
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        format!(
            "error[input/unreadable]: huge.yaml is {} bytes, more than the limit of 5242880 bytes\n  = help: split the input, or raise the limit with --max-file-size\n\n",
            text.len()
        ) + &out.stdout[out.stdout.find("1 error").unwrap()..]
    );
    let out = common::run(
        common::kforge()
            .args(["lint", "--max-file-size", "5MiB", "-"])
            .write_stdin(text)
            .timeout(Duration::from_secs(60)),
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: cannot read standard input: it is over the input limit of 5242880 bytes (a device or an endless stream?); --max-file-size raises the limit\n"
    );
    let out =
        common::run(common::kforge().args(["lint", "--max-file-size", "5 furlongs", "x.yaml"]));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "\"5 furlongs\" is not a size: write bytes, or a number with KiB, MiB or GiB"
        ),
        "{}",
        out.stderr
    );
}

const CHART_YAML: &str = "apiVersion: v2\nname: hostile\nversion: 0.1.0\n";

fn chart_with(templates: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("Chart.yaml"), CHART_YAML).unwrap();
    std::fs::write(root.join("values.yaml"), "a: 1\n").unwrap();
    for (name, text) in templates {
        std::fs::write(root.join("templates").join(name), text).unwrap();
    }
    dir
}

fn lint_chart(root: &Path) -> Run {
    kforge::run(&[Input::Path(root.to_path_buf())], &Options::default())
}

#[test]
fn a_billion_loop_iterations_end_in_a_render_limit() {
    let chart = chart_with(&[(
        "loop.yaml",
        "data:\n{% for i in range(1000000000) %}  k{{ i }}: v\n{% endfor %}",
    )]);
    let run = lint_chart(chart.path());
    expect(&run, "render/limit");
}

#[test]
fn infinite_include_recursion_ends_in_a_render_limit() {
    let chart = chart_with(&[
        ("_self.tpl", "{% include \"hostile/templates/_self.tpl\" %}"),
        ("a.yaml", "{% include \"hostile/templates/_self.tpl\" %}"),
        (
            "macro.yaml",
            "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}",
        ),
    ]);
    let run = lint_chart(chart.path());
    let d = expect(&run, "render/limit");
    let _ = d;
    let count = run
        .diagnostics
        .iter()
        .filter(|d| d.rule.id == "render/limit")
        .count();
    assert!(count >= 2, "both recursive templates should be reported");
}

#[test]
fn rendered_output_size_is_bounded() {
    // 10 iterations of a 100 MB string: cheap in template work, huge in output.
    let chart = chart_with(&[(
        "big.yaml",
        "{% set s = \"x\" * 100000000 %}{% for i in range(10) %}{{ s }}{% endfor %}",
    )]);
    let run = lint_chart(chart.path());
    expect(&run, "render/limit");
}

/// What runs today, whatever the stages do: none of these inputs may crash or hang the binary.
#[test]
fn hostile_inputs_never_crash_the_binary() {
    let cases = [
        ("billion laughs", billion_laughs()),
        (
            "nested flow lists",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        ("nested block lists", format!("{}x\n", "- ".repeat(100_000))),
        ("many documents", "---\n".repeat(100_000)),
    ];
    for (what, text) in cases {
        let out = lint_stdin_capped(text, 4 << 20);
        assert!(
            matches!(out.code, 0..=2) && !out.stderr.contains("panicked"),
            "{what}: exit {} stderr:\n{}",
            out.code,
            out.stderr
        );
    }
}

fn lint_path_capped(path: &Path, extra: &[&str]) -> common::Output {
    common::run(
        common::kforge()
            .arg("lint")
            .arg(path)
            .args(extra)
            .timeout(Duration::from_secs(60)),
    )
}

fn assert_no_crash(what: &str, out: &common::Output) {
    assert!(
        matches!(out.code, 1 | 2)
            && !out.stderr.contains("overflow")
            && !out.stderr.contains("panicked"),
        "{what}: exit {} (-1: killed by a signal, e.g. the abort after a stack overflow)\nstdout:\n{}\nstderr:\n{}",
        out.code,
        out.stdout,
        out.stderr
    );
}

#[test]
fn deeply_nested_set_list_indexes_are_an_error_not_a_stack_overflow() {
    let chart = chart_with(&[("cm.yaml", "a: 1\n")]);
    let set = format!("a{}=1", "[0]".repeat(30_000));
    let out = lint_path_capped(chart.path(), &["--set", &set]);
    assert_no_crash("--set a[0]×30000=1", &out);
    assert!(out.stdout.contains("values/"), "{}", out.stdout);
}

#[test]
fn long_template_expressions_are_an_error_not_a_stack_overflow() {
    let n = 20_000;
    let cases = [
        ("chained +", format!("{{{{ 1{} }}}}", " + 1".repeat(n))),
        (
            "attribute chain",
            format!("{{{{ values{} }}}}", ".a".repeat(n)),
        ),
        ("unary minus", format!("{{{{ {}1 }}}}", "-".repeat(n))),
    ];
    for (what, template) in cases {
        let chart = chart_with(&[("t.yaml", &template)]);
        let out = lint_path_capped(chart.path(), &[]);
        assert_no_crash(what, &out);
        assert!(out.stdout.contains("render/"), "{what}: {}", out.stdout);
    }
}

/// Runs `kforge ARGS` (stdin from `stdin_cmd`, a shell pipeline) under a 1 GiB address-space cap.
fn capped_shell(stdin_cmd: &str, args: &str) -> common::Output {
    let bin = assert_cmd::cargo::cargo_bin("kforge");
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.arg("-c")
        .arg(format!(
            "ulimit -v {}; {stdin_cmd} | \"$0\" {args}",
            1 << 20
        ))
        .arg(bin)
        .current_dir(common::repo())
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(60));
    common::run(&mut cmd)
}

#[cfg(target_os = "linux")]
#[test]
fn endless_inputs_stop_at_the_size_limit() {
    let cases = [
        (
            "-f /dev/zero",
            "true",
            "lint charts-examples/nginx -f /dev/zero",
        ),
        (
            "--set-file /dev/zero",
            "true",
            "lint charts-examples/nginx --set-file a=/dev/zero",
        ),
        ("endless stdin", "yes 'a: b'", "lint -"),
    ];
    for (what, stdin, args) in cases {
        let out = capped_shell(stdin, args);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert_eq!(out.code, 2, "{what}: {all}");
        assert!(
            all.contains("limit") && !all.contains("out of memory"),
            "{what}: should stop at the size limit, not when memory runs out:\n{all}"
        );
    }
}

fn assert_render_limit_capped(what: &str, template: &str) {
    let chart = chart_with(&[("t.yaml", template)]);
    let dir = chart.path().display().to_string();
    let out = capped_shell("true", &format!("lint '{dir}'"));
    assert_no_crash(what, &out);
    assert!(
        out.stdout.contains("render/limit"),
        "{what}: {}",
        out.stdout
    );
}

#[cfg(target_os = "linux")]
#[test]
fn indenting_a_huge_string_ends_in_a_render_limit() {
    for filter in ["indent", "nindent"] {
        let template =
            format!("{{% set s = \"\\n\" * 3000000 %}}{{{{ s | {filter}(1000) | length }}}}");
        assert_render_limit_capped(filter, &template);
    }
}

/// Values built inside a template (chained `~`, `+`, `join`) are bounded by the render memory
/// budget of the binary's allocator (src/memory.rs): a clear error naming the template, exit 2,
/// under the 1 GiB address-space cap of `capped_shell`.
#[cfg(target_os = "linux")]
#[test]
fn huge_intermediate_values_end_in_the_render_memory_limit() {
    let cases = [
        (
            "chained ~",
            "{% set s = \"x\" * 1000000 %}{% set t = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}\
             {% set u = t ~ t ~ t ~ t ~ t ~ t ~ t ~ t %}{% set v = u ~ u ~ u ~ u ~ u ~ u ~ u ~ u %}\
             {% set w = v ~ v ~ v ~ v ~ v ~ v ~ v ~ v %}{{ w | length }}",
        ),
        (
            "string +",
            "{% set s = \"x\" * 50000000 %}{% set t = s + s %}{% set u = t + t %}\
             {% set v = u + u %}{% set w = v + v %}{{ w | length }}",
        ),
        (
            "join",
            "{% set s = \"x\" * 10000000 %}{{ ([s] * 100) | join(\"\") | length }}",
        ),
    ];
    for (what, template) in cases {
        let chart = chart_with(&[("big.yaml", template)]);
        let dir = chart.path().display().to_string();
        let out = capped_shell("true", &format!("lint '{dir}'"));
        assert_eq!(out.code, 2, "{what}: {}", out.stderr);
        // Past the budget, or out of the capped address space first (thread stacks and
        // allocator arenas take part of it): either way the same error and exit code.
        assert!(
            out.stderr
                .starts_with("error[render/limit]: rendering hostile/templates/big.yaml ")
                && out.stderr.contains("; kforge stopped\n"),
            "{what}: {}",
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{what}: {}", out.stdout);
    }
}

/// The budget is per template render: a chart whose templates each build a large (but
/// bounded) value renders, and the limit can be raised.
#[cfg(target_os = "linux")]
#[test]
fn the_render_memory_limit_counts_one_template_at_a_time() {
    let big = "{% set s = \"x\" * 60000000 %}{% set t = s ~ s %}a: \"{{ t | length }}\"\n";
    let chart = chart_with(&[("a.yaml", big), ("b.yaml", big), ("c.yaml", big)]);
    let out = lint_path_capped(chart.path(), &[]);
    assert!(!out.stderr.contains("render/limit"), "{}", out.stderr);
    let bigger = "{% set s = \"x\" * 100000000 %}{% set t = s ~ s %}a: \"{{ t | length }}\"\n";
    let chart = chart_with(&[("a.yaml", bigger)]);
    let over = lint_path_capped(chart.path(), &[]);
    assert!(over.stderr.contains("render/limit"), "{}", over.stderr);
}

#[test]
fn many_findings_in_one_file_are_reported_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let same_name: String = (0..5_000)
        .map(|_| "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: same\n")
        .collect();
    let keys: Vec<&str> = vec!["a: v"; 20_000];
    let one_line = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: x}}\ndata: {{{}}}\n",
        keys.join(", ")
    );
    for (what, text) in [
        ("5,000 duplicate objects", same_name),
        ("20,000 duplicate keys", one_line),
    ] {
        let path = dir.path().join("many.yaml");
        std::fs::write(&path, text).unwrap();
        let out = lint_path_capped(&path, &[]);
        assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        // Output grows with the findings, not with findings × line length (a 120 KB line is
        // shown as an excerpt around each span).
        let per_finding = out.stdout.len() / out.stdout.matches("error[").count().max(1);
        assert!(
            per_finding < 2_000,
            "{what}: {per_finding} bytes per finding"
        );
    }
}
