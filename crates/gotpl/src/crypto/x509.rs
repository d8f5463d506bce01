//! X.509 certificates as Go's `x509.CreateCertificate` writes them for Sprig's templates, and
//! the parts of `x509.ParseCertificate` signing needs (subject, key identifier, public key).

use sha2::{Digest, Sha256};

use super::der::{self, Reader};
use super::keys::{PrivateKey, PublicKey, oid_content};
use crate::date::{Time, civil_from_days};
use crate::func::FuncEnv;

const OID_CN: &[u64] = &[2, 5, 4, 3];
const OID_KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const OID_EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
const OID_BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const OID_SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
const OID_AUTHORITY_KEY_ID: &[u64] = &[2, 5, 29, 35];
const OID_SAN: &[u64] = &[2, 5, 29, 17];
const OID_SERVER_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 1];
const OID_CLIENT_AUTH: &[u64] = &[1, 3, 6, 1, 5, 5, 7, 3, 2];

pub const KU_DIGITAL_SIGNATURE: u16 = 1;
pub const KU_KEY_ENCIPHERMENT: u16 = 4;
pub const KU_CERT_SIGN: u16 = 32;

/// What Sprig's `getBaseCertTemplate` (and `genCA`'s overrides) put in a certificate.
pub struct Template {
    pub serial: Vec<u8>,
    pub common_name: String,
    /// 4 bytes (IPv4) or 16 (IPv6).
    pub ips: Vec<Vec<u8>>,
    pub dns_names: Vec<String>,
    pub not_before: Time,
    pub not_after: Time,
    pub key_usage: u16,
    pub is_ca: bool,
}

/// The issuer, for a certificate signed by another: its raw subject, key identifier and key.
pub struct Parent {
    pub subject: Vec<u8>,
    pub subject_key_id: Option<Vec<u8>>,
    pub public_key: PublicKey,
}

/// Go's `pkix.Name{CommonName: cn}.ToRDNSequence()` marshalled: a PrintableString when every
/// character allows it (not `*` or `&`), else UTF8String; no attribute for an empty name.
pub fn subject_der(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return der::seq(&[]);
    }
    let printable = cn.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || (b'\''..=b')').contains(&b)
            || (b'+'..=b'/').contains(&b)
            || matches!(b, b' ' | b':' | b'=' | b'?')
    });
    let tag = if printable {
        der::PRINTABLE_STRING
    } else {
        der::UTF8_STRING
    };
    let atv = der::seq(&[&der::oid(OID_CN), &der::tlv(tag, cn.as_bytes())]);
    der::seq(&[&der::cons(der::SET, &[&atv])])
}

/// ASN.1 time as Go marshals a certificate's validity: UTCTime for 1950–2049, else
/// GeneralizedTime; seconds precision.
fn asn1_time(t: &Time) -> Result<Vec<u8>, String> {
    let secs = t.unix;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    if (1950..2050).contains(&y) {
        let s = format!("{:02}{m:02}{d:02}{hh:02}{mm:02}{ss:02}Z", y % 100);
        Ok(der::tlv(der::UTC_TIME, s.as_bytes()))
    } else if (0..=9999).contains(&y) {
        let s = format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}Z");
        Ok(der::tlv(der::GENERALIZED_TIME, s.as_bytes()))
    } else {
        Err("asn1: structure error: cannot represent time as GeneralizedTime".into())
    }
}

fn extension(oid: &[u64], critical: bool, value: &[u8]) -> Vec<u8> {
    let oid = der::oid(oid);
    let value = der::octet_string(value);
    if critical {
        der::seq(&[&oid, &der::boolean(true), &value])
    } else {
        der::seq(&[&oid, &value])
    }
}

/// Go's `marshalKeyUsage`: the bits reversed into a minimal BIT STRING.
fn key_usage_value(ku: u16) -> Vec<u8> {
    let a = [(ku as u8).reverse_bits(), ((ku >> 8) as u8).reverse_bits()];
    let bytes = if a[1] != 0 { &a[..] } else { &a[..1] };
    let last = bytes.last().copied().unwrap_or(0);
    let unused = if last == 0 {
        0
    } else {
        last.trailing_zeros() as u8
    };
    der::bit_string(bytes, unused)
}

