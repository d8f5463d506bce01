//! Sprig's certificate, key and password functions (`genCA`, `genSignedCert`, `genPrivateKey`,
//! `derivePassword`, `bcrypt`, `htpasswd`, `encryptAES`, …), deterministic for a run seed.
//!
//! Certificates are real: X.509 v3 DER exactly as Go's `x509.CreateCertificate` writes Sprig's
//! templates (subject CN, SANs, validity from the run's `now`, key usages, extended key usages,
//! basic constraints, key identifiers), signed by the CA they name (RSA PKCS #1 v1.5 SHA-256,
//! ECDSA P-256 SHA-256 or Ed25519, by the signing key's type), PEM encoded as Go does.
//!
//! **Keys are not generated, they are picked.** Generating an RSA key takes tens of
//! milliseconds, and bitnami charts call `genCA`/`genSignedCert` about 300 times per full render,
//! so kforge embeds pre-generated keys (`keys/`, made by `scripts/gen-gotpl-keys`): sixteen
//! RSA-2048 keys for certificates, four RSA-4096 keys for `genPrivateKey "rsa"`, two DSA keys; the
//! run's seeded generator picks one per call. ECDSA and Ed25519 keys are made from the generator.
//! These keys are public (they are in kforge's source): what `kforge template` renders with them
//! is fine for linting and inspecting, and must never be deployed. Certificates a chart makes this
//! way are regenerated on every `helm install` anyway; users who deploy kforge's output should
//! supply their own certificates through values.
//!
//! No arithmetic here is constant-time: nothing secret is computed (see above).

mod aes;
mod bigint;
mod der;
mod ec;
mod eks;
mod kdf;
mod keys;
mod pem;
mod x509;

use std::any::Any;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::rc::Rc;

use crate::date::Time;
use crate::func::{Func, FuncEnv, Signature, Ty};
use crate::random::{base64_std, base64_std_decode, int_arg, random_bytes, str_arg};
use crate::value::{Object, Value};
use keys::PrivateKey;

/// Sprig's `certificate` struct: `{{ $ca.Cert }}`, `{{ $ca.Key }}`, and the `ca` argument of
/// `genSignedCert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    pub cert: String,
    pub key: String,
}

impl Object for Certificate {
    fn type_name(&self) -> &str {
        "sprig.certificate"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Cert" => Some(Value::str(&self.cert)),
            "Key" => Some(Value::str(&self.key)),
            _ => None,
        }
    }

    fn call(&self, _name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        None
    }

    fn has_method(&self, _name: &str) -> bool {
        false
    }

    fn go_string(&self) -> String {
        format!("{{{} {}}}", self.cert, self.key)
    }

    fn to_json(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Cert".to_string(), Value::str(&self.cert));
        m.insert("Key".to_string(), Value::str(&self.key));
        Value::map(m)
    }

    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
    fn kind_name(&self) -> &'static str {
        "struct"
    }
}

fn cert_value(c: Certificate) -> Value {
    Value::Object(Rc::new(c))
}

/// The `ca certificate` argument (a typed Go parameter: only a certificate converts to it).
fn cert_arg(args: &[Value], i: usize) -> Result<Certificate, String> {
    let wrong =
        |got: String| format!("wrong type for value; expected sprig.certificate; got {got}");
    match args.get(i) {
        Some(Value::Object(o)) => o
            .as_any()
            .and_then(|a| a.downcast_ref::<Certificate>())
            .cloned()
            .ok_or_else(|| wrong(o.type_name().to_string())),
        Some(v) => Err(wrong(v.type_name())),
        None => Err("missing argument".into()),
    }
}

/// Go's `%v` of a list element that is not a string, for Sprig's error messages.
fn print_value(v: &Value) -> String {
    match v {
        Value::Nil => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Uint8(u) => u.to_string(),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e21 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Value::Str(s) => s.to_string(),
        Value::Object(o) => o.go_string(),
        other => format!("{other:?}"),
    }
}

/// The items of a `[]interface{}` argument (nil is an empty list).
fn list_arg(args: &[Value], i: usize) -> Result<Vec<Value>, String> {
    match args.get(i) {
        Some(Value::List(l)) => Ok(l.items.borrow().clone()),
        Some(Value::Nil) | None => Ok(Vec::new()),
        Some(v) => Err(format!(
            "wrong type for value; expected []interface {{}}; got {}",
            v.type_name()
        )),
    }
}

/// Sprig's `getNetIPs`: Go's `net.ParseIP`, IPv4 (and IPv4-mapped IPv6) as 4 bytes.
fn net_ips(items: &[Value]) -> Result<Vec<Vec<u8>>, String> {
    items
        .iter()
        .map(|v| {
            let Value::Str(s) = v else {
                return Err(format!(
                    "error parsing ip: {} is not a string",
                    print_value(v)
                ));
            };
            match s.parse::<IpAddr>() {
                Ok(IpAddr::V4(a)) => Ok(a.octets().to_vec()),
                Ok(IpAddr::V6(a)) => Ok(match a.to_ipv4_mapped() {
                    Some(v4) => v4.octets().to_vec(),
                    None => a.octets().to_vec(),
                }),
                Err(_) => Err(format!("error parsing ip: {s}")),
            }
        })
        .collect()
}

