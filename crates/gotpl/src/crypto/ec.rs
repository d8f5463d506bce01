//! The two elliptic curves Sprig's keys use: P-256 (ECDSA with SHA-256) and Ed25519, on
//! [`super::bigint`]. Enough to make keys, sign certificates and check signatures in tests; not
//! constant-time (see the module doc of [`super`]).

use sha2::{Digest, Sha512};

use super::bigint::{Big, Mont};
use crate::func::FuncEnv;

fn hex(s: &str) -> Big {
    let bytes: Vec<u8> = (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2).unwrap_or("00"), 16).unwrap_or(0))
        .collect();
    Big::from_be(&bytes)
}

/// A point in Jacobian (P-256) or extended (Ed25519) coordinates, Montgomery-form field elements.
#[derive(Clone, Debug)]
struct Point {
    x: Big,
    y: Big,
    z: Big,
    t: Big,
}

// ---- P-256 ----

struct P256 {
    f: Mont,
    n: Big,
    gx: Big,
    gy: Big,
}

fn p256() -> Option<P256> {
    let f = Mont::new(&hex(
        "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
    ))?;
    Some(P256 {
        n: hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
        gx: f.to_mont(&hex(
            "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        )),
        gy: f.to_mont(&hex(
            "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
        )),
        f,
    })
}

impl P256 {
    fn infinity(&self) -> Point {
        Point {
            x: self.f.to_mont(&Big::from_u64(1)),
            y: self.f.to_mont(&Big::from_u64(1)),
            z: Big::zero(),
            t: Big::zero(),
        }
    }

    fn double(&self, p: &Point) -> Point {
        let f = &self.f;
        if p.z.is_zero() {
            return p.clone();
        }
        let delta = f.mul(&p.z, &p.z);
        let gamma = f.mul(&p.y, &p.y);
        let beta = f.mul(&p.x, &gamma);
        let t = f.mul(&f.sub(&p.x, &delta), &f.add(&p.x, &delta));
        let alpha = f.add(&f.add(&t, &t), &t);
        let beta2 = f.add(&beta, &beta);
        let beta4 = f.add(&beta2, &beta2);
        let beta8 = f.add(&beta4, &beta4);
        let x3 = f.sub(&f.mul(&alpha, &alpha), &beta8);
        let yz = f.add(&p.y, &p.z);
        let z3 = f.sub(&f.sub(&f.mul(&yz, &yz), &gamma), &delta);
        let gg = f.mul(&gamma, &gamma);
        let gg2 = f.add(&gg, &gg);
        let gg4 = f.add(&gg2, &gg2);
        let gg8 = f.add(&gg4, &gg4);
        let y3 = f.sub(&f.mul(&alpha, &f.sub(&beta4, &x3)), &gg8);
        Point {
            x: x3,
            y: y3,
            z: z3,
            t: Big::zero(),
        }
    }

    fn add(&self, p: &Point, q: &Point) -> Point {
        let f = &self.f;
        if p.z.is_zero() {
            return q.clone();
        }
        if q.z.is_zero() {
            return p.clone();
        }
        let z1z1 = f.mul(&p.z, &p.z);
        let z2z2 = f.mul(&q.z, &q.z);
        let u1 = f.mul(&p.x, &z2z2);
        let u2 = f.mul(&q.x, &z1z1);
        let s1 = f.mul(&p.y, &f.mul(&q.z, &z2z2));
        let s2 = f.mul(&q.y, &f.mul(&p.z, &z1z1));
        if u1 == u2 {
            return if s1 == s2 {
                self.double(p)
            } else {
                self.infinity()
            };
        }
        let h = f.sub(&u2, &u1);
        let r = f.sub(&s2, &s1);
        let hh = f.mul(&h, &h);
        let hhh = f.mul(&hh, &h);
        let u1hh = f.mul(&u1, &hh);
        let x3 = f.sub(&f.sub(&f.mul(&r, &r), &hhh), &f.add(&u1hh, &u1hh));
        let y3 = f.sub(&f.mul(&r, &f.sub(&u1hh, &x3)), &f.mul(&s1, &hhh));
        let z3 = f.mul(&h, &f.mul(&p.z, &q.z));
        Point {
            x: x3,
            y: y3,
            z: z3,
            t: Big::zero(),
        }
    }

    fn mul_base(&self, k: &Big) -> Point {
        let g = Point {
            x: self.gx.clone(),
            y: self.gy.clone(),
            z: self.f.to_mont(&Big::from_u64(1)),
            t: Big::zero(),
        };
        let mut acc = self.infinity();
        for i in (0..k.bits()).rev() {
            acc = self.double(&acc);
            if k.bit(i) {
                acc = self.add(&acc, &g);
            }
        }
        acc
    }

    /// Affine coordinates, plain form; `None` at infinity.
    fn affine(&self, p: &Point) -> Option<(Big, Big)> {
        if p.z.is_zero() {
            return None;
        }
        let f = &self.f;
        let z = f.plain(&p.z);
        let zinv = f.to_mont(&f.inv_prime(&z));
        let zinv2 = f.mul(&zinv, &zinv);
        let x = f.plain(&f.mul(&p.x, &zinv2));
        let y = f.plain(&f.mul(&p.y, &f.mul(&zinv2, &zinv)));
        Some((x, y))
    }
}

fn curve_err() -> String {
    "crypto/ecdsa: internal error".into()
}

/// The uncompressed public point `04‖X‖Y` of a P-256 private scalar.
pub fn p256_public(d: &[u8; 32]) -> Result<Vec<u8>, String> {
    let c = p256().ok_or_else(curve_err)?;
    let k = Big::from_be(d);
    if k.is_zero() || k.cmp(&c.n) != std::cmp::Ordering::Less {
        return Err("crypto/ecdsa: invalid private key".into());
    }
    let (x, y) = c.affine(&c.mul_base(&k)).ok_or_else(curve_err)?;
    let mut out = vec![4u8];
    out.extend(x.to_be(32));
    out.extend(y.to_be(32));
    Ok(out)
}

/// A scalar in `[1, n-1]` from the run's generator (Go's `ecdsa.GenerateKey`).
pub fn p256_random_scalar(env: &mut FuncEnv) -> [u8; 32] {
    let n = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    loop {
        let bytes = crate::random::random_bytes(env, 32);
        let k = Big::from_be(&bytes);
        if !k.is_zero() && k.cmp(&n) == std::cmp::Ordering::Less {
            let mut out = [0u8; 32];
            out.copy_from_slice(&k.to_be(32));
            return out;
        }
    }
}

/// ECDSA P-256 signature `(r, s)` of a SHA-256 hash, the nonce from the run's generator.
pub fn p256_sign(
    env: &mut FuncEnv,
    d: &[u8; 32],
    hash: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let c = p256().ok_or_else(curve_err)?;
    let fnm = Mont::new(&c.n).ok_or_else(curve_err)?;
    let e = Big::from_be(hash).rem(&c.n);
    let d = Big::from_be(d);
    for _ in 0..64 {
        let k = Big::from_be(&p256_random_scalar(env));
        let Some((x, _)) = c.affine(&c.mul_base(&k)) else {
            continue;
        };
        let r = x.rem(&c.n);
        if r.is_zero() {
            continue;
        }
        let kinv = fnm.to_mont(&fnm.inv_prime(&k));
        let rd = fnm.mul(&fnm.to_mont(&r), &fnm.to_mont(&d));
        let sum = fnm.add(&rd, &fnm.to_mont(&e));
        let s = fnm.plain(&fnm.mul(&kinv, &sum));
        if s.is_zero() {
            continue;
        }
        return Ok((r.to_be(0), s.to_be(0)));
    }
    Err(curve_err())
}

/// Checks an ECDSA P-256 signature (tests).
#[cfg(test)]
pub fn p256_verify(point: &[u8], hash: &[u8], r: &Big, s: &Big) -> bool {
    let Some(c) = p256() else { return false };
    let Some(fnm) = Mont::new(&c.n) else {
        return false;
    };
    if point.len() != 65 {
        return false;
    }
    let qx = Big::from_be(point.get(1..33).unwrap_or(&[]));
    let qy = Big::from_be(point.get(33..).unwrap_or(&[]));
    let q = Point {
        x: c.f.to_mont(&qx),
        y: c.f.to_mont(&qy),
        z: c.f.to_mont(&Big::from_u64(1)),
        t: Big::zero(),
    };
    let e = Big::from_be(hash).rem(&c.n);
    let w = fnm.to_mont(&fnm.inv_prime(s));
    let u1 = fnm.plain(&fnm.mul(&fnm.to_mont(&e), &w));
    let u2 = fnm.plain(&fnm.mul(&fnm.to_mont(r), &w));
    let mut acc = c.infinity();
    for i in (0..256).rev() {
        acc = c.double(&acc);
        if u2.bit(i) {
            acc = c.add(&acc, &q);
        }
    }
    let sum = c.add(&acc, &c.mul_base(&u1));
    c.affine(&sum).is_some_and(|(x, _)| x.rem(&c.n) == *r)
}

// ---- Ed25519 ----

struct Ed {
    f: Mont,
    d2: Big,
    bx: Big,
    by: Big,
    l: Big,
}

fn ed() -> Option<Ed> {
    let f = Mont::new(&hex(
        "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed",
    ))?;
    Some(Ed {
        d2: f.to_mont(&hex(
            "2406d9dc56dffce7198e80f2eef3d13000e0149a8283b156ebd69b9426b2f159",
        )),
        bx: f.to_mont(&hex(
            "216936d3cd6e53fec0a4e231fdd6dc5c692cc7609525a7b2c9562d608f25d51a",
        )),
        by: f.to_mont(&hex(
            "6666666666666666666666666666666666666666666666666666666666666658",
        )),
        l: hex("1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed"),
        f,
    })
}

impl Ed {
    fn identity(&self) -> Point {
        let one = self.f.to_mont(&Big::from_u64(1));
        Point {
            x: Big::zero(),
            y: one.clone(),
            z: one,
            t: Big::zero(),
        }
    }

    fn base(&self) -> Point {
        Point {
            x: self.bx.clone(),
            y: self.by.clone(),
            z: self.f.to_mont(&Big::from_u64(1)),
            t: self.f.mul(&self.bx, &self.by),
        }
    }

    /// The unified addition of RFC 8032 (a = −1), also used for doubling.
    fn add(&self, p: &Point, q: &Point) -> Point {
        let f = &self.f;
        let a = f.mul(&f.sub(&p.y, &p.x), &f.sub(&q.y, &q.x));
        let b = f.mul(&f.add(&p.y, &p.x), &f.add(&q.y, &q.x));
        let c = f.mul(&f.mul(&p.t, &self.d2), &q.t);
        let zz = f.mul(&p.z, &q.z);
        let d = f.add(&zz, &zz);
        let (e, ff, g, h) = (f.sub(&b, &a), f.sub(&d, &c), f.add(&d, &c), f.add(&b, &a));
        Point {
            x: f.mul(&e, &ff),
            y: f.mul(&g, &h),
            t: f.mul(&e, &h),
            z: f.mul(&ff, &g),
        }
    }

    fn mul(&self, k: &Big, p: &Point) -> Point {
        let mut acc = self.identity();
        for i in (0..k.bits()).rev() {
            acc = self.add(&acc, &acc);
            if k.bit(i) {
                acc = self.add(&acc, p);
            }
        }
        acc
    }

    fn encode(&self, p: &Point) -> [u8; 32] {
        let f = &self.f;
        let zinv = f.to_mont(&f.inv_prime(&f.plain(&p.z)));
        let x = f.plain(&f.mul(&p.x, &zinv));
        let y = f.plain(&f.mul(&p.y, &zinv));
        let mut out = [0u8; 32];
        for (o, b) in out.iter_mut().zip(y.to_be(32).iter().rev()) {
            *o = *b;
        }
        if x.is_odd()
            && let Some(last) = out.last_mut()
        {
            *last |= 0x80;
        }
        out
    }

    /// A little-endian number reduced modulo the group order.
    fn scalar(&self, le: &[u8]) -> Big {
        let be: Vec<u8> = le.iter().rev().copied().collect();
        Big::from_be(&be).rem(&self.l)
    }
}

/// The clamped secret scalar and the nonce prefix of a seed.
fn ed_expand(seed: &[u8; 32]) -> (Big, Vec<u8>) {
    let h = Sha512::digest(seed);
    let mut a: Vec<u8> = h.get(..32).unwrap_or(&[]).to_vec();
    if let Some(x) = a.first_mut() {
        *x &= 248;
    }
    if let Some(x) = a.last_mut() {
        *x = (*x & 127) | 64;
    }
    let be: Vec<u8> = a.iter().rev().copied().collect();
    (Big::from_be(&be), h.get(32..).unwrap_or(&[]).to_vec())
}

pub fn ed25519_public(seed: &[u8; 32]) -> [u8; 32] {
    let Some(c) = ed() else { return [0; 32] };
    let (a, _) = ed_expand(seed);
    c.encode(&c.mul(&a, &c.base()))
}

/// Ed25519 signature (RFC 8032, deterministic).
pub fn ed25519_sign(seed: &[u8; 32], message: &[u8]) -> [u8; 64] {
    let mut sig = [0u8; 64];
    let Some(c) = ed() else { return sig };
    let (a, prefix) = ed_expand(seed);
    let public = c.encode(&c.mul(&a, &c.base()));
    let r = c.scalar(
        &Sha512::new()
            .chain_update(&prefix)
            .chain_update(message)
            .finalize(),
    );
    let big_r = c.encode(&c.mul(&r, &c.base()));
    let k = c.scalar(
        &Sha512::new()
            .chain_update(big_r)
            .chain_update(public)
            .chain_update(message)
            .finalize(),
    );
    let s = r.add(&k.mul(&a)).rem(&c.l);
    let (head, tail) = sig.split_at_mut(32);
    head.copy_from_slice(&big_r);
    for (o, b) in tail.iter_mut().zip(s.to_be(32).iter().rev()) {
        *o = *b;
    }
    sig
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn ed25519_rfc8032_vector_1() {
        let seed: [u8; 32] =
            unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .try_into()
                .unwrap();
        assert_eq!(
            ed25519_public(&seed).to_vec(),
            unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        );
        assert_eq!(
            ed25519_sign(&seed, b"").to_vec(),
            unhex(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            )
        );
    }

    #[test]
    fn p256_public_key_and_signature() {
        // d = 1 gives the generator.
        let mut one = [0u8; 32];
        one[31] = 1;
        assert_eq!(
            p256_public(&one).unwrap(),
            unhex(
                "046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"
            )
        );
        // RFC 6979 A.2.5's key: public point.
        let d: [u8; 32] = unhex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")
            .try_into()
            .unwrap();
        assert_eq!(
            p256_public(&d).unwrap(),
            unhex(
                "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
            )
        );
        let mut env = FuncEnv::default();
        let hash = sha2::Sha256::digest(b"sample");
        let (r, s) = p256_sign(&mut env, &d, &hash).unwrap();
        let point = p256_public(&d).unwrap();
        assert!(p256_verify(
            &point,
            &hash,
            &Big::from_be(&r),
            &Big::from_be(&s)
        ));
        let other = sha2::Sha256::digest(b"sampLe");
        assert!(!p256_verify(
            &point,
            &other,
            &Big::from_be(&r),
            &Big::from_be(&s)
        ));
    }
}
