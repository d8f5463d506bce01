//! One failing and one passing case per keyword, the limits, and the messages Helm v4 prints for
//! them (recorded with its validator through the helm_python oracle where noted).

use super::{JsonSchema, Kind};
use serde_json::{Value, json};

fn schema(doc: Value) -> JsonSchema {
    JsonSchema::compile(&doc).unwrap_or_else(|e| panic!("{e}"))
}

/// `pointer: message` of every top-level failure, causes indented under it.
fn check(doc: Value, instance: Value) -> Vec<String> {
    schema(doc)
        .validate(&instance)
        .iter()
        .map(|e| {
            let mut s = format!("{}: {}", e.pointer(), e.message);
            if !e.causes.is_empty() {
                s.push('\n');
                s.push_str(&e.causes_text());
            }
            s
        })
        .collect()
}

fn compile_error(doc: Value) -> String {
    match JsonSchema::compile(&doc) {
        Ok(_) => panic!("compiles: {doc}"),
        Err(e) => e.message,
    }
}

/// Each (schema, failing instance, its messages, passing instance).
#[track_caller]
fn case(doc: Value, bad: Value, want: &[&str], good: Value) {
    assert_eq!(check(doc.clone(), bad), want, "schema {doc}");
    assert_eq!(
        check(doc.clone(), good.clone()),
        Vec::<String>::new(),
        "schema {doc} on {good}"
    );
}

#[test]
fn type_and_integer_as_number_without_fraction() {
    case(
        json!({"type": "integer"}),
        json!(1.5),
        &[": got number, want integer"],
        json!(2.0),
    );
    case(
        json!({"type": "integer"}),
        json!("1"),
        &[": got string, want integer"],
        json!(-3),
    );
    case(
        json!({"type": ["string", "null"]}),
        json!(1),
        &[": got number, want null or string"],
        json!(null),
    );
    case(
        json!({"type": "number"}),
        json!(true),
        &[": got boolean, want number"],
        json!(1),
    );
    case(
        json!({"type": "object"}),
        json!([]),
        &[": got array, want object"],
        json!({}),
    );
}

#[test]
fn enum_and_const_use_json_equality() {
    // Recorded from Helm: `- at '/a': value must be one of 'x', 'y'`.
    case(
        json!({"enum": ["x", "y"]}),
        json!("z"),
        &[": value must be one of 'x', 'y'"],
        json!("y"),
    );
    case(
        json!({"enum": [1, "a"]}),
        json!(2),
        &[": value must be one of 1, 'a'"],
        json!(1.0),
    );
    case(
        json!({"enum": [[1], {"a": 1}]}),
        json!([2]),
        &[": 'enum' failed"],
        json!({"a": 1.0}),
    );
    case(
        json!({"const": 1.0}),
        json!(2),
        &[": value must be 1.0"],
        json!(1),
    );
    case(
        json!({"const": "x"}),
        json!("y"),
        &[": value must be 'x'"],
        json!("x"),
    );
    case(
        json!({"const": {"a": [1]}}),
        json!({"a": [2]}),
        &[": 'const' failed"],
        json!({"a": [1]}),
    );
    case(
        json!({"const": null}),
        json!(0),
        &[": value must be <nil>"],
        json!(null),
    );
}

#[test]
fn type_enum_const_stop_the_schema() {
    // A failed `type` is the only report for its schema (the rest are not tried).
    assert_eq!(
        check(
            json!({"type": "string", "minimum": 5, "enum": ["a"]}),
            json!(1)
        ),
        [": got number, want string"]
    );
}