/// Sprig's `getAlternateDNSStrs`.
fn dns_names(items: &[Value]) -> Result<Vec<String>, String> {
    items
        .iter()
        .map(|v| match v {
            Value::Str(s) => Ok(s.to_string()),
            _ => Err(format!(
                "error processing alternate dns name: {} is not a string",
                print_value(v)
            )),
        })
        .collect()
}

const DAY_NANOS: i64 = 24 * 3600 * 1_000_000_000;

/// Sprig's `getBaseCertTemplate`: a random 128-bit serial, `now` to `now + days`
/// (`time.Duration` arithmetic wraps as in Go), digital signature and key encipherment, server
/// and client auth.
fn base_template(
    env: &mut FuncEnv,
    cn: &str,
    ips: &[Value],
    dns: &[Value],
    days: i64,
) -> Result<x509::Template, String> {
    let ips = net_ips(ips)?;
    let dns_names = dns_names(dns)?;
    let serial = random_bytes(env, 16);
    let now = Time::from_unix_nanos(env.now_unix_nanos);
    Ok(x509::Template {
        serial,
        common_name: cn.to_string(),
        ips,
        dns_names,
        not_after: now.add(DAY_NANOS.wrapping_mul(days)),
        not_before: now,
        key_usage: x509::KU_KEY_ENCIPHERMENT | x509::KU_DIGITAL_SIGNATURE,
        is_ca: false,
    })
}

/// Sprig's `getCertAndKey`.
fn cert_and_key(
    env: &mut FuncEnv,
    tpl: &x509::Template,
    key: &PrivateKey,
    parent: Option<(&x509::Parent, &PrivateKey)>,
) -> Result<Certificate, String> {
    let public = key.public();
    let (parent_info, signer) = match parent {
        Some((p, k)) => (Some(p), k),
        None => (None, key),
    };
    let der = x509::create(env, tpl, &public, parent_info, signer)
        .map_err(|e| format!("error creating certificate: {e}"))?;
    Ok(Certificate {
        cert: pem::encode("CERTIFICATE", &der),
        key: key.to_pem(),
    })
}

fn gen_ca(env: &mut FuncEnv, cn: &str, days: i64, key: PrivateKey) -> Result<Value, String> {
    let mut tpl = base_template(env, cn, &[], &[], days)?;
    tpl.key_usage |= x509::KU_CERT_SIGN;
    tpl.is_ca = true;
    Ok(cert_value(cert_and_key(env, &tpl, &key, None)?))
}

fn gen_self_signed(env: &mut FuncEnv, args: &[Value], key: PrivateKey) -> Result<Value, String> {
    let tpl = base_template(
        env,
        str_arg(args, 0)?,
        &list_arg(args, 1)?,
        &list_arg(args, 2)?,
        int_arg(args, 3)?,
    )?;
    Ok(cert_value(cert_and_key(env, &tpl, &key, None)?))
}

/// Sprig's `generateSignedCertificateWithKeyInternal`.
fn gen_signed(env: &mut FuncEnv, args: &[Value], key: PrivateKey) -> Result<Value, String> {
    let ca = cert_arg(args, 4)?;
    let (_, der) = pem::decode(&ca.cert).ok_or("unable to decode certificate")?;
    let signer_cert = x509::parse(&der)
        .map_err(|e| format!("error parsing certificate: decodedSignerCert.Bytes: {e}"))?;
    let signer_key = keys::parse_private_key_pem(&ca.key)
        .map_err(|e| format!("error parsing private key: {e}"))?;
    let tpl = base_template(
        env,
        str_arg(args, 0)?,
        &list_arg(args, 1)?,
        &list_arg(args, 2)?,
        int_arg(args, 3)?,
    )?;
    let parent = signer_cert.as_parent();
    Ok(cert_value(cert_and_key(
        env,
        &tpl,
        &key,
        Some((&parent, &signer_key)),
    )?))
}

/// A `privPEM` argument of the `…WithKey` functions.
fn key_arg(args: &[Value], i: usize) -> Result<PrivateKey, String> {
    keys::parse_private_key_pem(str_arg(args, i)?).map_err(|e| format!("parsing private key: {e}"))
}

fn build_custom_cert(args: &[Value]) -> Result<Value, String> {
    let cert =
        base64_std_decode(str_arg(args, 0)?).map_err(|_| "unable to decode base64 certificate")?;
    let key =
        base64_std_decode(str_arg(args, 1)?).map_err(|_| "unable to decode base64 private key")?;
    let cert_text = String::from_utf8_lossy(&cert).into_owned();
    let key_text = String::from_utf8_lossy(&key).into_owned();
    let (_, der) = pem::decode(&cert_text).ok_or("unable to decode certificate")?;
    x509::parse(&der).map_err(|e| format!("error parsing certificate: decodedCert.Bytes: {e}"))?;
    keys::parse_private_key_pem(&key_text)
        .map_err(|e| format!("error parsing private key: {e}"))?;
    Ok(cert_value(Certificate {
        cert: cert_text,
        key: key_text,
    }))
}

