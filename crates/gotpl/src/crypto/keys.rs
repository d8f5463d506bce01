//! Private and public keys: reading them from PEM as Sprig's `parsePrivateKeyPEM` does, writing
//! them as its `pemBlockForKey` does, signing, and the embedded pre-generated keys.

use sha2::{Digest, Sha256};

use super::bigint::{Big, Mont};
use super::der::{self, Reader};
use super::ec;
use super::pem;
use crate::func::FuncEnv;

pub const OID_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 1];
pub const OID_SHA256_RSA: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
pub const OID_EC: &[u64] = &[1, 2, 840, 10_045, 2, 1];
pub const OID_P256: &[u64] = &[1, 2, 840, 10_045, 3, 1, 7];
pub const OID_ECDSA_SHA256: &[u64] = &[1, 2, 840, 10_045, 4, 3, 2];
pub const OID_ED25519: &[u64] = &[1, 3, 101, 112];
pub const OID_DSA: &[u64] = &[1, 2, 840, 10_040, 4, 1];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaKey {
    pub n: Big,
    pub e: Big,
    pub d: Big,
    pub p: Big,
    pub q: Big,
    pub dp: Big,
    pub dq: Big,
    pub qinv: Big,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DsaKey {
    pub p: Big,
    pub q: Big,
    pub g: Big,
    pub y: Big,
    pub x: Big,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrivateKey {
    Rsa(RsaKey),
    /// A P-256 private scalar (big-endian, 32 bytes) and its public point (`04‖X‖Y`).
    Ecdsa {
        d: [u8; 32],
        point: Vec<u8>,
    },
    /// An Ed25519 seed.
    Ed25519([u8; 32]),
    Dsa(DsaKey),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicKey {
    Rsa { n: Big, e: Big },
    Ecdsa(Vec<u8>),
    Ed25519([u8; 32]),
    Dsa,
}

impl PublicKey {
    /// The SubjectPublicKeyInfo (`MarshalPKIXPublicKey`) and the subject public key's bytes
    /// (what the subject key identifier hashes).
    pub fn spki(&self) -> Result<(Vec<u8>, Vec<u8>), String> {
        match self {
            PublicKey::Rsa { n, e } => {
                let key = der::seq(&[&der::uint(&n.to_be(0)), &der::uint(&e.to_be(0))]);
                let alg = der::seq(&[&der::oid(OID_RSA), &der::null()]);
                Ok((der::seq(&[&alg, &der::bit_string(&key, 0)]), key))
            }
            PublicKey::Ecdsa(point) => {
                let alg = der::seq(&[&der::oid(OID_EC), &der::oid(OID_P256)]);
                Ok((der::seq(&[&alg, &der::bit_string(point, 0)]), point.clone()))
            }
            PublicKey::Ed25519(a) => {
                let alg = der::seq(&[&der::oid(OID_ED25519)]);
                Ok((der::seq(&[&alg, &der::bit_string(a, 0)]), a.to_vec()))
            }
            PublicKey::Dsa => Err("x509: unsupported public key type: *dsa.PublicKey".into()),
        }
    }

    /// Reads a SubjectPublicKeyInfo.
    pub fn from_spki(spki: &[u8]) -> Result<PublicKey, String> {
        let mut r = Reader::new(spki).seq()?;
        let mut alg = r.seq()?;
        let oid = alg.expect(der::OID)?.content;
        let bits = r.expect(der::BIT_STRING)?.content;
        let key = bits.get(1..).unwrap_or(&[]);
        if oid == oid_content(OID_RSA) {
            let mut k = Reader::new(key).seq()?;
            let n = Big::from_be(k.uint()?);
            let e = Big::from_be(k.uint()?);
            Ok(PublicKey::Rsa { n, e })
        } else if oid == oid_content(OID_EC) {
            Ok(PublicKey::Ecdsa(key.to_vec()))
        } else if oid == oid_content(OID_ED25519) {
            let a: [u8; 32] = key
                .try_into()
                .map_err(|_| "x509: wrong Ed25519 public key size".to_string())?;
            Ok(PublicKey::Ed25519(a))
        } else if oid == oid_content(OID_DSA) {
            Ok(PublicKey::Dsa)
        } else {
            Err("x509: unknown public key algorithm".into())
        }
    }
}

pub fn oid_content(arcs: &[u64]) -> Vec<u8> {
    der::oid(arcs).get(2..).unwrap_or(&[]).to_vec()
}

impl PrivateKey {
    pub fn public(&self) -> PublicKey {
        match self {
            PrivateKey::Rsa(k) => PublicKey::Rsa {
                n: k.n.clone(),
                e: k.e.clone(),
            },
            PrivateKey::Ecdsa { point, .. } => PublicKey::Ecdsa(point.clone()),
            PrivateKey::Ed25519(seed) => PublicKey::Ed25519(ec::ed25519_public(seed)),
            PrivateKey::Dsa(_) => PublicKey::Dsa,
        }
    }

    /// Sprig's `pemBlockForKey`: PKCS#1 for RSA, SEC 1 for ECDSA, Sprig's own DSA form, PKCS#8
    /// for Ed25519.
    pub fn to_pem(&self) -> String {
        match self {
            PrivateKey::Rsa(k) => {
                let ints: Vec<Vec<u8>> = [&k.n, &k.e, &k.d, &k.p, &k.q, &k.dp, &k.dq, &k.qinv]
                    .iter()
                    .map(|x| der::uint(&x.to_be(0)))
                    .collect();
                let mut parts: Vec<&[u8]> = Vec::with_capacity(9);
                let version = der::small_uint(0);
                parts.push(&version);
                parts.extend(ints.iter().map(Vec::as_slice));
                pem::encode("RSA PRIVATE KEY", &der::seq(&parts))
            }
            PrivateKey::Ecdsa { d, point } => {
                let body = der::seq(&[
                    &der::small_uint(1),
                    &der::octet_string(d),
                    &der::cons(0xa0, &[&der::oid(OID_P256)]),
                    &der::cons(0xa1, &[&der::bit_string(point, 0)]),
                ]);
                pem::encode("EC PRIVATE KEY", &body)
            }
            PrivateKey::Ed25519(seed) => {
                let body = der::seq(&[
                    &der::small_uint(0),
                    &der::seq(&[&der::oid(OID_ED25519)]),
                    &der::octet_string(&der::octet_string(seed)),
                ]);
                pem::encode("PRIVATE KEY", &body)
            }
            PrivateKey::Dsa(k) => {
                let ints: Vec<Vec<u8>> = [&k.p, &k.q, &k.g, &k.y, &k.x]
                    .iter()
                    .map(|x| der::uint(&x.to_be(0)))
                    .collect();
                let mut parts: Vec<&[u8]> = Vec::with_capacity(6);
                let version = der::small_uint(0);
                parts.push(&version);
                parts.extend(ints.iter().map(Vec::as_slice));
                pem::encode("DSA PRIVATE KEY", &der::seq(&parts))
            }
        }
    }

    /// The signature algorithm Go picks for this key's certificates (SHA-256 based).
    pub fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            PrivateKey::Rsa(_) => der::seq(&[&der::oid(OID_SHA256_RSA), &der::null()]),
            PrivateKey::Ecdsa { .. } => der::seq(&[&der::oid(OID_ECDSA_SHA256)]),
            PrivateKey::Ed25519(_) | PrivateKey::Dsa(_) => der::seq(&[&der::oid(OID_ED25519)]),
        }
    }

    /// The signature of `message` (DER `(r, s)` for ECDSA). DSA keys cannot sign in Go.
    pub fn sign(&self, env: &mut FuncEnv, message: &[u8]) -> Result<Vec<u8>, String> {
        match self {
            PrivateKey::Rsa(k) => rsa_sign(k, &Sha256::digest(message)),
            PrivateKey::Ecdsa { d, .. } => {
                let (r, s) = ec::p256_sign(env, d, &Sha256::digest(message))?;
                Ok(der::seq(&[&der::uint(&r), &der::uint(&s)]))
            }
            PrivateKey::Ed25519(seed) => Ok(ec::ed25519_sign(seed, message).to_vec()),
            PrivateKey::Dsa(_) => {
                Err("x509: certificate private key does not implement crypto.Signer".into())
            }
        }
    }
}

/// The DigestInfo prefix of a SHA-256 hash in a PKCS #1 v1.5 signature.
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The PKCS #1 v1.5 encoded message for a SHA-256 hash and a modulus of `k` bytes.
fn pkcs1v15_em(hash: &[u8], k: usize) -> Result<Vec<u8>, String> {
    let t_len = SHA256_PREFIX.len() + hash.len();
    if k < t_len + 11 {
        return Err("crypto/rsa: message too long for RSA key size".into());
    }
    let mut em = vec![0u8, 1];
    em.resize(k - t_len - 1, 0xff);
    em.push(0);
    em.extend_from_slice(&SHA256_PREFIX);
    em.extend_from_slice(hash);
    Ok(em)
}

/// RSASSA-PKCS1-v1_5 with SHA-256, by the Chinese remainder theorem (deterministic, as Go's).
pub fn rsa_sign(k: &RsaKey, hash: &[u8]) -> Result<Vec<u8>, String> {
    let size = k.n.bits().div_ceil(8);
    let m = Big::from_be(&pkcs1v15_em(hash, size)?);
    let bad = || "crypto/rsa: invalid key".to_string();
    let mp = Mont::new(&k.p).ok_or_else(bad)?;
    let mq = Mont::new(&k.q).ok_or_else(bad)?;
    // The two halves are independent exponentiations: on two threads when the pool has an idle
    // one (a render executes templates on one thread, and a certificate's signature is most of
    // `genCA`/`genSignedCert`).
    let (m1, m2) = rayon::join(|| mp.pow(&m, &k.dp), || mq.pow(&m, &k.dq));
    // h = qinv·(m1 − m2) mod p; s = m2 + h·q.
    let diff = mp.sub(&m1, &mp.plain(&mp.to_mont(&m2)));
    let h = mp.plain(&mp.mul(&mp.to_mont(&diff), &mp.to_mont(&k.qinv)));
    let s = m2.add(&h.mul(&k.q));
    Ok(s.to_be(size))
}

/// Checks an RSASSA-PKCS1-v1_5 SHA-256 signature (tests).
#[cfg(test)]
pub fn rsa_verify(n: &Big, e: &Big, hash: &[u8], sig: &[u8]) -> bool {
    let size = n.bits().div_ceil(8);
    let Some(mont) = Mont::new(n) else {
        return false;
    };
    let s = Big::from_be(sig);
    if s.cmp(n) != std::cmp::Ordering::Less || sig.len() != size {
        return false;
    }
    let m = mont.pow(&s, e).to_be(size);
    pkcs1v15_em(hash, size).is_ok_and(|em| em == m)
}

/// Sprig's `parsePrivateKeyPEM`, with its error messages. Charts sign many certificates with
/// one CA and kforge picks among few embedded keys, so the last keys parsed are kept (per
/// thread, by their PEM text): decoding and checking a key cost a tenth of `genSignedCert`
/// besides its signature.
pub fn parse_private_key_pem(text: &str) -> Result<PrivateKey, String> {
    const KEPT: usize = 4;
    thread_local! {
        static LAST: std::cell::RefCell<Vec<(String, PrivateKey)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(key) = LAST.with_borrow(|last| {
        last.iter()
            .find(|(pem, _)| pem == text)
            .map(|(_, k)| k.clone())
    }) {
        return Ok(key);
    }
    let key = parse_uncached(text)?;
    LAST.with_borrow_mut(|last| {
        if last.len() == KEPT {
            last.remove(0);
        }
        last.push((text.to_string(), key.clone()));
    });
    Ok(key)
}

fn parse_uncached(text: &str) -> Result<PrivateKey, String> {
    let (kind, bytes) = pem::decode(text).ok_or("no PEM data in input")?;
    if kind == "PRIVATE KEY" {
        return parse_pkcs8(&bytes).map_err(|e| format!("decoding PEM as PKCS#8: {e}"));
    }
    let Some(algo) = kind.strip_suffix(" PRIVATE KEY") else {
        return Err(format!("no private key data in PEM block of type {kind}"));
    };
    match algo {
        "RSA" => parse_pkcs1(&bytes).map_err(|e| format!("parsing RSA private key from PEM: {e}")),
        "EC" => {
            parse_sec1(&bytes, None).map_err(|e| format!("parsing EC private key from PEM: {e}"))
        }
        "DSA" => parse_dsa(&bytes).map_err(|e| format!("parsing DSA private key from PEM: {e}")),
        _ => Err(format!("invalid private key type {kind}")),
    }
}

fn parse_pkcs1(bytes: &[u8]) -> Result<PrivateKey, String> {
    let mut r = Reader::new(bytes).seq()?;
    let version = r.uint()?;
    if !version.is_empty() {
        return Err("x509: unsupported private key version".into());
    }
    let mut next = || r.uint().map(Big::from_be);
    let k = RsaKey {
        n: next()?,
        e: next()?,
        d: next()?,
        p: next()?,
        q: next()?,
        dp: next()?,
        dq: next()?,
        qinv: next()?,
    };
    if k.n.bits() < 1024 {
        return Err(format!(
            "crypto/rsa: {}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)",
            k.n.bits()
        ));
    }
    // A key whose primes do not make its modulus would sign garbage.
    if k.p.mul(&k.q) != k.n || !k.p.is_odd() || !k.q.is_odd() {
        return Err("crypto/rsa: invalid CRT coefficients".into());
    }
    Ok(PrivateKey::Rsa(k))
}

/// SEC 1 `ECPrivateKey`; `curve` is the PKCS #8 algorithm parameter when there is one.
fn parse_sec1(bytes: &[u8], curve: Option<&[u8]>) -> Result<PrivateKey, String> {
    let mut r = Reader::new(bytes).seq()?;
    let version = r.uint()?;
    if version != [1] {
        return Err(format!(
            "x509: unknown EC private key version {}",
            version.first().copied().unwrap_or(0)
        ));
    }
    let d_bytes = r.expect(der::OCTET_STRING)?.content;
    let mut named = curve.map(<[u8]>::to_vec);
    while let Some(tag) = r.peek_tag() {
        let e = r.next()?;
        if tag == 0xa0 {
            named = Some(Reader::new(e.content).expect(der::OID)?.content.to_vec());
        }
    }
    if named.as_deref() != Some(oid_content(OID_P256).as_slice()) {
        return Err("x509: unknown elliptic curve (kforge supports P-256 only)".into());
    }
    let d = Big::from_be(d_bytes);
    if d.bits() > 256 || d.is_zero() {
        return Err("x509: invalid elliptic curve private key value".into());
    }
    let mut scalar = [0u8; 32];
    scalar.copy_from_slice(&d.to_be(32));
    let point = ec::p256_public(&scalar)?;
    Ok(PrivateKey::Ecdsa { d: scalar, point })
}

fn parse_dsa(bytes: &[u8]) -> Result<PrivateKey, String> {
    let mut r = Reader::new(bytes).seq()?;
    r.uint()?;
    let mut next = || r.uint().map(Big::from_be);
    Ok(PrivateKey::Dsa(DsaKey {
        p: next()?,
        q: next()?,
        g: next()?,
        y: next()?,
        x: next()?,
    }))
}

fn parse_pkcs8(bytes: &[u8]) -> Result<PrivateKey, String> {
    let mut r = Reader::new(bytes).seq()?;
    r.uint()?;
    let mut alg = r.seq()?;
    let oid = alg.expect(der::OID)?.content;
    let key = r.expect(der::OCTET_STRING)?.content;
    if oid == oid_content(OID_RSA) {
        parse_pkcs1(key)
            .map_err(|e| format!("x509: failed to parse RSA private key embedded in PKCS#8: {e}"))
    } else if oid == oid_content(OID_EC) {
        let curve = alg.expect(der::OID)?.content;
        parse_sec1(key, Some(curve))
            .map_err(|e| format!("x509: failed to parse EC private key embedded in PKCS#8: {e}"))
    } else if oid == oid_content(OID_ED25519) {
        let seed = Reader::new(key).expect(der::OCTET_STRING)?.content;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| "x509: invalid Ed25519 private key length".to_string())?;
        Ok(PrivateKey::Ed25519(seed))
    } else {
        Err("x509: PKCS#8 wrapping contained private key with unknown algorithm".into())
    }
}

/// Pre-generated keys (`scripts/gen-gotpl-keys`): generating RSA keys per call would dominate a
/// render. PUBLIC keys, in kforge's source: fine for linting, never for a deployment.
const RSA2048: [&str; 16] = [
    include_str!("keys/rsa2048-00.pem"),
    include_str!("keys/rsa2048-01.pem"),
    include_str!("keys/rsa2048-02.pem"),
    include_str!("keys/rsa2048-03.pem"),
    include_str!("keys/rsa2048-04.pem"),
    include_str!("keys/rsa2048-05.pem"),
    include_str!("keys/rsa2048-06.pem"),
    include_str!("keys/rsa2048-07.pem"),
    include_str!("keys/rsa2048-08.pem"),
    include_str!("keys/rsa2048-09.pem"),
    include_str!("keys/rsa2048-10.pem"),
    include_str!("keys/rsa2048-11.pem"),
    include_str!("keys/rsa2048-12.pem"),
    include_str!("keys/rsa2048-13.pem"),
    include_str!("keys/rsa2048-14.pem"),
    include_str!("keys/rsa2048-15.pem"),
];
const RSA4096: [&str; 4] = [
    include_str!("keys/rsa4096-0.pem"),
    include_str!("keys/rsa4096-1.pem"),
    include_str!("keys/rsa4096-2.pem"),
    include_str!("keys/rsa4096-3.pem"),
];
const DSA: [&str; 2] = [
    include_str!("keys/dsa-0.pem"),
    include_str!("keys/dsa-1.pem"),
];

fn pick(env: &mut FuncEnv, keys: &[&str]) -> Result<PrivateKey, String> {
    let i = env.rng.below(keys.len() as u64) as usize;
    let pem = keys.get(i).ok_or("kforge: no embedded key")?;
    parse_private_key_pem(pem)
}

/// An RSA-2048 key, as Sprig's `rsa.GenerateKey(rand.Reader, 2048)` for certificates.
pub fn rsa2048(env: &mut FuncEnv) -> Result<PrivateKey, String> {
    pick(env, &RSA2048)
}

/// `genPrivateKey`'s key of type `typ` ("" and "rsa": RSA-4096).
pub fn generate(env: &mut FuncEnv, typ: &str) -> Result<Option<PrivateKey>, String> {
    Ok(Some(match typ {
        "" | "rsa" => pick(env, &RSA4096)?,
        "dsa" => pick(env, &DSA)?,
        "ecdsa" => {
            let d = ec::p256_random_scalar(env);
            let point = ec::p256_public(&d)?;
            PrivateKey::Ecdsa { d, point }
        }
        "ed25519" => {
            let mut seed = [0u8; 32];
            seed.copy_from_slice(&crate::random::random_bytes(env, 32));
            PrivateKey::Ed25519(seed)
        }
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_keys_parse_and_re_marshal_identically() {
        for pem in RSA2048.iter().chain(&RSA4096).chain(&DSA) {
            let key = parse_private_key_pem(pem).unwrap();
            assert_eq!(&key.to_pem(), pem);
        }
    }

    #[test]
    fn kept_keys_are_the_parsed_keys() {
        for pem in RSA2048.iter().chain(&RSA4096).chain(&DSA).chain(&RSA2048) {
            assert_eq!(parse_private_key_pem(pem), parse_uncached(pem));
        }
        let bad = pem::encode("RSA PRIVATE KEY", &[0x30, 0]);
        assert!(parse_private_key_pem(&bad).is_err());
        assert!(parse_private_key_pem(&bad).is_err());
    }

    #[test]
    fn rsa_signatures_verify() {
        let PrivateKey::Rsa(k) = parse_private_key_pem(RSA2048[3]).unwrap() else {
            panic!()
        };
        let hash = Sha256::digest(b"hello");
        let sig = rsa_sign(&k, &hash).unwrap();
        assert_eq!(sig.len(), 256);
        assert!(rsa_verify(&k.n, &k.e, &hash, &sig));
        // Plain m^d mod n gives the same signature as the CRT path.
        let em = Big::from_be(&pkcs1v15_em(&hash, 256).unwrap());
        let plain = Mont::new(&k.n).unwrap().pow(&em, &k.d).to_be(256);
        assert_eq!(plain, sig);
        let other = Sha256::digest(b"hellO");
        assert!(!rsa_verify(&k.n, &k.e, &other, &sig));
    }

    #[test]
    fn parse_errors_are_sprigs() {
        assert_eq!(
            parse_private_key_pem("x").unwrap_err(),
            "no PEM data in input"
        );
        let cert = pem::encode("CERTIFICATE", &[0x30, 0]);
        assert_eq!(
            parse_private_key_pem(&cert).unwrap_err(),
            "no private key data in PEM block of type CERTIFICATE"
        );
        let other = pem::encode("FOO PRIVATE KEY", &[0x30, 0]);
        assert_eq!(
            parse_private_key_pem(&other).unwrap_err(),
            "invalid private key type FOO PRIVATE KEY"
        );
        let bad = pem::encode("RSA PRIVATE KEY", &[0x30, 0]);
        assert!(
            parse_private_key_pem(&bad)
                .unwrap_err()
                .starts_with("parsing RSA private key from PEM: ")
        );
    }
}