#[test]
fn properties_pattern_properties_additional_properties() {
    case(
        json!({"properties": {"a": {"type": "string"}}}),
        json!({"a": 1}),
        &["/a: got number, want string"],
        json!({"a": "x", "b": 1}),
    );
    case(
        json!({"patternProperties": {"^x-": {"type": "integer"}}}),
        json!({"x-a": "1", "y": "1"}),
        &["/x-a: got string, want integer"],
        json!({"x-a": 1, "y": "1"}),
    );
    case(
        json!({"properties": {"a": true}, "patternProperties": {"^p": true}, "additionalProperties": false}),
        json!({"a": 1, "b": 2, "c": 3, "pq": 4}),
        &[": additional properties 'b', 'c' not allowed"],
        json!({"a": 1, "pz": 2}),
    );
    case(
        json!({"additionalProperties": {"type": "boolean"}}),
        json!({"a": 1}),
        &["/a: got number, want boolean"],
        json!({"a": true}),
    );
    let errs = schema(json!({"additionalProperties": false})).validate(&json!({"b": 1}));
    assert_eq!(errs[0].kind, Kind::AdditionalProperties(vec!["b".into()]));
}

#[test]
fn required_and_dependencies() {
    case(
        json!({"required": ["x", "y"]}),
        json!({"x": 1}),
        &[": missing property 'y'"],
        json!({"x": 1, "y": 2}),
    );
    case(
        json!({"required": ["x", "y"]}),
        json!({}),
        &[": missing properties 'x', 'y'"],
        json!({"x": null, "y": null}),
    );
    case(
        json!({"dependentRequired": {"tls": ["cert", "key"]}}),
        json!({"tls": true, "cert": "c"}),
        &[": properties 'key' required, if 'tls' exists"],
        json!({"cert": "c"}),
    );
    case(
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "dependencies": {"a": ["b"], "c": {"required": ["d"]}}}),
        json!({"a": 1, "c": 1}),
        &[
            ": properties 'b' required, if 'a' exists",
            ": missing property 'd'",
        ],
        json!({"a": 1, "b": 1}),
    );
    case(
        json!({"dependentSchemas": {"a": {"properties": {"b": {"type": "string"}}}}}),
        json!({"a": 1, "b": 1}),
        &["/b: got number, want string"],
        json!({"b": 1}),
    );
    // Helm's validator keeps `dependencies` in 2020-12 too (recorded: `- at '': properties 'b'
    // required, if 'a' exists`).
    assert_eq!(
        check(json!({"dependencies": {"a": ["b"]}}), json!({"a": 1})),
        [": properties 'b' required, if 'a' exists"]
    );
}

#[test]
fn items_prefix_items_additional_items() {
    case(
        json!({"items": {"type": "string"}}),
        json!(["a", 1]),
        &["/1: got number, want string"],
        json!(["a"]),
    );
    case(
        json!({"prefixItems": [{"type": "integer"}], "items": {"type": "string"}}),
        json!(["a", "b", 3]),
        &[
            "/0: got string, want integer",
            "/2: got number, want string",
        ],
        json!([1, "b"]),
    );
    case(
        json!({"prefixItems": [true], "items": false}),
        json!([1, 2]),
        &["/1: false schema"],
        json!([1]),
    );
    let d7 = "http://json-schema.org/draft-07/schema#";
    case(
        json!({"$schema": d7, "items": [{"type": "integer"}], "additionalItems": false}),
        json!([1, 2, 3]),
        &[": last 2 additionalItem(s) not allowed"],
        json!([1]),
    );
    case(
        json!({"$schema": d7, "items": [true], "additionalItems": {"type": "string"}}),
        json!([1, 2]),
        &["/1: got number, want string"],
        json!([1, "x"]),
    );
    // 2020-12 rejects the array form of `items` (its metaschema does).
    assert_eq!(
        compile_error(json!({"items": [true]})),
        "at '/items': got array, want object or boolean"
    );
}

#[test]
fn contains_min_contains_max_contains() {
    case(
        json!({"contains": {"type": "string"}}),
        json!([1]),
        &[": no items match contains schema\n- at '/0': got number, want string"],
        json!([1, "a"]),
    );
    case(
        json!({"contains": {"type": "string"}, "minContains": 2}),
        json!(["a", 1]),
        &[
            ": min 2 items required to match contains schema, but matched 1 items at 0\n- at '/1': got number, want string",
        ],
        json!(["a", "b"]),
    );
    case(
        json!({"contains": {"type": "string"}, "maxContains": 1}),
        json!(["a", 1, "b"]),
        &[": max 1 items required to match contains schema, but matched 2 items at 0 2"],
        json!(["a", 1]),
    );
    case(
        json!({"contains": {"const": 1}, "minContains": 0}),
        json!([2, 1, 1]),
        &[],
        json!([]),
    );
}

