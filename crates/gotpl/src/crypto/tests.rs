//! End-to-end checks of the certificate functions: what Go's `x509.ParseCertificate` and a TLS
//! client would look at.

use super::der::Reader;
use super::keys::{PublicKey, oid_content};
use super::x509::{Parsed, parse, signed_by};
use super::*;
use crate::func::{DEFAULT_NOW_UNIX_NANOS, Rng};

fn call(env: &mut FuncEnv, name: &str, args: Vec<Value>) -> Result<Value, String> {
    let f = FUNCS.iter().find(|f| f.name == name).unwrap();
    (f.body)(env, args)
}

fn cert_of(v: &Value) -> Certificate {
    cert_arg(std::slice::from_ref(v), 0).unwrap()
}

fn parsed(c: &Certificate) -> Parsed {
    let (kind, der) = pem::decode(&c.cert).unwrap();
    assert_eq!(kind, "CERTIFICATE");
    parse(&der).unwrap()
}

fn list(items: &[&str]) -> Value {
    Value::list(items.iter().map(|s| Value::str(s)).collect())
}

fn ext<'a>(p: &'a Parsed, oid: &[u64]) -> Option<(bool, &'a [u8])> {
    p.extension(oid).map(|(_, c, v)| (*c, v.as_slice()))
}

const KU: &[u64] = &[2, 5, 29, 15];
const EKU: &[u64] = &[2, 5, 29, 37];
const BC: &[u64] = &[2, 5, 29, 19];
const SKID: &[u64] = &[2, 5, 29, 14];
const AKID: &[u64] = &[2, 5, 29, 35];
const SAN: &[u64] = &[2, 5, 29, 17];
const EKU_VALUE: [u8; 22] = [
    0x30, 0x14, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01, 0x06, 0x08, 0x2b, 0x06,
    0x01, 0x05, 0x05, 0x07, 0x03, 0x02,
];

fn ca(env: &mut FuncEnv) -> Value {
    call(env, "genCA", vec![Value::str("my-ca"), Value::Int(365)]).unwrap()
}

