//! Functions whose work is not bounded by what they return (key derivation, signing, deep walks
//! of shared values, regular expressions) are charged to the executor's fuel before they run
//! (`src/cost.rs`): a hostile loop ends with the work-limit error instead of running for
//! minutes, and ordinary uses stay far below the default limit.

use kforge_gotpl::Value;
use kforge_gotpl::exec::{ErrorKind, ExecEnv, Limits, Templates};

/// The fuzzer's limits (`fuzz/src/gotpl.rs`): a fraction of a second of work.
const FUZZ_FUEL: u64 = 2_000_000;
/// A tenth of it, so that the few calls a loop affords before the limit stay quick in a debug
/// build (the release build is 10 to 30 times faster: `scripts/fuzz` measures that one).
const TEST_FUEL: u64 = 200_000;

fn run(template: &str, fuel: u64) -> Result<String, (ErrorKind, String)> {
    let mut set = Templates::new();
    set.add_file("t/templates/x.yaml", template)
        .expect("template parses");
    let mut env = ExecEnv::new();
    env.limits = Limits {
        fuel,
        ..Limits::default()
    };
    set.execute("t/templates/x.yaml", Value::Nil, &mut env)
        .map(|o| o.text)
        .map_err(|e| (e.kind(), e.helm_message()))
}

fn limit_error(template: &str, fuel: u64) -> String {
    match run(template, fuel) {
        Ok(out) => panic!("{template}: rendered {} bytes", out.len()),
        Err((kind, msg)) => {
            assert_eq!(kind, ErrorKind::Limit, "{template}: {msg}");
            msg
        }
    }
}

#[test]
fn a_loop_of_key_derivations_stops_at_the_work_limit_before_deriving() {
    assert_eq!(
        limit_error(
            r#"{{ range 1000 }}{{ derivePassword 1 "long" "pw" "user" "site" }}{{ end }}"#,
            FUZZ_FUEL
        ),
        "t/templates/x.yaml:1:19\n  executing \"t/templates/x.yaml\" at \
         <derivePassword 1 \"long\" \"pw\" \"user\" \"site\">:\n    \
         template execution exceeded its work limit (2000000 units)"
    );
}

#[test]
fn hostile_loops_of_expensive_functions_stop_at_the_work_limit() {
    for t in [
        r#"{{ range 1000 }}{{ bcrypt "x" }}{{ end }}"#,
        r#"{{ range 1000 }}{{ htpasswd "user" "pw" }}{{ end }}"#,
        r#"{{ range 1000 }}{{ $c := genCA "ca" 365 }}{{ end }}"#,
        r#"{{ range 1000 }}{{ $c := genSelfSignedCert "x" nil nil 365 }}{{ end }}"#,
        r#"{{ $ca := genCA "ca" 365 }}{{ range 1000 }}{{ $c := genSignedCert "x" nil nil 365 $ca }}{{ end }}"#,
        r#"{{ range 1000 }}{{ $k := genPrivateKey "ecdsa" }}{{ end }}"#,
        r#"{{ $k := genPrivateKey "rsa" }}{{ range 1000 }}{{ $c := genCAWithKey "x" 365 $k }}{{ end }}"#,
        r#"{{ range 1000 }}{{ $l := until 1000000 }}{{ end }}"#,
        r#"{{ $s := repeat 100000 "ab" }}{{ range 1000 }}{{ $m := regexMatch "[ab]{1,1000}[ab]{1,1000}c" $s }}{{ end }}"#,
        r#"{{ $s := repeat 100000 "ab" }}{{ range 10000 }}{{ $m := sha256sum $s }}{{ end }}"#,
        r#"{{ $s := repeat 100000 "ab" }}{{ range 10000 }}{{ $m := contains "c" $s }}{{ end }}"#,
        r#"{{ $l := until 100000 }}{{ $u := uniq $l }}"#,
        r#"{{ $l := list }}{{ range $i := until 100000 }}{{ $l = append $l $i }}{{ end }}"#,
    ] {
        let msg = limit_error(t, TEST_FUEL);
        assert!(
            msg.ends_with("template execution exceeded its work limit (200000 units)"),
            "{t}: {msg}"
        );
    }
}

/// `$x = list $x $x` forty times is 2^40 values held in forty lists: walking it would never end,
/// so the walk is counted (only up to the fuel left) and charged before it starts.
#[test]
fn walking_a_value_shared_exponentially_stops_at_the_work_limit() {
    let build = "{{ $x := list 1 }}{{ range 40 }}{{ $x = list $x $x }}{{ end }}";
    for walk in [
        "{{ toJson $x }}",
        "{{ toYaml $x }}",
        "{{ toToml (dict \"a\" $x) }}",
        "{{ toString $x }}",
        "{{ printf \"%v\" $x }}",
        "{{ $x }}",
        "{{ deepCopy $x | len }}",
        "{{ $y := list 1 }}{{ range 40 }}{{ $y = list $y $y }}{{ end }}{{ deepEqual $x $y }}",
        "{{ merge (dict \"a\" (dict \"b\" $x)) (dict \"a\" (dict \"b\" $x)) | len }}",
        "{{ quote $x }}",
        "{{ join \",\" $x }}",
    ] {
        let t = format!("{build}{walk}");
        let msg = limit_error(&t, TEST_FUEL);
        assert!(
            msg.ends_with("template execution exceeded its work limit (200000 units)"),
            "{t}: {msg}"
        );
    }
}

/// What charts do with these functions fits easily in the default fuel, and renders.
#[test]
fn ordinary_uses_render_within_the_default_limit() {
    let fuel = Limits::default().fuel;
    let t = r#"{{ $ca := genCA "ca" 365 }}{{ range 3 }}{{ $c := genSignedCert "x" nil (list "a.b") 365 $ca }}{{ $c.Cert | b64enc | len | lt 100 }}{{ end }}
{{ derivePassword 1 "long" "password" "user" "example.com" }}
{{ htpasswd "user" "pw" | regexMatch "^user:\\$2a\\$10\\$" }}
{{ regexReplaceAll "[^a-z0-9-]" (repeat 1000 "My_App.") "-" | len }}
{{ until 1000 | toJson | len }} {{ list 1 2 2 3 | uniq | toJson }}"#;
    let out = run(t, fuel).unwrap_or_else(|(_, msg)| panic!("{msg}"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.first(), Some(&"truetruetrue"));
    assert_eq!(lines.get(2), Some(&"true"));
    assert_eq!(lines.get(3), Some(&"7000"));
    assert_eq!(lines.get(4), Some(&"3891 [1,2,3]"));
    // Sprig's test vectors (crypto_test.go).
    assert_eq!(lines.get(1), Some(&"ZedaFaxcZaso9*"));
}