#[test]
fn lengths_count_code_points() {
    case(
        json!({"minLength": 3}),
        json!("éé"),
        &[": minLength: got 2, want 3"],
        json!("ééé"),
    );
    case(
        json!({"maxLength": 2}),
        json!("日本語"),
        &[": maxLength: got 3, want 2"],
        json!("日本"),
    );
    case(
        json!({"minItems": 2}),
        json!([1]),
        &[": minItems: got 1, want 2"],
        json!([1, 2]),
    );
    case(
        json!({"maxItems": 1}),
        json!([1, 2]),
        &[": maxItems: got 2, want 1"],
        json!([1]),
    );
    case(
        json!({"minProperties": 1}),
        json!({}),
        &[": minProperties: got 0, want 1"],
        json!({"a": 1}),
    );
    case(
        json!({"maxProperties": 0}),
        json!({"a": 1}),
        &[": maxProperties: got 1, want 0"],
        json!({}),
    );
    // Non-strings are not measured.
    assert!(check(json!({"minLength": 3}), json!(1)).is_empty());
}

#[test]
fn bounds_and_both_exclusive_forms() {
    case(
        json!({"minimum": 2}),
        json!(1.5),
        &[": minimum: got 1.5, want 2"],
        json!(2),
    );
    case(
        json!({"maximum": 2}),
        json!(3),
        &[": maximum: got 3, want 2"],
        json!(2.0),
    );
    case(
        json!({"exclusiveMinimum": 2}),
        json!(2),
        &[": exclusiveMinimum: got 2, want 2"],
        json!(2.5),
    );
    case(
        json!({"exclusiveMaximum": 2}),
        json!(2.0),
        &[": exclusiveMaximum: got 2, want 2"],
        json!(1),
    );
    let d4 = "http://json-schema.org/draft-04/schema#";
    case(
        json!({"$schema": d4, "minimum": 2, "exclusiveMinimum": true}),
        json!(2),
        &[": exclusiveMinimum: got 2, want 2"],
        json!(3),
    );
    case(
        json!({"$schema": d4, "maximum": 2, "exclusiveMaximum": false}),
        json!(3),
        &[": maximum: got 3, want 2"],
        json!(2),
    );
    // Exact, past f64: 2^63 + 1 is above 2^63 (equal as floats).
    case(
        json!({"maximum": 9223372036854775808u64}),
        json!(9223372036854775809u64),
        &[": maximum: got 9.223372036854776×10¹⁸, want 9.223372036854776×10¹⁸"],
        json!(9223372036854775808u64),
    );
    case(
        json!({"minimum": -1e300}),
        json!(-1e301),
        &[": minimum: got -1×10³⁰¹, want -1×10³⁰⁰"],
        json!(0),
    );
}

#[test]
fn multiple_of_is_exact() {
    // Recorded from Helm: `- at '/c': multipleOf: got 0.35, want 0.1`.
    case(
        json!({"multipleOf": 0.1}),
        json!(0.35),
        &[": multipleOf: got 0.35, want 0.1"],
        json!(0.3),
    );
    case(
        json!({"multipleOf": 0.01}),
        json!(19.999),
        &[": multipleOf: got 19.999, want 0.01"],
        json!(19.99),
    );
    case(
        json!({"multipleOf": 3}),
        json!(10),
        &[": multipleOf: got 10, want 3"],
        json!(3e20),
    );
    case(
        json!({"multipleOf": 1e-30}),
        json!(1e-31),
        &[": multipleOf: got 1×10⁻³¹, want 1×10⁻³⁰"],
        json!(7e-29),
    );
    assert_eq!(
        compile_error(json!({"multipleOf": 0})),
        "at '/multipleOf': must be greater than 0"
    );
}