/// `x509.CreateCertificate(rand, template, parent, pub, signer)`: a DER certificate. `parent`
/// `None` is a self-signed certificate (the template is its own parent).
pub fn create(
    env: &mut FuncEnv,
    tpl: &Template,
    public: &PublicKey,
    parent: Option<&Parent>,
    signer: &PrivateKey,
) -> Result<Vec<u8>, String> {
    if matches!(signer, PrivateKey::Dsa(_)) {
        return Err("x509: certificate private key does not implement crypto.Signer".into());
    }
    let (spki, public_bytes) = public.spki()?;
    let subject = subject_der(&tpl.common_name);
    let issuer = parent.map_or_else(|| subject.clone(), |p| p.subject.clone());
    let authority_key_id = match parent {
        Some(p) if issuer != subject => p.subject_key_id.clone(),
        _ => None,
    };
    // Go ≥ 1.25: the first 160 bits of SHA-256 of the subject public key.
    let subject_key_id = tpl.is_ca.then(|| {
        Sha256::digest(&public_bytes)
            .get(..20)
            .unwrap_or(&[])
            .to_vec()
    });
    if let Some(p) = parent
        && p.public_key != signer.public()
    {
        return Err("x509: provided PrivateKey doesn't match parent's PublicKey".into());
    }

    let mut exts: Vec<Vec<u8>> = Vec::new();
    if tpl.key_usage != 0 {
        exts.push(extension(
            OID_KEY_USAGE,
            true,
            &key_usage_value(tpl.key_usage),
        ));
    }
    let eku = der::seq(&[&der::oid(OID_SERVER_AUTH), &der::oid(OID_CLIENT_AUTH)]);
    exts.push(extension(OID_EXT_KEY_USAGE, false, &eku));
    let bc = if tpl.is_ca {
        der::seq(&[&der::boolean(true)])
    } else {
        der::seq(&[])
    };
    exts.push(extension(OID_BASIC_CONSTRAINTS, true, &bc));
    if let Some(id) = &subject_key_id {
        exts.push(extension(OID_SUBJECT_KEY_ID, false, &der::octet_string(id)));
    }
    if let Some(id) = &authority_key_id {
        exts.push(extension(
            OID_AUTHORITY_KEY_ID,
            false,
            &der::seq(&[&der::tlv(0x80, id)]),
        ));
    }
    if !tpl.dns_names.is_empty() || !tpl.ips.is_empty() {
        let mut names: Vec<Vec<u8>> = Vec::new();
        for name in &tpl.dns_names {
            if !name.is_ascii() {
                return Err(format!(
                    "x509: {} cannot be encoded as an IA5String",
                    go_quote(name)
                ));
            }
            names.push(der::tlv(0x82, name.as_bytes()));
        }
        for ip in &tpl.ips {
            names.push(der::tlv(0x87, ip));
        }
        let refs: Vec<&[u8]> = names.iter().map(Vec::as_slice).collect();
        exts.push(extension(
            OID_SAN,
            tpl.common_name.is_empty(),
            &der::seq(&refs),
        ));
    }
    let ext_refs: Vec<&[u8]> = exts.iter().map(Vec::as_slice).collect();

    let alg = signer.signature_algorithm();
    let validity = der::seq(&[&asn1_time(&tpl.not_before)?, &asn1_time(&tpl.not_after)?]);
    let tbs = der::seq(&[
        &der::cons(0xa0, &[&der::small_uint(2)]),
        &der::uint(&tpl.serial),
        &alg,
        &issuer,
        &validity,
        &subject,
        &spki,
        &der::cons(0xa3, &[&der::seq(&ext_refs)]),
    ]);
    let signature = signer.sign(env, &tbs)?;
    Ok(der::seq(&[&tbs, &alg, &der::bit_string(&signature, 0)]))
}

fn go_quote(s: &str) -> String {
    format!("{s:?}")
}

/// A parsed certificate: what signing with it needs, and what tests check.
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub struct Parsed {
    pub tbs: Vec<u8>,
    pub signature_algorithm: Vec<u8>,
    pub signature: Vec<u8>,
    pub serial: Vec<u8>,
    pub issuer: Vec<u8>,
    pub subject: Vec<u8>,
    pub not_before: Vec<u8>,
    pub not_after: Vec<u8>,
    pub public_key: PublicKey,
    /// (OID content, critical, value) in order.
    pub extensions: Vec<(Vec<u8>, bool, Vec<u8>)>,
}

impl Parsed {
    pub fn extension(&self, oid: &[u64]) -> Option<&(Vec<u8>, bool, Vec<u8>)> {
        let want = oid_content(oid);
        self.extensions.iter().find(|(o, ..)| *o == want)
    }

    pub fn subject_key_id(&self) -> Option<Vec<u8>> {
        let (_, _, value) = self.extension(OID_SUBJECT_KEY_ID)?;
        Some(
            Reader::new(value)
                .expect(der::OCTET_STRING)
                .ok()?
                .content
                .to_vec(),
        )
    }

    pub fn as_parent(&self) -> Parent {
        Parent {
            subject: self.subject.clone(),
            subject_key_id: self.subject_key_id(),
            public_key: self.public_key.clone(),
        }
    }
}