#[test]
fn gen_ca_is_a_self_signed_ca() {
    let mut env = FuncEnv::default();
    let c = cert_of(&ca(&mut env));
    assert!(c.cert.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(c.key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    let p = parsed(&c);
    assert_eq!(p.subject, x509::subject_der("my-ca"));
    assert_eq!(p.issuer, p.subject);
    assert_eq!(p.serial.len(), 16);
    let sha256_rsa = der::seq(&[&der::oid(keys::OID_SHA256_RSA), &der::null()]);
    assert_eq!(p.signature_algorithm, sha256_rsa);
    assert!(signed_by(&p, &p.public_key));
    assert_eq!(
        p.public_key,
        keys::parse_private_key_pem(&c.key).unwrap().public()
    );
    assert_eq!(p.not_before, b"260101000000Z");
    assert_eq!(p.not_after, b"270101000000Z");
    assert_eq!(ext(&p, KU), Some((true, &[3, 2, 2, 0xa4][..])));
    assert_eq!(ext(&p, EKU), Some((false, &EKU_VALUE[..])));
    assert_eq!(ext(&p, BC), Some((true, &[0x30, 3, 1, 1, 0xff][..])));
    let skid = p.subject_key_id().unwrap();
    assert_eq!(skid.len(), 20);
    let PublicKey::Rsa { n, e } = &p.public_key else {
        panic!()
    };
    let pkcs1 = der::seq(&[&der::uint(&n.to_be(0)), &der::uint(&e.to_be(0))]);
    use sha2::Digest;
    assert_eq!(skid, sha2::Sha256::digest(&pkcs1)[..20]);
    assert_eq!(ext(&p, AKID), None);
    assert_eq!(ext(&p, SAN), None);
    let order: Vec<Vec<u8>> = p.extensions.iter().map(|(o, ..)| o.clone()).collect();
    assert_eq!(
        order,
        [
            oid_content(KU),
            oid_content(EKU),
            oid_content(BC),
            oid_content(SKID)
        ]
    );
}

#[test]
fn gen_signed_cert_chains_to_its_ca() {
    let mut env = FuncEnv::default();
    let ca_value = ca(&mut env);
    let ca_cert = cert_of(&ca_value);
    let leaf = call(
        &mut env,
        "genSignedCert",
        vec![
            Value::str("foo.example"),
            list(&["10.0.0.1", "::1", "::ffff:1.2.3.4"]),
            list(&["a.example", "b.example"]),
            Value::Int(30),
            ca_value,
        ],
    )
    .unwrap();
    let leaf = cert_of(&leaf);
    let p = parsed(&leaf);
    let ca_p = parsed(&ca_cert);
    assert!(signed_by(&p, &ca_p.public_key));
    assert!(!signed_by(&p, &p.public_key) || p.public_key == ca_p.public_key);
    assert_eq!(p.issuer, ca_p.subject);
    assert_eq!(p.subject, x509::subject_der("foo.example"));
    assert_eq!(p.not_after, b"260131000000Z");
    assert_eq!(ext(&p, KU), Some((true, &[3, 2, 5, 0xa0][..])));
    assert_eq!(ext(&p, BC), Some((true, &[0x30, 0][..])));
    assert_eq!(ext(&p, SKID), None);
    let mut akid = vec![0x30, 22, 0x80, 20];
    akid.extend(ca_p.subject_key_id().unwrap());
    assert_eq!(ext(&p, AKID), Some((false, akid.as_slice())));
    let (critical, san) = ext(&p, SAN).unwrap();
    assert!(!critical);
    let mut names = Reader::new(san).seq().unwrap();
    let mut got = Vec::new();
    while !names.is_empty() {
        let e = names.next().unwrap();
        got.push((e.tag, e.content.to_vec()));
    }
    assert_eq!(
        got,
        [
            (0x82, b"a.example".to_vec()),
            (0x82, b"b.example".to_vec()),
            (0x87, vec![10, 0, 0, 1]),
            (0x87, [vec![0; 15], vec![1]].concat()),
            (0x87, vec![1, 2, 3, 4]),
        ]
    );
}

#[test]
fn same_seed_same_certificates_other_seed_other_ones() {
    let run = |seed| {
        let mut env = FuncEnv {
            rng: Rng::new(seed),
            now_unix_nanos: DEFAULT_NOW_UNIX_NANOS,
        };
        let ca_value = ca(&mut env);
        let leaf = call(
            &mut env,
            "genSignedCert",
            vec![
                Value::str("x"),
                Value::Nil,
                Value::Nil,
                Value::Int(1),
                ca_value.clone(),
            ],
        )
        .unwrap();
        (cert_of(&ca_value), cert_of(&leaf))
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1).0.cert, run(2).0.cert);
    assert_ne!(run(1).1.cert, run(2).1.cert);
}

#[test]
fn self_signed_cert_and_empty_subject() {
    let mut env = FuncEnv::default();
    let v = call(
        &mut env,
        "genSelfSignedCert",
        vec![
            Value::str(""),
            Value::Nil,
            list(&["x.example"]),
            Value::Int(-1),
        ],
    )
    .unwrap();
    let p = parsed(&cert_of(&v));
    assert!(signed_by(&p, &p.public_key));
    assert_eq!(p.subject, [0x30, 0]);
    assert_eq!(p.not_after, b"251231000000Z");
    assert_eq!(ext(&p, SKID), None);
    assert_eq!(ext(&p, AKID), None);
    // RFC 5280: with an empty subject the SAN extension is critical.
    assert!(ext(&p, SAN).unwrap().0);
}

#[test]
fn with_key_functions_use_the_given_key() {
    let mut env = FuncEnv::default();
    for typ in ["rsa", "ecdsa", "ed25519"] {
        let key = call(&mut env, "genPrivateKey", vec![Value::str(typ)]).unwrap();
        let key_pem = key.as_str().unwrap().to_string();
        let ca_v = call(
            &mut env,
            "genCAWithKey",
            vec![Value::str("ca"), Value::Int(10), Value::str(&key_pem)],
        )
        .unwrap();
        let ca_c = cert_of(&ca_v);
        assert_eq!(ca_c.key, key_pem, "{typ}");
        let p = parsed(&ca_c);
        let public = keys::parse_private_key_pem(&key_pem).unwrap().public();
        assert_eq!(p.public_key, public);
        if typ != "ed25519" {
            assert!(signed_by(&p, &public), "{typ}");
        }
        let leaf = call(
            &mut env,
            "genSignedCertWithKey",
            vec![
                Value::str("leaf"),
                Value::Nil,
                Value::Nil,
                Value::Int(1),
                ca_v.clone(),
                Value::str(&key_pem),
            ],
        )
        .unwrap();
        let leaf_p = parsed(&cert_of(&leaf));
        assert_eq!(leaf_p.public_key, public);
        assert_eq!(leaf_p.issuer, p.subject);
    }
}

#[test]
fn gen_private_key_types() {
    let mut env = FuncEnv::default();
    let pem_of = |env: &mut FuncEnv, t: &str| {
        call(env, "genPrivateKey", vec![Value::str(t)])
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    };
    for (t, head) in [
        ("", "-----BEGIN RSA PRIVATE KEY-----"),
        ("rsa", "-----BEGIN RSA PRIVATE KEY-----"),
        ("dsa", "-----BEGIN DSA PRIVATE KEY-----"),
        ("ecdsa", "-----BEGIN EC PRIVATE KEY-----"),
        ("ed25519", "-----BEGIN PRIVATE KEY-----"),
    ] {
        let pem = pem_of(&mut env, t);
        assert!(pem.starts_with(head), "{t}: {pem}");
        let key = keys::parse_private_key_pem(&pem).unwrap();
        assert_eq!(key.to_pem(), pem);
        if let keys::PrivateKey::Rsa(k) = key {
            assert_eq!(k.n.bits(), 4096);
        }
    }
    assert_eq!(pem_of(&mut env, "x"), "Unknown type x");
}

#[test]
fn errors_are_sprigs() {
    let mut env = FuncEnv::default();
    let ca_value = ca(&mut env);
    let signed = |env: &mut FuncEnv, ips: Value, dns: Value, ca: Value| {
        call(
            env,
            "genSignedCert",
            vec![Value::str("x"), ips, dns, Value::Int(1), ca],
        )
        .unwrap_err()
    };
    assert_eq!(
        signed(&mut env, list(&["1.2.3"]), Value::Nil, ca_value.clone()),
        "error parsing ip: 1.2.3"
    );
    assert_eq!(
        signed(
            &mut env,
            Value::list(vec![Value::Int(5)]),
            Value::Nil,
            ca_value.clone()
        ),
        "error parsing ip: 5 is not a string"
    );
    assert_eq!(
        signed(
            &mut env,
            Value::Nil,
            Value::list(vec![Value::Bool(true)]),
            ca_value.clone()
        ),
        "error processing alternate dns name: true is not a string"
    );
    assert_eq!(
        signed(&mut env, Value::Nil, list(&["ü.example"]), ca_value.clone()),
        "error creating certificate: x509: \"ü.example\" cannot be encoded as an IA5String"
    );
    assert_eq!(
        signed(&mut env, Value::Nil, Value::Nil, Value::empty_map()),
        "wrong type for value; expected sprig.certificate; got map[string]interface {}"
    );
    let c = cert_of(&ca_value);
    let bad = |cert: &str, key: &str| {
        cert_value(Certificate {
            cert: cert.into(),
            key: key.into(),
        })
    };
    assert_eq!(
        signed(&mut env, Value::Nil, Value::Nil, bad("x", &c.key)),
        "unable to decode certificate"
    );
    assert_eq!(
        signed(&mut env, Value::Nil, Value::Nil, bad(&c.cert, "x")),
        "error parsing private key: no PEM data in input"
    );
    let other = cert_of(&ca(&mut FuncEnv {
        rng: Rng::new(99),
        now_unix_nanos: 0,
    }));
    assert_ne!(other.key, c.key);
    assert_eq!(
        signed(&mut env, Value::Nil, Value::Nil, bad(&c.cert, &other.key)),
        "error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey"
    );
    let dsa = call(&mut env, "genPrivateKey", vec![Value::str("dsa")]).unwrap();
    assert_eq!(
        call(
            &mut env,
            "genCAWithKey",
            vec![Value::str("x"), Value::Int(1), dsa]
        )
        .unwrap_err(),
        "error creating certificate: x509: certificate private key does not implement crypto.Signer"
    );
    assert_eq!(
        call(
            &mut env,
            "genCAWithKey",
            vec![Value::str("x"), Value::Int(1), Value::str("k")]
        )
        .unwrap_err(),
        "parsing private key: no PEM data in input"
    );
}

#[test]
fn build_custom_cert_checks_and_keeps_the_text() {
    let mut env = FuncEnv::default();
    let c = cert_of(&ca(&mut env));
    let v = call(
        &mut env,
        "buildCustomCert",
        vec![
            Value::string(base64_std(c.cert.as_bytes())),
            Value::string(base64_std(c.key.as_bytes())),
        ],
    )
    .unwrap();
    assert_eq!(cert_of(&v), c);
    let err = |a: &str, b: &str| {
        call(
            &mut FuncEnv::default(),
            "buildCustomCert",
            vec![Value::str(a), Value::str(b)],
        )
        .unwrap_err()
    };
    assert_eq!(err("!", ""), "unable to decode base64 certificate");
    assert_eq!(err("", "!"), "unable to decode base64 private key");
    assert_eq!(err("", ""), "unable to decode certificate");
    assert_eq!(
        err(&base64_std(c.cert.as_bytes()), &base64_std(b"nope")),
        "error parsing private key: no PEM data in input"
    );
}

#[test]
fn certificate_object() {
    let c = Certificate {
        cert: "C".into(),
        key: "K".into(),
    };
    assert_eq!(c.type_name(), "sprig.certificate");
    assert_eq!(c.go_string(), "{C K}");
    assert_eq!(c.field("Cert").unwrap().as_str(), Some("C"));
    assert!(c.field("cert").is_none());
    assert_eq!(format!("{:?}", c.to_json()), r#"{"Cert": "C", "Key": "K"}"#);
}

#[test]
fn passwords_and_aes() {
    let mut env = FuncEnv::default();
    let h = call(
        &mut env,
        "htpasswd",
        vec![Value::str("myUser"), Value::str("myPassword")],
    )
    .unwrap();
    let h = h.as_str().unwrap();
    let (user, hash) = h.split_once(':').unwrap();
    assert_eq!(user, "myUser");
    assert!(kdf::bcrypt_verify("myPassword", hash));
    assert_eq!(
        call(
            &mut env,
            "htpasswd",
            vec![Value::str("a:b"), Value::str("p")]
        )
        .unwrap()
        .as_str(),
        Some("invalid username: a:b")
    );
    let enc = call(
        &mut env,
        "encryptAES",
        vec![Value::str("secretkey"), Value::str("plaintext")],
    )
    .unwrap();
    let dec = call(
        &mut env,
        "decryptAES",
        vec![Value::str("secretkey"), enc.clone()],
    )
    .unwrap();
    assert_eq!(dec.as_str(), Some("plaintext"));
    assert_eq!(enc.as_str().unwrap().len(), 44);
    let empty = call(
        &mut env,
        "encryptAES",
        vec![Value::str("k"), Value::str("")],
    )
    .unwrap();
    assert_eq!(empty.as_str(), Some(""));
    assert_eq!(
        call(
            &mut env,
            "decryptAES",
            vec![Value::str("k"), Value::str("%%%%")]
        )
        .unwrap_err(),
        "illegal base64 data at input byte 0"
    );
}