#[test]
fn pattern_and_unsupported_patterns() {
    case(
        json!({"pattern": "^[a-z]+$"}),
        json!("Ab"),
        &[": 'Ab' does not match pattern '^[a-z]+$'"],
        json!("ab"),
    );
    // Unanchored, as in Go.
    assert!(check(json!({"pattern": "b"}), json!("abc")).is_empty());
    assert_eq!(
        compile_error(json!({"properties": {"a": {"pattern": "(?=x)"}}})),
        "at '/properties/a/pattern': '(?=x)' is not valid regex: look-around, including look-ahead and look-behind, is not supported"
    );
    assert!(
        compile_error(json!({"patternProperties": {"(": true}}))
            .starts_with("at '/patternProperties/(': '(' is not valid regex: ")
    );
    // A pattern whose program is too big is refused, not built.
    let huge = "(a{1000}){1000}";
    assert!(
        compile_error(json!({"pattern": huge})).ends_with("is not valid regex: pattern too large")
    );
}

#[test]
fn unique_items_by_json_equality() {
    // Recorded from Helm: `- at '/c': items at 1 and 2 are equal`.
    case(
        json!({"uniqueItems": true}),
        json!([1, "a", "a"]),
        &[": items at 1 and 2 are equal"],
        json!([1, "1"]),
    );
    case(
        json!({"uniqueItems": true}),
        json!([{"a": 1, "b": 2}, {"b": 2, "a": 1.0}]),
        &[": items at 0 and 1 are equal"],
        json!([[1], [1, 1]]),
    );
    let mut long: Vec<Value> = (0..100).map(|i| json!({"n": i})).collect();
    long.push(json!({"n": 40.0}));
    case(
        json!({"uniqueItems": true}),
        Value::Array(long),
        &[": items at 40 and 100 are equal"],
        json!((0..100).collect::<Vec<_>>()),
    );
    assert!(check(json!({"uniqueItems": false}), json!([1, 1])).is_empty());
}

#[test]
fn combinators_report_their_causes() {
    // Recorded from Helm:
    // - at '/a': 'anyOf' failed
    //   - at '/a': got number, want string
    //   - at '/a': minimum: got 1, want 5
    case(
        json!({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 5}]}),
        json!(1),
        &[": 'anyOf' failed\n- at '': got number, want string\n- at '': minimum: got 1, want 5"],
        json!(5),
    );
    case(
        json!({"allOf": [{"type": "integer"}, {"minimum": 2}]}),
        json!(1),
        &[": 'allOf' failed\n- at '': minimum: got 1, want 2"],
        json!(2),
    );
    case(
        json!({"oneOf": [{"type": "integer"}, {"minimum": 0}]}),
        json!(1),
        &[": 'oneOf' failed, subschemas 0, 1 matched"],
        json!(-1),
    );
    case(
        json!({"oneOf": [{"type": "integer"}, {"type": "boolean"}]}),
        json!("x"),
        &[
            ": 'oneOf' failed, none matched\n- at '': got string, want integer\n- at '': got string, want boolean",
        ],
        json!(true),
    );
    case(
        json!({"not": {"type": "string"}}),
        json!("x"),
        &[": 'not' failed"],
        json!(1),
    );
}

#[test]
fn if_then_else() {
    let doc = json!({
        "if": {"properties": {"kind": {"const": "tls"}}, "required": ["kind"]},
        "then": {"required": ["cert"]},
        "else": {"properties": {"cert": false}}
    });
    case(
        doc.clone(),
        json!({"kind": "tls"}),
        &[": missing property 'cert'"],
        json!({"kind": "tls", "cert": "c"}),
    );
    case(
        doc,
        json!({"kind": "plain", "cert": "c"}),
        &["/cert: false schema"],
        json!({"kind": "plain"}),
    );
    // Before draft 7 `if` is not a keyword.
    assert!(check(json!({"$schema": "http://json-schema.org/draft-06/schema#", "if": true, "then": false}), json!(1)).is_empty());
}

#[test]
fn causes_are_listed_up_to_twenty_lines() {
    let branches: Vec<Value> = (0..30).map(|i| json!({"const": i})).collect();
    let errs = check(json!({"anyOf": branches}), json!(99));
    let lines: Vec<&str> = errs[0].lines().collect();
    assert_eq!(lines.len(), 22, "{errs:?}");
    assert_eq!(lines[1], "- at '': value must be 0");
    assert_eq!(lines[20], "- at '': value must be 19");
    assert_eq!(lines[21], "- …");
}