/// `encryptAES`: base64 of the IV (from the run's generator) and the ciphertext; "" stays "".
fn encrypt_aes(env: &mut FuncEnv, args: &[Value]) -> Result<Value, String> {
    let password = str_arg(args, 0)?;
    let plaintext = str_arg(args, 1)?;
    if plaintext.is_empty() {
        return Ok(Value::str(""));
    }
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&random_bytes(env, 16));
    Ok(Value::string(base64_std(&aes::encrypt(
        password,
        plaintext.as_bytes(),
        iv,
    ))))
}

fn decrypt_aes(args: &[Value]) -> Result<Value, String> {
    let password = str_arg(args, 0)?;
    let text = str_arg(args, 1)?;
    if text.is_empty() {
        return Ok(Value::str(""));
    }
    let data = base64_std_decode(text)?;
    // Go's DecodeString allocates DecodedLen(len) bytes: the capacity its panics report.
    let plain = aes::decrypt(password, &data, text.len() / 4 * 3)?;
    Ok(Value::string(String::from_utf8_lossy(&plain).into_owned()))
}

/// `uint32` argument (`derivePassword`'s counter).
fn uint32_arg(args: &[Value], i: usize) -> Result<u32, String> {
    let n = int_arg(args, i)?;
    u32::try_from(n).map_err(|_| format!("{n} overflows uint32"))
}

const fn sig(params: &'static [Ty]) -> Signature {
    Signature {
        params,
        variadic: None,
    }
}

const S: Ty = Ty::String;

pub const FUNCS: &[Func] = &[
    Func {
        name: "bcrypt",
        sig: sig(&[S]),
        body: |env, args| Ok(Value::string(kdf::bcrypt(env, str_arg(&args, 0)?))),
    },
    Func {
        name: "htpasswd",
        sig: sig(&[S, S]),
        body: |env, args| {
            let user = str_arg(&args, 0)?;
            if user.contains(':') {
                return Ok(Value::string(format!("invalid username: {user}")));
            }
            let hash = kdf::bcrypt(env, str_arg(&args, 1)?);
            Ok(Value::string(format!("{user}:{hash}")))
        },
    },
    Func {
        name: "genPrivateKey",
        sig: sig(&[S]),
        body: |env, args| {
            let typ = str_arg(&args, 0)?.to_string();
            Ok(Value::string(match keys::generate(env, &typ)? {
                Some(key) => key.to_pem(),
                None => format!("Unknown type {typ}"),
            }))
        },
    },
    Func {
        name: "derivePassword",
        sig: sig(&[Ty::Uint32, S, S, S, S]),
        body: |_, args| {
            Ok(Value::string(kdf::derive_password(
                uint32_arg(&args, 0)?,
                str_arg(&args, 1)?,
                str_arg(&args, 2)?,
                str_arg(&args, 3)?,
                str_arg(&args, 4)?,
            )))
        },
    },
    Func {
        name: "buildCustomCert",
        sig: sig(&[S, S]),
        body: |_, args| build_custom_cert(&args),
    },
    Func {
        name: "genCA",
        sig: sig(&[S, Ty::Int]),
        body: |env, args| {
            let key = keys::rsa2048(env)?;
            gen_ca(env, str_arg(&args, 0)?, int_arg(&args, 1)?, key)
        },
    },
    Func {
        name: "genCAWithKey",
        sig: sig(&[S, Ty::Int, S]),
        body: |env, args| {
            let key = key_arg(&args, 2)?;
            gen_ca(env, str_arg(&args, 0)?, int_arg(&args, 1)?, key)
        },
    },
    Func {
        name: "genSelfSignedCert",
        sig: sig(&[S, Ty::List, Ty::List, Ty::Int]),
        body: |env, args| {
            let key = keys::rsa2048(env)?;
            gen_self_signed(env, &args, key)
        },
    },
    Func {
        name: "genSelfSignedCertWithKey",
        sig: sig(&[S, Ty::List, Ty::List, Ty::Int, S]),
        body: |env, args| {
            let key = key_arg(&args, 4)?;
            gen_self_signed(env, &args, key)
        },
    },
    Func {
        name: "genSignedCert",
        sig: sig(&[
            S,
            Ty::List,
            Ty::List,
            Ty::Int,
            Ty::Object("sprig.certificate"),
        ]),
        body: |env, args| {
            let key = keys::rsa2048(env)?;
            gen_signed(env, &args, key)
        },
    },
    Func {
        name: "genSignedCertWithKey",
        sig: sig(&[
            S,
            Ty::List,
            Ty::List,
            Ty::Int,
            Ty::Object("sprig.certificate"),
            S,
        ]),
        body: |env, args| {
            let key = key_arg(&args, 5)?;
            gen_signed(env, &args, key)
        },
    },
    Func {
        name: "encryptAES",
        sig: sig(&[S, S]),
        body: |env, args| encrypt_aes(env, &args),
    },
    Func {
        name: "decryptAES",
        sig: sig(&[S, S]),
        body: |_, args| decrypt_aes(&args),
    },
];

#[cfg(test)]
mod tests;
