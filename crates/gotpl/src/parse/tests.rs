//! Parser tests: Go's own parse_test.go table (tree strings and errors), the error texts Helm
//! v4.2.3 prints (recorded with the oracle, Helm's `parse error at (FILE:LINE): MSG` form
//! being the last `: `-separated part of Go's message), positions, limits and the corpus.

use super::*;

const FUNCS: &[&str] = &[
    "printf", "contains", "print", "include", "index", "len", "not", "eq", "and", "or", "list",
];

fn known(name: &str) -> bool {
    FUNCS.contains(&name)
}

fn p(src: &str) -> Result<Parsed, ParseError> {
    parse("t/templates/case.yaml", src, &known)
}

/// The top-level tree as Go's `Root.String()`.
fn tree(src: &str) -> String {
    match p(src) {
        Ok(parsed) => parsed
            .trees
            .first()
            .map(|t| t.root.go_string(src))
            .unwrap_or_default(),
        Err(e) => panic!("{src:?}: {}", e.go_message()),
    }
}

fn err(src: &str) -> String {
    match p(src) {
        Ok(_) => panic!("{src:?} parsed"),
        Err(e) => e.go_message(),
    }
}

/// What Helm prints (its `cleanupParseError`: location and the last `: `-part of Go's text).
fn helm(src: &str) -> String {
    let go = err(src);
    let parts: Vec<&str> = go.split(": ").collect();
    format!(
        "parse error at ({}): {}",
        parts.get(1).unwrap_or(&""),
        parts.last().unwrap_or(&"")
    )
}