#[test]
fn property_names() {
    case(
        json!({"propertyNames": {"maxLength": 3}}),
        json!({"abcd": 1}),
        &[": invalid propertyName 'abcd'\n- at '': maxLength: got 4, want 3"],
        json!({"abc": 1}),
    );
}

#[test]
fn boolean_schemas() {
    case(
        json!({"properties": {"a": false}}),
        json!({"a": 1}),
        &["/a: false schema"],
        json!({"b": 1}),
    );
    assert!(check(json!(true), json!(1)).is_empty());
    assert_eq!(check(json!(false), json!(1)), [": false schema"]);
    // Draft 4 has no boolean schemas.
    assert_eq!(
        compile_error(
            json!({"$schema": "http://json-schema.org/draft-04/schema#", "properties": {"a": true}})
        ),
        "at '/properties/a': got boolean, want object"
    );
}

#[test]
fn refs_to_defs_definitions_pointers_ids_and_anchors() {
    case(
        json!({"properties": {"a": {"$ref": "#/$defs/port"}}, "$defs": {"port": {"type": "integer"}}}),
        json!({"a": "x"}),
        &["/a: got string, want integer"],
        json!({"a": 1}),
    );
    case(
        json!({"$schema": "http://json-schema.org/draft-07/schema#", "$ref": "#/definitions/a~1b%25", "definitions": {"a/b%": {"type": "string"}}}),
        json!(1),
        &[": got number, want string"],
        json!("s"),
    );
    case(
        json!({"$ref": "#/properties/x/items/0", "properties": {"x": {"items": [{"minimum": 1}]}}, "$schema": "http://json-schema.org/draft-07/schema"}),
        json!(0),
        &[": minimum: got 0, want 1"],
        json!(1),
    );
    case(
        json!({"$ref": "#port", "$defs": {"p": {"$anchor": "port", "type": "integer"}}}),
        json!("x"),
        &[": got string, want integer"],
        json!(1),
    );
    case(
        json!({"$id": "https://example.com/root.json", "$ref": "item.json", "$defs": {"i": {"$id": "item.json", "type": "string"}}}),
        json!(1),
        &[": got number, want string"],
        json!("x"),
    );
    // A relative `$ref` in a target reached through `#/…` resolves against the root's `$id`.
    case(
        json!({"$id": "https://example.com/root.json", "$ref": "#/$defs/a", "$defs": {"a": {"$ref": "b.json"}, "b": {"$id": "b.json", "type": "string"}}}),
        json!(1),
        &[": got number, want string"],
        json!("x"),
    );
    // Draft 7: `$ref` hides its siblings.
    assert!(check(json!({"$schema": "http://json-schema.org/draft-07/schema#", "$ref": "#/definitions/a", "type": "string", "definitions": {"a": true}}), json!(1)).is_empty());
    // 2019-09 on: siblings apply too.
    assert_eq!(
        check(
            json!({"$ref": "#/$defs/a", "type": "string", "$defs": {"a": true}}),
            json!(1)
        ),
        [": got number, want string"]
    );
}

#[test]
fn refs_outside_the_document_are_reported_not_fetched() {
    assert_eq!(
        compile_error(json!({"properties": {"a": {"$ref": "other.json"}}})),
        "$ref \"other.json\" at /properties/a does not resolve inside values.schema.json (kforge does not load other files or URLs)"
    );
    assert!(
        compile_error(json!({"$ref": "https://example.com/s.json#/a"}))
            .starts_with("$ref \"https://example.com/s.json#/a\" at the root")
    );
    assert!(compile_error(json!({"$ref": "#/$defs/missing"})).contains("does not resolve"));
    // Helm accepts anything where an unresolvable URN is referenced.
    assert!(check(json!({"$ref": "urn:example:thing"}), json!(1)).is_empty());
}

