//! AES-256-CBC as Sprig's `encryptAES`/`decryptAES` use it: the password zero-padded (or cut)
//! to 32 bytes is the key, PKCS #7 padding, a random IV in front of the ciphertext, base64.
//! AES is small enough to carry here (tables computed once) instead of a dependency.

use std::sync::OnceLock;

struct Tables {
    sbox: [u8; 256],
    inv: [u8; 256],
}

fn xtime(x: u8) -> u8 {
    (x << 1) ^ if x & 0x80 != 0 { 0x1b } else { 0 }
}

fn gmul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        a = xtime(a);
        b >>= 1;
    }
    p
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let mut sbox = [0u8; 256];
        let mut inv = [0u8; 256];
        for (x, s) in sbox.iter_mut().enumerate() {
            // Multiplicative inverse in GF(2^8) (0 for 0), then the affine map.
            let x = x as u8;
            let b = if x == 0 {
                0
            } else {
                (1..=255u8).find(|&y| gmul(x, y) == 1).unwrap_or(0)
            };
            *s = b
                ^ b.rotate_left(1)
                ^ b.rotate_left(2)
                ^ b.rotate_left(3)
                ^ b.rotate_left(4)
                ^ 0x63;
        }
        for (i, s) in sbox.iter().enumerate() {
            if let Some(slot) = inv.get_mut(usize::from(*s)) {
                *slot = i as u8;
            }
        }
        Tables { sbox, inv }
    })
}

fn sub(t: &[u8; 256], x: u8) -> u8 {
    t.get(usize::from(x)).copied().unwrap_or(0)
}

/// AES-256 round keys: 15 × 16 bytes.
fn expand_key(key: &[u8; 32]) -> Vec<[u8; 16]> {
    let t = tables();
    let mut w: Vec<[u8; 4]> = key
        .chunks_exact(4)
        .map(|c| <[u8; 4]>::try_from(c).unwrap_or_default())
        .collect();
    let mut rcon = 1u8;
    for i in 8..60 {
        let mut temp = w.get(i - 1).copied().unwrap_or_default();
        if i % 8 == 0 {
            temp = [
                sub(&t.sbox, temp[1]) ^ rcon,
                sub(&t.sbox, temp[2]),
                sub(&t.sbox, temp[3]),
                sub(&t.sbox, temp[0]),
            ];
            rcon = xtime(rcon);
        } else if i % 8 == 4 {
            temp = temp.map(|b| sub(&t.sbox, b));
        }
        let prev = w.get(i - 8).copied().unwrap_or_default();
        w.push([
            prev[0] ^ temp[0],
            prev[1] ^ temp[1],
            prev[2] ^ temp[2],
            prev[3] ^ temp[3],
        ]);
    }
    w.chunks_exact(4)
        .map(|c| {
            let mut k = [0u8; 16];
            for (dst, word) in k.chunks_exact_mut(4).zip(c) {
                dst.copy_from_slice(word);
            }
            k
        })
        .collect()
}

fn add_round_key(s: &mut [u8; 16], k: &[u8; 16]) {
    for (a, b) in s.iter_mut().zip(k) {
        *a ^= b;
    }
}

/// State byte `r + 4c` is row r, column c.
fn shift_rows(s: &mut [u8; 16], inverse: bool) {
    let old = *s;
    for c in 0..4 {
        for r in 0..4 {
            let from = if inverse {
                (c + 4 - r) % 4
            } else {
                (c + r) % 4
            };
            if let (Some(dst), Some(src)) = (s.get_mut(r + 4 * c), old.get(r + 4 * from)) {
                *dst = *src;
            }
        }
    }
}

fn mix_columns(s: &mut [u8; 16], inverse: bool) {
    let m: [u8; 4] = if inverse {
        [14, 11, 13, 9]
    } else {
        [2, 3, 1, 1]
    };
    for col in s.chunks_exact_mut(4) {
        let a: [u8; 4] = (&*col).try_into().unwrap_or_default();
        for (r, out) in col.iter_mut().enumerate() {
            // Row r of the circulant matrix starts at m[(4 - r) % 4].
            *out = a.iter().enumerate().fold(0, |acc, (c, &x)| {
                acc ^ gmul(x, m.get((4 + c - r) % 4).copied().unwrap_or(0))
            });
        }
    }
}