#[test]
fn go_parse_table() {
    let ok = [
        ("", ""),
        ("{{/*\n\n\n*/}}", "{{/*\n\n\n*/}}"),
        (" \t\n", " \t\n"),
        ("some text", "some text"),
        ("{{.X}}", "{{.X}}"),
        ("{{printf}}", "{{printf}}"),
        ("{{$}}", "{{$}}"),
        (
            "{{with $x := 3}}{{$x 23}}{{end}}",
            "{{with $x := 3}}{{$x 23}}{{end}}",
        ),
        ("{{$.I}}", "{{$.I}}"),
        ("{{printf `%d` 23}}", "{{printf `%d` 23}}"),
        ("{{.X|.Y}}", "{{.X | .Y}}"),
        ("{{$x := .X|.Y}}", "{{$x := .X | .Y}}"),
        (
            "{{.X (.Y .Z) (.A | .B .C) (.E)}}",
            "{{.X (.Y .Z) (.A | .B .C) (.E)}}",
        ),
        ("{{(.Y .Z).Field}}", "{{(.Y .Z).Field}}"),
        ("{{if .X}}hello{{end}}", "{{if .X}}hello{{end}}"),
        (
            "{{if .X}}true{{else}}false{{end}}",
            "{{if .X}}true{{else}}false{{end}}",
        ),
        (
            "{{if .X}}true{{else if .Y}}false{{end}}",
            "{{if .X}}true{{else}}{{if .Y}}false{{end}}{{end}}",
        ),
        (
            "+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+",
            "+{{if .X}}X{{else}}{{if .Y}}Y{{else}}{{if .Z}}Z{{end}}{{end}}{{end}}+",
        ),
        ("{{range .X}}hello{{end}}", "{{range .X}}hello{{end}}"),
        (
            "{{range .X.Y.Z}}hello{{end}}",
            "{{range .X.Y.Z}}hello{{end}}",
        ),
        (
            "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}",
            "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}",
        ),
        (
            "{{range .X}}true{{else}}false{{end}}",
            "{{range .X}}true{{else}}false{{end}}",
        ),
        (
            "{{range .X|.M}}true{{else}}false{{end}}",
            "{{range .X | .M}}true{{else}}false{{end}}",
        ),
        ("{{range .SI}}{{.}}{{end}}", "{{range .SI}}{{.}}{{end}}"),
        (
            "{{range $x := .SI}}{{.}}{{end}}",
            "{{range $x := .SI}}{{.}}{{end}}",
        ),
        (
            "{{range $x, $y := .SI}}{{.}}{{end}}",
            "{{range $x, $y := .SI}}{{.}}{{end}}",
        ),
        (
            "{{range .SI}}{{.}}{{break}}{{end}}",
            "{{range .SI}}{{.}}{{break}}{{end}}",
        ),
        (
            "{{range .SI}}{{.}}{{continue}}{{end}}",
            "{{range .SI}}{{.}}{{continue}}{{end}}",
        ),
        (
            "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}",
            "{{range .SI 1 -3.2i true false 'a' nil}}{{end}}",
        ),
        ("{{template `x`}}", "{{template \"x\"}}"),
        ("{{template `x` .Y}}", "{{template \"x\" .Y}}"),
        ("{{with .X}}hello{{end}}", "{{with .X}}hello{{end}}"),
        (
            "{{with .X}}hello{{else}}goodbye{{end}}",
            "{{with .X}}hello{{else}}goodbye{{end}}",
        ),
        (
            "{{with .X}}hello{{else with .Y}}goodbye{{end}}",
            "{{with .X}}hello{{else}}{{with .Y}}goodbye{{end}}{{end}}",
        ),
        (
            "{{with .X}}X{{else with .Y}}Y{{else with .Z}}Z{{end}}",
            "{{with .X}}X{{else}}{{with .Y}}Y{{else}}{{with .Z}}Z{{end}}{{end}}{{end}}",
        ),
        ("x \r\n\t{{- 3}}", "x{{3}}"),
        ("{{3 -}}\n\n\ty", "{{3}}y"),
        ("x \r\n\t{{- 3 -}}\n\n\ty", "x{{3}}y"),
        ("x\n{{-  3   -}}\ny", "x{{3}}y"),
        ("x \r\n\t{{- /* hi */}}", "x{{/* hi */}}"),
        ("{{/* hi */ -}}\n\n\ty", "{{/* hi */}}y"),
        ("x \r\n\t{{- /* */ -}}\n\n\ty", "x{{/* */}}y"),
        ("{{block \"foo\" .}}hello{{end}}", "{{template \"foo\" .}}"),
        ("{{ $x \n := \n 1 \n }}", "{{$x := 1}}"),
        ("{{\n\"x\"\n|\nprintf\n}}", "{{\"x\" | printf}}"),
        ("{{-\n/*\nhello\n*/\n-}}", "{{/*\nhello\n*/}}"),
        (
            "{{range .SI}}{{.}}{{ continue }}{{end}}",
            "{{range .SI}}{{.}}{{continue}}{{end}}",
        ),
        (
            "{{range .SI}}{{.}}{{ break }}{{end}}",
            "{{range .SI}}{{.}}{{break}}{{end}}",
        ),
        ("{{$x := 0}}{{$x}}", "{{$x := 0}}{{$x}}"),
        ("{{$x:=.}}{{$x +2}}", "{{$x := .}}{{$x +2}}"),
        (
            "{{range $x := 0}}{{$x}}{{end}}",
            "{{range $x := 0}}{{$x}}{{end}}",
        ),
        (
            "{{range $x = 0}}{{$x}}{{end}}",
            "{{range $x = 0}}{{$x}}{{end}}",
        ),
        ("{{ (( 1 )) }}", "{{((1))}}"),
        (
            "{{ if ((( true ))) }}YES{{ end }}",
            "{{if (((true)))}}YES{{end}}",
        ),
    ];
    for (src, want) in ok {
        assert_eq!(tree(src), want, "{src:?}");
    }
    let bad = [
        "{{}}",
        "{{\n}}",
        "hello{{range",
        "{{end}}",
        "{{else}}",
        "{{if .X}}hello{{end}}{{else}}",
        "{{if .X}}1{{else}}2{{else}}3{{end}}",
        "hello{{range .x}}",
        "hello{{range .x}}{{else}}",
        "hello{{undefined}}",
        "{{$x}}",
        "{{with $x := 4}}{{end}}{{$x}}",
        "{{template $v}}",
        "{{with $x.Y := 4}}{{end}}",
        "{{template .X}}",
        "{{printf 3, 4}}",
        "{{with $v, $u := 3}}{{end}}",
        "{{range $u, $v, $w := 3}}{{end}}",
        "{{printf (printf .).}}",
        "{{printf 3`x`}}",
        "{{printf `x`.}}",
        "{{if .X}}a{{else if .Y}}b{{end}}{{end}}",
        "{{range .}}{{end}} {{break}}",
        "{{range .}}{{end}} {{continue}}",
        "{{range .}}{{else}}{{break}}{{end}}",
        "{{range .}}{{else}}{{continue}}{{end}}",
        "{{$x += 1}}{{$x}}",
        "{{$x ! 2}}{{$x}}",
        "{{$x % 3}}{{$x}}",
        "{{range $x := $y := 3}}{{end}}",
        "{{$x:=.}}{{$x!2}}",
        "{{$x:=.}}{{$x+2}}",
        "{{1.E}}",
        "{{0.1.E}}",
        "{{true.E}}",
        "{{'a'.any}}",
        "{{\"hello\".guys}}",
        "{{..E}}",
        "{{nil.E}}",
        "{{12|.}}",
        "{{.|12|printf}}",
        "{{.|printf|\"error\"}}",
        "{{12|printf|'e'}}",
        "{{.|true}}",
        "{{'c'|nil}}",
        "{{printf \"%d\" ( ) }}",
        "{{block \"foo\"}}hello{{end}}",
    ];
    for src in bad {
        assert!(p(src).is_err(), "{src:?} parsed");
    }
}