#[test]
fn unevaluated_properties_and_items() {
    case(
        json!({"properties": {"a": true}, "allOf": [{"properties": {"b": true}}], "unevaluatedProperties": false}),
        json!({"a": 1, "b": 2, "c": 3}),
        &["/c: false schema"],
        json!({"a": 1, "b": 2}),
    );
    // What a failed anyOf branch evaluated does not count; a passing one's does.
    case(
        json!({"anyOf": [{"properties": {"a": {"type": "string"}}}, {"properties": {"b": true}}], "unevaluatedProperties": false}),
        json!({"a": 1, "b": 1}),
        &["/a: false schema"],
        json!({"a": "s", "b": 1}),
    );
    case(
        json!({"prefixItems": [true], "contains": {"type": "string"}, "unevaluatedItems": {"type": "integer"}}),
        json!([null, "s", true]),
        &["/2: got boolean, want integer"],
        json!([null, "s", 3]),
    );
    case(
        json!({"$ref": "#/$defs/base", "$defs": {"base": {"properties": {"x": true}}}, "unevaluatedProperties": false}),
        json!({"x": 1, "y": 1}),
        &["/y: false schema"],
        json!({"x": 1}),
    );
}

#[test]
fn format_is_asserted_up_to_draft_7_only() {
    let d7 = |f: &str| json!({"$schema": "http://json-schema.org/draft-07/schema#", "format": f});
    // Recorded from Helm: `- at '/a': '999.1.1.1' is not valid ipv4: decimal must be between 0 and 255`.
    case(
        d7("ipv4"),
        json!("999.1.1.1"),
        &[": '999.1.1.1' is not valid ipv4: decimal must be between 0 and 255"],
        json!("10.0.0.1"),
    );
    case(
        d7("ipv6"),
        json!("1::2::3"),
        &[": '1::2::3' is not valid ipv6: invalid ipv6 address"],
        json!("::1"),
    );
    case(
        d7("date"),
        json!("2023-02-29"),
        &[": '2023-02-29' is not valid date: invalid day"],
        json!("2024-02-29"),
    );
    case(
        d7("date-time"),
        json!("2024-01-01 10:00:00Z"),
        &[": '2024-01-01 10:00:00Z' is not valid date-time: missing 'T' between date and time"],
        json!("2024-01-01T10:00:00.5+01:00"),
    );
    case(
        d7("hostname"),
        json!("-a.com"),
        &[": '-a.com' is not valid hostname: label \"-a\" starts or ends with hyphen"],
        json!("a-b.example.com"),
    );
    case(
        d7("email"),
        json!("nobody"),
        &[": 'nobody' is not valid email: missing @"],
        json!("a@b.io"),
    );
    case(
        d7("uuid"),
        json!("1234"),
        &[": '1234' is not valid uuid: not 8-4-4-4-12 hexadecimal digits"],
        json!("123e4567-e89b-12d3-a456-426614174000"),
    );
    case(
        d7("json-pointer"),
        json!("a/b"),
        &[": 'a/b' is not valid json-pointer: not starting with /"],
        json!("/a~1b"),
    );
    // Unknown formats and non-strings pass; 2020-12 (the default) only annotates.
    assert!(check(d7("no-such-format"), json!("x")).is_empty());
    assert!(check(d7("ipv4"), json!(1)).is_empty());
    assert!(check(json!({"format": "ipv4"}), json!("x")).is_empty());
}

#[test]
fn metaschema_checks_keyword_values() {
    // Recorded from Helm: `at '/type': value must be one of 'array', 'boolean', …` (under anyOf).
    assert_eq!(
        compile_error(json!({"type": "objekt"})),
        "at '/type': value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'"
    );
    assert_eq!(
        compile_error(json!({"minLength": -1})),
        "at '/minLength': minimum: got -1, want 0"
    );
    assert_eq!(
        compile_error(json!({"maxItems": 1.5})),
        "at '/maxItems': got number, want integer"
    );
    assert_eq!(
        compile_error(json!({"required": "a"})),
        "at '/required': got string, want array"
    );
    assert_eq!(
        compile_error(json!({"anyOf": []})),
        "at '/anyOf': minItems: got 0, want 1"
    );
    assert_eq!(
        compile_error(json!({"properties": {"a": 1}})),
        "at '/properties/a': got number, want object or boolean"
    );
    assert_eq!(
        compile_error(json!({"minimum": "1"})),
        "at '/minimum': got string, want number"
    );
    assert!(
        compile_error(json!({"$schema": "https://example.com/my-meta"}))
            .contains("kforge does not download metaschemas")
    );
}

