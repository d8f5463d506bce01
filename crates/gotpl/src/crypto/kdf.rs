//! Password functions: `derivePassword` (Master Password: scrypt then HMAC-SHA256, deterministic)
//! and `bcrypt`/`htpasswd` (bcrypt cost 10, salt from the run's generator).

use sha2::{Digest, Sha256};

use crate::func::FuncEnv;

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k.get_mut(..32)
            .unwrap_or(&mut [])
            .copy_from_slice(&Sha256::digest(key));
    } else {
        k.get_mut(..key.len())
            .unwrap_or(&mut [])
            .copy_from_slice(key);
    }
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let mut inner = Sha256::new();
    inner.update(&ipad);
    for p in parts {
        inner.update(p);
    }
    let mut outer = Sha256::new();
    outer.update(&opad);
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// PBKDF2-HMAC-SHA256 with one iteration (all scrypt needs).
fn pbkdf2_1(password: &[u8], salt: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut i: u32 = 1;
    while out.len() < len {
        out.extend_from_slice(&hmac_sha256(password, &[salt, &i.to_be_bytes()]));
        i += 1;
    }
    out.truncate(len);
    out
}

fn salsa20_8(b: &mut [u32; 16]) {
    let mut x = *b;
    macro_rules! qr {
        ($a:literal, $b:literal, $c:literal, $d:literal) => {
            x[$b] ^= x[$a].wrapping_add(x[$d]).rotate_left(7);
            x[$c] ^= x[$b].wrapping_add(x[$a]).rotate_left(9);
            x[$d] ^= x[$c].wrapping_add(x[$b]).rotate_left(13);
            x[$a] ^= x[$d].wrapping_add(x[$c]).rotate_left(18);
        };
    }
    for _ in 0..4 {
        qr!(0, 4, 8, 12);
        qr!(5, 9, 13, 1);
        qr!(10, 14, 2, 6);
        qr!(15, 3, 7, 11);
        qr!(0, 1, 2, 3);
        qr!(5, 6, 7, 4);
        qr!(10, 11, 8, 9);
        qr!(15, 12, 13, 14);
    }
    for (o, v) in b.iter_mut().zip(x.iter()) {
        *o = o.wrapping_add(*v);
    }
}

/// scrypt's BlockMix over `2r` blocks of 16 words: `input` to `output`.
fn block_mix(input: &[u32], output: &mut [u32], r: usize) {
    let mut x = [0u32; 16];
    if let Some(last) = input.chunks_exact(16).last() {
        x.copy_from_slice(last);
    }
    for (i, block) in input.chunks_exact(16).enumerate() {
        for (a, b) in x.iter_mut().zip(block) {
            *a ^= b;
        }
        salsa20_8(&mut x);
        // Even blocks go to the first half, odd ones to the second.
        let dest = (i / 2 + (i % 2) * r) * 16;
        if let Some(out) = output.get_mut(dest..dest + 16) {
            out.copy_from_slice(&x);
        }
    }
}

/// scrypt (RFC 7914).
pub fn scrypt(password: &[u8], salt: &[u8], n: usize, r: usize, p: usize, len: usize) -> Vec<u8> {
    let words = 32 * r;
    let b = pbkdf2_1(password, salt, p * 128 * r);
    let mut out = Vec::with_capacity(b.len());
    let mut v = vec![0u32; n * words];
    let mut tmp = vec![0u32; words];
    for chunk in b.chunks_exact(128 * r) {
        let mut x: Vec<u32> = chunk
            .chunks_exact(4)
            .map(|w| w.try_into().map(u32::from_le_bytes).unwrap_or(0))
            .collect();
        for vi in v.chunks_exact_mut(words) {
            vi.copy_from_slice(&x);
            block_mix(&x, &mut tmp, r);
            std::mem::swap(&mut x, &mut tmp);
        }
        for _ in 0..n {
            let j = x.get(words - 16).copied().unwrap_or(0) as usize % n;
            if let Some(vj) = v.get(j * words..(j + 1) * words) {
                for (a, b) in x.iter_mut().zip(vj) {
                    *a ^= b;
                }
            }
            block_mix(&x, &mut tmp, r);
            std::mem::swap(&mut x, &mut tmp);
        }
        out.extend(x.iter().flat_map(|w| w.to_le_bytes()));
    }
    pbkdf2_1(password, &out, len)
}

const MASTER_PASSWORD_SEED: &[u8] = b"com.lyndir.masterpassword";

fn templates(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_chars(c: u8) -> &'static [u8] {
    match c {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        b'x' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        _ => b"",
    }
}

/// The Master Password key of a (password, user): scrypt with N = 32768, r = 8, p = 2, which
/// takes 32 MiB and a noticeable time. Charts derive several site passwords from one master
/// password, so the last key is kept.
fn master_key(password: &str, user: &str) -> Vec<u8> {
    thread_local! {
        static LAST: std::cell::RefCell<Option<(String, String, Vec<u8>)>> =
            const { std::cell::RefCell::new(None) };
    }
    if let Some(key) = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(p, u, _)| p == password && u == user)
            .map(|(_, _, k)| k.clone())
    }) {
        return key;
    }
    let mut salt = MASTER_PASSWORD_SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let key = scrypt(password.as_bytes(), &salt, 32768, 8, 2, 64);
    LAST.with_borrow_mut(|last| *last = Some((password.into(), user.into(), key.clone())));
    key
}