fn encrypt_block(keys: &[[u8; 16]], block: &mut [u8; 16]) {
    let t = tables();
    let mut rounds = keys.iter();
    if let Some(k) = rounds.next() {
        add_round_key(block, k);
    }
    for (i, k) in rounds.enumerate() {
        for b in block.iter_mut() {
            *b = sub(&t.sbox, *b);
        }
        shift_rows(block, false);
        if i < 13 {
            mix_columns(block, false);
        }
        add_round_key(block, k);
    }
}

fn decrypt_block(keys: &[[u8; 16]], block: &mut [u8; 16]) {
    let t = tables();
    let mut rounds = keys.iter().rev();
    if let Some(k) = rounds.next() {
        add_round_key(block, k);
    }
    for (i, k) in rounds.enumerate() {
        shift_rows(block, true);
        for b in block.iter_mut() {
            *b = sub(&t.inv, *b);
        }
        add_round_key(block, k);
        if i < 13 {
            mix_columns(block, true);
        }
    }
}

fn key_of(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    for (k, b) in key.iter_mut().zip(password.bytes()) {
        *k = b;
    }
    key
}

/// `IV ‖ AES-256-CBC(plaintext ‖ PKCS#7 padding)`.
pub fn encrypt(password: &str, plaintext: &[u8], iv: [u8; 16]) -> Vec<u8> {
    let keys = expand_key(&key_of(password));
    let pad = 16 - plaintext.len() % 16;
    let mut data = plaintext.to_vec();
    data.resize(plaintext.len() + pad, pad as u8);
    let mut out = iv.to_vec();
    let mut prev = iv;
    for chunk in data.chunks_exact(16) {
        let mut block = [0u8; 16];
        for ((b, p), c) in block.iter_mut().zip(&prev).zip(chunk) {
            *b = p ^ c;
        }
        encrypt_block(&keys, &mut block);
        out.extend_from_slice(&block);
        prev = block;
    }
    out
}

/// The inverse of [`encrypt`], with Go's failure modes: Sprig's `decryptAES` slices without
/// checks, so short or unaligned input panics (reported as the call's error), and the padding
/// byte is trusted.
pub fn decrypt(password: &str, data: &[u8], capacity: usize) -> Result<Vec<u8>, String> {
    if data.len() < 16 {
        return Err(format!(
            "runtime error: slice bounds out of range [:16] with capacity {capacity}"
        ));
    }
    let (iv, body) = data.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let keys = expand_key(&key_of(password));
    let mut prev: [u8; 16] = iv.try_into().unwrap_or([0; 16]);
    let mut out = Vec::with_capacity(body.len());
    for chunk in body.chunks_exact(16) {
        let mut block: [u8; 16] = chunk.try_into().unwrap_or([0; 16]);
        let cipher = block;
        decrypt_block(&keys, &mut block);
        for (b, p) in block.iter_mut().zip(&prev) {
            *b ^= p;
        }
        out.extend_from_slice(&block);
        prev = cipher;
    }
    let Some(&pad) = out.last() else {
        return Err("runtime error: index out of range [-1]".into());
    };
    let keep = out.len() as i64 - i64::from(pad);
    if keep < 0 {
        return Err(format!(
            "runtime error: slice bounds out of range [:{keep}]"
        ));
    }
    out.truncate(keep as usize);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fips197_aes256_vector() {
        let key: [u8; 32] = std::array::from_fn(|i| i as u8);
        let keys = expand_key(&key);
        let mut block: [u8; 16] = std::array::from_fn(|i| (i as u8) * 0x11);
        encrypt_block(&keys, &mut block);
        assert_eq!(
            block,
            [
                0x8e, 0xa2, 0xb7, 0xca, 0x51, 0x67, 0x45, 0xbf, 0xea, 0xfc, 0x49, 0x90, 0x4b, 0x49,
                0x60, 0x89
            ]
        );
        decrypt_block(&keys, &mut block);
        assert_eq!(block, std::array::from_fn(|i| (i as u8) * 0x11));
    }

    #[test]
    fn cbc_round_trip() {
        for text in [
            "",
            "plaintext",
            "exactly sixteen!",
            "a longer text over blocks",
        ] {
            let c = encrypt("secretkey", text.as_bytes(), [7; 16]);
            assert_eq!(c.len(), 16 + (text.len() / 16 + 1) * 16);
            assert_eq!(decrypt("secretkey", &c, c.len()).unwrap(), text.as_bytes());
        }
        assert!(decrypt("k", &[0; 20], 20).is_err());
        assert!(decrypt("k", &[0; 3], 3).is_err());
    }
}