/// Reads a DER certificate (a subset of Go's checks: structure, version, known key type).
pub fn parse(cert: &[u8]) -> Result<Parsed, String> {
    let malformed = |_| "x509: malformed certificate".to_string();
    let mut outer = Reader::new(cert);
    let mut c = outer.seq().map_err(malformed)?;
    if !outer.is_empty() {
        return Err("x509: trailing data".into());
    }
    let tbs_elem = c.expect(der::SEQUENCE).map_err(malformed)?;
    let sig_alg = c.expect(der::SEQUENCE).map_err(malformed)?;
    let sig = c.expect(der::BIT_STRING).map_err(malformed)?;
    let mut t = Reader::new(tbs_elem.content);
    if t.peek_tag() == Some(0xa0) {
        let v = t.next().map_err(malformed)?;
        let version = Reader::new(v.content).uint().map_err(malformed)?;
        if version.len() > 1 || version.first().is_some_and(|&v| v > 2) {
            return Err("x509: invalid version".into());
        }
    }
    let serial = t
        .uint()
        .map_err(|_| "x509: malformed serial number".to_string())?;
    t.expect(der::SEQUENCE).map_err(malformed)?;
    let issuer = t.expect(der::SEQUENCE).map_err(malformed)?.raw.to_vec();
    let mut validity = t.seq().map_err(malformed)?;
    let not_before = validity.next().map_err(malformed)?.content.to_vec();
    let not_after = validity.next().map_err(malformed)?.content.to_vec();
    let subject = t.expect(der::SEQUENCE).map_err(malformed)?.raw.to_vec();
    let spki = t.expect(der::SEQUENCE).map_err(malformed)?.raw;
    let public_key = PublicKey::from_spki(spki)?;
    let mut extensions = Vec::new();
    while let Some(tag) = t.peek_tag() {
        let e = t.next().map_err(malformed)?;
        if tag != 0xa3 {
            continue;
        }
        let mut list = Reader::new(e.content).seq().map_err(malformed)?;
        while !list.is_empty() {
            let mut ext = list.seq().map_err(malformed)?;
            let oid = ext.expect(der::OID).map_err(malformed)?.content.to_vec();
            let mut critical = false;
            if ext.peek_tag() == Some(der::BOOLEAN) {
                critical = ext.next().map_err(malformed)?.content == [0xff];
            }
            let value = ext
                .expect(der::OCTET_STRING)
                .map_err(malformed)?
                .content
                .to_vec();
            extensions.push((oid, critical, value));
        }
    }
    Ok(Parsed {
        tbs: tbs_elem.raw.to_vec(),
        signature_algorithm: sig_alg.raw.to_vec(),
        signature: sig.content.get(1..).unwrap_or(&[]).to_vec(),
        serial: serial.to_vec(),
        issuer,
        subject,
        not_before,
        not_after,
        public_key,
        extensions,
    })
}

/// Whether `cert` carries a valid signature by `issuer_key` (tests; RSA, ECDSA P-256, Ed25519).
#[cfg(test)]
pub fn signed_by(cert: &Parsed, issuer_key: &PublicKey) -> bool {
    use super::bigint::Big;
    match issuer_key {
        PublicKey::Rsa { n, e } => {
            super::keys::rsa_verify(n, e, &Sha256::digest(&cert.tbs), &cert.signature)
        }
        PublicKey::Ecdsa(point) => {
            let Ok(mut r) = Reader::new(&cert.signature).seq() else {
                return false;
            };
            let (Ok(rr), Ok(ss)) = (r.uint(), r.uint()) else {
                return false;
            };
            super::ec::p256_verify(
                point,
                &Sha256::digest(&cert.tbs),
                &Big::from_be(rr),
                &Big::from_be(ss),
            )
        }
        PublicKey::Ed25519(_) | PublicKey::Dsa => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_usages() {
        assert_eq!(subject_der(""), [0x30, 0]);
        let s = subject_der("my-ca");
        assert_eq!(s[s.len() - 7], der::PRINTABLE_STRING);
        let s = subject_der("*.example.com");
        assert_eq!(s[s.len() - 15], der::UTF8_STRING);
        assert_eq!(
            key_usage_value(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT),
            [3, 2, 5, 0xa0]
        );
        assert_eq!(
            key_usage_value(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT | KU_CERT_SIGN),
            [3, 2, 2, 0xa4]
        );
    }

    #[test]
    fn validity_times() {
        let t = Time::from_unix_nanos(1_767_225_600 * 1_000_000_000);
        assert_eq!(
            asn1_time(&t).unwrap(),
            der::tlv(der::UTC_TIME, b"260101000000Z")
        );
        let t = Time::from_unix_nanos(2_600_000_000 * 1_000_000_000);
        assert_eq!(
            asn1_time(&t).unwrap(),
            der::tlv(der::GENERALIZED_TIME, b"20520522141320Z")
        );
    }
}