/// Sprig's `derivePassword` (Master Password v3).
pub fn derive_password(counter: u32, kind: &str, password: &str, user: &str, site: &str) -> String {
    let Some(templates) = templates(kind) else {
        return format!("cannot find password template {kind}");
    };
    let key = master_key(password, user);
    let mut msg = MASTER_PASSWORD_SEED.to_vec();
    msg.extend_from_slice(&(site.len() as u32).to_be_bytes());
    msg.extend_from_slice(site.as_bytes());
    msg.extend_from_slice(&counter.to_be_bytes());
    let seed = hmac_sha256(&key, &[&msg]);
    let first = usize::from(seed.first().copied().unwrap_or(0));
    let template = templates
        .get(first % templates.len())
        .copied()
        .unwrap_or("");
    template
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            let chars = template_chars(c);
            let s = usize::from(seed.get(i + 1).copied().unwrap_or(0));
            char::from(chars.get(s % chars.len().max(1)).copied().unwrap_or(b'?'))
        })
        .collect()
}

/// bcrypt's base64: its own alphabet, no padding.
const BCRYPT_BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::BCRYPT,
    base64::engine::general_purpose::NO_PAD,
);

fn bcrypt_b64(data: &[u8]) -> String {
    use base64::Engine as _;
    BCRYPT_BASE64.encode(data)
}

/// The raw bcrypt hash (24 bytes) of a key that already carries its NUL and is ≤ 72 bytes.
fn bcrypt_raw(cost: u32, salt: &[u8; 16], key: &[u8]) -> [u8; 24] {
    use super::eks::{Eks, words};
    let key_words = words(key);
    let salt_words = words(salt);
    let mut state = Eks::salted(salt, &key_words);
    for _ in 0..1u64 << cost {
        state.expand(&key_words);
        state.expand(&salt_words);
    }
    // "OrpheanBeholderScryDoubt"
    let mut ctext = [
        0x4f72_7068u32,
        0x6561_6e42,
        0x6568_6f6c,
        0x6465_7253,
        0x6372_7944,
        0x6f75_6274,
    ];
    let mut out = [0u8; 24];
    for (pair, dest) in ctext.chunks_exact_mut(2).zip(out.chunks_exact_mut(8)) {
        let mut lr: [u32; 2] = (&*pair).try_into().unwrap_or_default();
        for _ in 0..64 {
            let (l, r) = state.encrypt(lr[0], lr[1]);
            lr = [l, r];
        }
        let bytes = lr[0].to_be_bytes().into_iter().chain(lr[1].to_be_bytes());
        for (d, b) in dest.iter_mut().zip(bytes) {
            *d = b;
        }
    }
    out
}

/// Go's `bcrypt.GenerateFromPassword(password, 10)` with a salt from the run's generator, as
/// Sprig's `bcrypt` reports it (an error becomes the returned text).
pub fn bcrypt(env: &mut FuncEnv, password: &str) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
            .into();
    }
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&crate::random::random_bytes(env, 16));
    bcrypt_with_salt(password, 10, &salt)
}

fn bcrypt_with_salt(password: &str, cost: u32, salt: &[u8; 16]) -> String {
    let mut key = password.as_bytes().to_vec();
    key.push(0);
    key.truncate(72);
    let raw = bcrypt_raw(cost, salt, &key);
    format!(
        "$2a${cost:02}${}{}",
        bcrypt_b64(salt),
        bcrypt_b64(raw.get(..23).unwrap_or(&[]))
    )
}

/// Whether `hash` (`$2a$…`) is the bcrypt hash of `password` (tests).
#[cfg(test)]
pub fn bcrypt_verify(password: &str, hash: &str) -> bool {
    let cost: u32 = hash[4..6].parse().unwrap();
    use base64::Engine as _;
    let salt = BCRYPT_BASE64.decode(&hash[7..29]).unwrap();
    bcrypt_with_salt(password, cost, &salt.try_into().unwrap()) == hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn scrypt_rfc7914_vectors() {
        assert_eq!(
            hex(&scrypt(b"", b"", 16, 1, 1, 64)),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"
        );
        assert_eq!(
            hex(&scrypt(b"password", b"NaCl", 1024, 8, 16, 64)),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
        );
    }

    #[test]
    fn hmac_rfc4231_case_2() {
        assert_eq!(
            hex(&hmac_sha256(
                b"Jefe",
                &[b"what do ya want ", b"for nothing?"]
            )),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn derive_password_sprig_vectors() {
        for (counter, kind, want) in [
            (1, "long", "ZedaFaxcZaso9*"),
            (2, "long", "Fovi2@JifpTupx"),
            (1, "maximum", "pf4zS1LjCg&LjhsZ7T2~"),
            (1, "medium", "ZedJuz8$"),
            (1, "basic", "pIS54PLs"),
            (1, "short", "Zed5"),
            (1, "pin", "6685"),
        ] {
            assert_eq!(
                derive_password(counter, kind, "password", "user", "example.com"),
                want
            );
        }
        assert_eq!(
            derive_password(1, "nope", "p", "u", "s"),
            "cannot find password template nope"
        );
    }

    #[test]
    fn bcrypt_known_hash_and_round_trip() {
        // OpenBSD's test vector: "U*U" with salt "CCCCCCCCCCCCCCCCCCCCC." at cost 5.
        use base64::Engine as _;
        let salt = BCRYPT_BASE64.decode("CCCCCCCCCCCCCCCCCCCCC.").unwrap();
        assert_eq!(
            bcrypt_with_salt("U*U", 5, &salt.try_into().unwrap()),
            "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"
        );
        let mut env = FuncEnv::default();
        let h = bcrypt(&mut env, "abc");
        assert!(h.starts_with("$2a$10$") && h.len() == 60, "{h}");
        assert!(bcrypt_verify("abc", &h));
        assert!(!bcrypt_verify("abd", &h));
        assert_eq!(
            bcrypt(&mut env, &"x".repeat(73)),
            "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes"
        );
    }
}