/// Helm v4.2.3's output for each (recorded with the oracle).
#[test]
fn error_messages_as_helm_prints_them() {
    let cases = [
        (
            "{{ foo }}",
            "parse error at (t/templates/case.yaml:1): function \"foo\" not defined",
        ),
        (
            "{{ .x",
            "parse error at (t/templates/case.yaml:1): unclosed action",
        ),
        (
            "{{ (.x }}",
            "parse error at (t/templates/case.yaml:1): unclosed left paren",
        ),
        (
            "{{ .x) }}",
            "parse error at (t/templates/case.yaml:1): unexpected right paren",
        ),
        (
            "{{ $x+1 }}",
            "parse error at (t/templates/case.yaml:1): bad character U+002B '+'",
        ),
        (
            "{{ 3k }}",
            "parse error at (t/templates/case.yaml:1): \"3k\"",
        ),
        (
            "{{ \"ab }}",
            "parse error at (t/templates/case.yaml:1): unterminated quoted string",
        ),
        (
            "{{ 'a }}",
            "parse error at (t/templates/case.yaml:1): unterminated character constant",
        ),
        (
            "{{ a : b }}",
            "parse error at (t/templates/case.yaml:1): function \"a\" not defined",
        ),
        (
            "{{if}}{{end}}",
            "parse error at (t/templates/case.yaml:1): missing value for if",
        ),
        (
            "{{if .x}}",
            "parse error at (t/templates/case.yaml:1): unexpected EOF",
        ),
        (
            "{{end}}",
            "parse error at (t/templates/case.yaml:1): unexpected {{end}}",
        ),
        (
            "{{else}}",
            "parse error at (t/templates/case.yaml:1): unexpected {{else}}",
        ),
        (
            "{{ $x }}",
            "parse error at (t/templates/case.yaml:1): undefined variable \"$x\"",
        ),
        (
            "{{ break }}",
            "parse error at (t/templates/case.yaml:1): {{break}} outside {{range}}",
        ),
        (
            "{{range .}}{{else}}{{else}}{{end}}",
            "parse error at (t/templates/case.yaml:1): expected end; found {{else}}",
        ),
        (
            "{{ .x | 3 }}",
            "parse error at (t/templates/case.yaml:1): non executable command in pipeline stage 2",
        ),
        (
            "{{ \"a\".b }}",
            "parse error at (t/templates/case.yaml:1): unexpected . after term \"\\\"a\\\"\"",
        ),
        (
            "{{ 089 }}",
            "parse error at (t/templates/case.yaml:1): \"089\"",
        ),
        (
            "{{ 99999999999999999999 }}",
            "parse error at (t/templates/case.yaml:1): \"99999999999999999999\"",
        ),
        (
            "{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}",
            "parse error at (t/templates/case.yaml:1): multiple definition of template \"a\"",
        ),
        (
            "{{template .x}}",
            "parse error at (t/templates/case.yaml:1): unexpected \".x\" in template clause",
        ),
        (
            "{{end x}}",
            "parse error at (t/templates/case.yaml:1): unexpected \"x\" in end",
        ),
        (
            "{{ \"\\q\" }}",
            "parse error at (t/templates/case.yaml:1): invalid syntax",
        ),
        (
            "{{ 'ab' }}",
            "parse error at (t/templates/case.yaml:1): 'ab'",
        ),
        (
            "a\nb\n{{ .x\n\n| foo }}",
            "parse error at (t/templates/case.yaml:5): function \"foo\" not defined",
        ),
        (
            "x\n{{ .x\ny\n\n",
            "parse error at (t/templates/case.yaml:3): function \"y\" not defined",
        ),
        (
            "{{/* x",
            "parse error at (t/templates/case.yaml:1): unclosed comment",
        ),
        (
            "{{/* x */ }}",
            "parse error at (t/templates/case.yaml:1): comment ends before closing delimiter",
        ),
        (
            "{{define \"x\"}}{{else}}{{end}}",
            "parse error at (t/templates/case.yaml:1): unexpected {{else}} in define clause",
        ),
        (
            "{{block \"x\" .}}\n\n{{else}}{{end}}",
            "parse error at (t/templates/case.yaml:1): unexpected {{else}} in block clause",
        ),
        (
            "{{range $a, $b, $c := .}}{{end}}",
            "parse error at (t/templates/case.yaml:1): too many declarations in range",
        ),
        (
            "{{with $a, $b := .}}{{end}}",
            "parse error at (t/templates/case.yaml:1): too many declarations in with",
        ),
        (
            "{{range $a, 3}}{{end}}",
            "parse error at (t/templates/case.yaml:1): range can only initialize variables",
        ),
        (
            "{{ . | 1 }}",
            "parse error at (t/templates/case.yaml:1): non executable command in pipeline stage 2",
        ),
        (
            "{{ ( ) }}",
            "parse error at (t/templates/case.yaml:1): missing value for parenthesized pipeline",
        ),
        (
            "{{ .x := 1 }}",
            "parse error at (t/templates/case.yaml:1): unexpected \":=\" in operand",
        ),
        (
            "{{ $x.y := 1 }}",
            "parse error at (t/templates/case.yaml:1): undefined variable \"$x\"",
        ),
        (
            "{{if .x}}{{define \"y\"}}{{end}}{{end}}",
            "parse error at (t/templates/case.yaml:1): unexpected <define> in command",
        ),
        (
            "{{ \u{1} }}",
            "parse error at (t/templates/case.yaml:1): U+0001",
        ),
        (
            "{{ 1+2 }}",
            "parse error at (t/templates/case.yaml:1): \"1+2\"",
        ),
        (
            "{{ 0x1.8 }}",
            "parse error at (t/templates/case.yaml:1): \"0x1.8\"",
        ),
        (
            "{{ 1e400 }}",
            "parse error at (t/templates/case.yaml:1): \"1e400\"",
        ),
        (
            "{{range .}}{{else if .x}}{{end}}",
            "parse error at (t/templates/case.yaml:1): unexpected <if> in input",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(helm(src), want, "{src:?}");
    }
}

#[test]
fn full_go_messages() {
    assert_eq!(
        err("{{ foo }}"),
        "template: t/templates/case.yaml:1: function \"foo\" not defined"
    );
    assert_eq!(
        err("{{ 3k }}"),
        "template: t/templates/case.yaml:1: bad number syntax: \"3k\""
    );
    assert_eq!(
        err("{{ 089 }}"),
        "template: t/templates/case.yaml:1: integer overflow: \"089\""
    );
    assert_eq!(
        err("{{ 1e400 }}"),
        "template: t/templates/case.yaml:1: illegal number syntax: \"1e400\""
    );
    assert_eq!(
        err("{{ 'ab' }}"),
        "template: t/templates/case.yaml:1: malformed character constant: 'ab'"
    );
    assert_eq!(
        err("{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}"),
        "template: t/templates/case.yaml:1: template: multiple definition of template \"a\""
    );
    assert_eq!(
        err("{{ \u{1} }}"),
        "template: t/templates/case.yaml:1: unrecognized character in action: U+0001"
    );
    // A lexer error on a later line than the action's start names both.
    assert_eq!(
        err("{{ .x\n\"ab }}"),
        "template: t/templates/case.yaml:2: unterminated quoted string in action started at t/templates/case.yaml:1"
    );
    assert_eq!(
        err("{{ .x\n"),
        "template: t/templates/case.yaml:2: unclosed action started at t/templates/case.yaml:1"
    );
    assert_eq!(
        err("{{ \"abcdefghijklmn\" ) }}"),
        "template: t/templates/case.yaml:1: unexpected right paren"
    );
    assert_eq!(
        err("{{ printf \"abcdefghijklmn\" := }}"),
        "template: t/templates/case.yaml:1: unexpected \":=\" in operand"
    );
    assert_eq!(
        err("{{template \"abcdefghijklmn\" ,}}"),
        "template: t/templates/case.yaml:1: unexpected \",\" in template clause"
    );
    assert_eq!(
        err("{{if \"abcdefghijklmnop\" \"x\"}}{{else \"abcdefghijklmnop\"}}"),
        "template: t/templates/case.yaml:1: unexpected \"\\\"abcdefghi\"... in else"
    );
}

/// Runs `f` on a thread with a 2 MiB stack (the default for spawned threads and tests).
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn nesting_limits_hold_on_a_2mib_stack() {
    on_small_stack(|| {
        let n = MAX_CONTROL_DEPTH;
        let ok = format!("{}x{}", "{{if .}}".repeat(n), "{{end}}".repeat(n));
        assert!(p(&ok).is_ok());
        let deep = format!("{}x{}", "{{if .}}".repeat(n + 1), "{{end}}".repeat(n + 1));
        assert_eq!(
            err(&deep),
            "template: t/templates/case.yaml:1: max control nesting depth exceeded"
        );
        let ranges = format!(
            "{}x{}",
            "{{range .}}{{with .}}".repeat(n / 2),
            "{{end}}{{end}}".repeat(n / 2)
        );
        assert!(p(&ranges).is_ok());
        let chain = format!("{{{{if .}}}}{}{{{{end}}}}", "{{else if .}}".repeat(n + 5));
        assert_eq!(
            err(&chain),
            "template: t/templates/case.yaml:1: max control nesting depth exceeded"
        );
        let blocks = format!(
            "{}{}",
            "{{block \"b\" .}}".repeat(n + 1),
            "{{end}}".repeat(n + 1)
        );
        assert_eq!(
            err(&blocks),
            "template: t/templates/case.yaml:1: max control nesting depth exceeded"
        );

        let parens = format!(
            "{{{{ {}1{} }}}}",
            "(".repeat(MAX_PAREN_DEPTH),
            ")".repeat(MAX_PAREN_DEPTH)
        );
        assert!(p(&parens).is_ok());
        let parens = format!(
            "{{{{ {}1{} }}}}",
            "(".repeat(MAX_PAREN_DEPTH + 1),
            ")".repeat(MAX_PAREN_DEPTH + 1)
        );
        assert_eq!(
            err(&parens),
            "template: t/templates/case.yaml:1: max expression depth exceeded"
        );
        let mixed = format!(
            "{}{{{{ {}1{} }}}}{}",
            "{{with .}}".repeat(n),
            "(print ".repeat(MAX_PAREN_DEPTH),
            ")".repeat(MAX_PAREN_DEPTH),
            "{{end}}".repeat(n)
        );
        assert!(p(&mixed).is_ok());
    });
}
