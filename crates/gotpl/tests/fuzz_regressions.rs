//! Replays the inputs kept by the engine's fuzz targets (`fuzz/regressions/gotpl_parse/` and
//! `gotpl_exec/`) through the fuzzer's own harnesses (`fuzz/src/gotpl.rs`), plus a few hostile
//! inputs written by hand, so a fixed crash stays fixed in `cargo test` on stable.

#[path = "../../../fuzz/src/gotpl.rs"]
mod harness;

use std::path::Path;

fn kept(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|x| x != "md"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read(&p).expect("read kept input"),
            )
        })
        .collect();
    out.sort();
    out
}

/// Deep nesting and big loops, each bounded by a limit rather than by the thread's stack or time.
fn hostile() -> Vec<Vec<u8>> {
    vec![
        format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000)).into_bytes(),
        "{{ if 1 }}".repeat(5000).into_bytes(),
        b"{{ define \"x\" }}{{ include \"x\" . }}{{ end }}{{ include \"x\" . }}".to_vec(),
        b"{{ define \"x\" }}{{ template \"x\" . }}{{ end }}{{ template \"x\" . }}".to_vec(),
        b"{{ range 100000000 }}{{ end }}".to_vec(),
        b"{{ range until 100000000 }}x{{ end }}".to_vec(),
        b"{{ repeat 1000000 \"abcdefgh\" | repeat 100 }}".to_vec(),
        b"{{ tpl .Values.t . }}\0{{ define \"x\" }}{{ tpl \"{{ include \\\"x\\\" . }}\" . }}{{ end }}"
            .to_vec(),
        b"{{ $x := list }}{{ range 1000 }}{{ $x = append $x $x }}{{ end }}".to_vec(),
        // Work not bounded by output: charged before it runs (src/cost.rs).
        b"{{ range 1000 }}{{ derivePassword 1 \"long\" \"pw\" \"u\" \"s\" }}{{ end }}".to_vec(),
        b"{{ $x := list 1 }}{{ range 50 }}{{ $x = list $x $x }}{{ end }}{{ toJson $x }}{{ $x }}"
            .to_vec(),
    ]
}

#[test]
fn kept_gotpl_fuzz_findings_stay_fixed() {
    let mut n = 0;
    for (name, data) in kept("gotpl_parse") {
        eprintln!("gotpl_parse {name}");
        harness::gotpl_parse(&data);
        n += 1;
    }
    for (name, data) in kept("gotpl_exec") {
        eprintln!("gotpl_exec {name}");
        harness::gotpl_parse(&data);
        harness::gotpl_exec(&data);
        n += 1;
    }
    for data in hostile() {
        harness::gotpl_parse(&data);
        harness::gotpl_exec(&data);
        n += 1;
    }
    assert!(n >= hostile().len());
}