#[test]
fn drafts_by_schema_url() {
    use super::Draft;
    for (url, d) in [
        ("http://json-schema.org/schema#", Draft::D2020),
        ("https://json-schema.org/draft/2020-12/schema", Draft::D2020),
        (
            "https://json-schema.org/draft/2019-09/schema#",
            Draft::D2019,
        ),
        ("http://json-schema.org/draft-07/schema#", Draft::D7),
        ("http://json-schema.org/draft-06/schema", Draft::D6),
        ("http://json-schema.org/draft-04/schema#", Draft::D4),
    ] {
        assert_eq!(Draft::from_url(url), Some(d), "{url}");
    }
    assert_eq!(
        Draft::from_url("http://json-schema.org/draft-07/schema#/x"),
        None
    );
}

#[test]
fn hostile_schemas_are_bounded() {
    // A $ref cycle on the same value: reported, not recursed forever.
    let errs = check(json!({"$ref": "#"}), json!(1));
    assert_eq!(errs, [": $ref cycle: schema at '' applies to itself"]);
    let errs = check(
        json!({"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}),
        json!(1),
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].contains("$ref cycle"), "{errs:?}");
    // A cycle through the value's structure is fine: it ends with the value.
    case(
        json!({"$defs": {"node": {"properties": {"next": {"$ref": "#/$defs/node"}, "v": {"type": "integer"}}}}, "$ref": "#/$defs/node"}),
        json!({"next": {"next": {"v": "x"}}}),
        &["/next/next/v: got string, want integer"],
        json!({"next": {"next": {"v": 1}}}),
    );
    // Exponential work (each level tries both branches of an anyOf) runs out of fuel.
    let mut defs = serde_json::Map::new();
    defs.insert("l0".into(), json!({"type": "string"}));
    for i in 1..40 {
        let r = format!("#/$defs/l{}", i - 1);
        defs.insert(
            format!("l{i}"),
            json!({"anyOf": [{"$ref": r}, {"$ref": r}]}),
        );
    }
    let errs = check(json!({"$defs": defs, "$ref": "#/$defs/l39"}), json!(1));
    assert_eq!(
        errs,
        [": validation stopped: the schema needs too much work for these values"]
    );
    // Deep values: bounded nesting, no stack overflow.
    let mut v = json!(1);
    for _ in 0..1000 {
        v = json!([v]);
    }
    let errs = check(
        json!({"$defs": {"l": {"items": {"$ref": "#/$defs/l"}, "type": ["array", "string"]}}, "$ref": "#/$defs/l"}),
        v,
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("schemas nested deeper than")),
        "{errs:?}"
    );
}

#[test]
fn messages_quote_and_print_numbers_like_helm() {
    use super::number::{helm_float, helm_int};
    assert_eq!(super::quote("it's\n"), "'it\\'s\\n'");
    // Recorded from Helm: `minimum: got 12,345.5, want 1.23456789×10⁰⁸`, `got 100,000, want
    // -12,345.5`, `multipleOf: got 1.5×10⁻⁰⁵, want 1×10⁻⁰⁵`, `got -1.5×10²¹, want 1×10²¹`.
    assert_eq!(helm_float(12345.5), "12,345.5");
    assert_eq!(helm_float(123456789.0), "1.23456789×10⁰⁸");
    assert_eq!(helm_float(100000.0), "100,000");
    assert_eq!(helm_float(-12345.5), "-12,345.5");
    assert_eq!(helm_float(1.5e-5), "1.5×10⁻⁰⁵");
    assert_eq!(helm_float(-1.5e21), "-1.5×10²¹");
    assert_eq!(helm_float(0.5), "0.5");
    assert_eq!(helm_int(1000), "1,000");
    assert_eq!(helm_int(999), "999");
}
