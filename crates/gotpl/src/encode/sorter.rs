//! go-yaml's map key order (`sorter.go`, `keyList.Less`) for string keys: runs of digits compare
//! as numbers, non-letters sort before letters, so `_x, 1, 9, 10, A, B, a2, a10, z1b, z01a`.
//! (yaml.v2 and yaml.v3 share it.)

fn is_letter(c: char) -> bool {
    // Go's unicode.IsLetter is the L categories; `is_alphabetic` adds a few marks and letter
    // numbers, which keys do not contain in practice.
    c.is_alphabetic()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// `keyList.Less` for two string keys (go-yaml v2).
pub fn less(a: &str, b: &str) -> bool {
    less_impl(a, b, false)
}

/// yaml.v3's `keyList.Less`: after a common digit, a letter sorts after a non-letter.
pub fn less_v3(a: &str, b: &str) -> bool {
    less_impl(a, b, true)
}

fn less_impl(a: &str, b: &str, v3: bool) -> bool {
    // Keys are nearly always ASCII: compare bytes then, without collecting characters.
    if a.is_ascii() && b.is_ascii() {
        return less_units(a.as_bytes(), b.as_bytes(), |c: &u8| char::from(*c), v3);
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    less_units(&ar, &br, |c: &char| *c, v3)
}

fn less_units<T: Copy + PartialEq>(ar: &[T], br: &[T], ch: impl Fn(&T) -> char, v3: bool) -> bool {
    let n = ar.len().min(br.len());
    let mut digits = false;
    for i in 0..n {
        let (Some(&au), Some(&bu)) = (ar.get(i), br.get(i)) else {
            break;
        };
        if au == bu {
            digits = is_digit(ch(&au));
            continue;
        }
        let (ac, bc) = (ch(&au), ch(&bu));
        let al = is_letter(ac);
        let bl = is_letter(bc);
        if al && bl {
            return ac < bc;
        }
        if al || bl {
            return if v3 && digits { al } else { bl };
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ac == '0' || bc == '0' {
            // A zero inside a number (`10` vs `1a`) counts; one that starts it does not.
            let mut j = i;
            while j > 0 {
                j -= 1;
                let Some(c) = ar.get(j).map(&ch) else { break };
                if !is_digit(c) {
                    break;
                }
                if c != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while let Some(c) = ar.get(ai).map(&ch).filter(|c| is_digit(*c)) {
            an = an.wrapping_mul(10).wrapping_add(i64::from(c as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while let Some(c) = br.get(bi).map(&ch).filter(|c| is_digit(*c)) {
            bn = bn.wrapping_mul(10).wrapping_add(i64::from(c as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ac < bc;
    }
    ar.len() < br.len()
}

/// The order of `keys` under `less`, by merging, which needs no total order (Rust's `sort_by`
/// may panic when the comparison is inconsistent; go-yaml's is for some digit runs).
pub fn sorted_order(keys: &[&str], less: fn(&str, &str) -> bool) -> Vec<usize> {
    let n = keys.len();
    let mut order: Vec<usize> = (0..n).collect();
    // Without digits the order is lexicographic over a total order of characters (non-letters
    // first), so keys already in it (a map's keys come sorted by bytes, the same order for most
    // keys) stay where they are.
    let digit_free = keys.iter().all(|k| !k.bytes().any(|c| c.is_ascii_digit()));
    if digit_free && keys.windows(2).all(|w| matches!(w, [a, b] if !less(b, a))) {
        return order;
    }
    let mut buf: Vec<usize> = Vec::with_capacity(n);
    let key = |i: usize| keys.get(i).copied().unwrap_or("");
    let mut width = 1;
    while width < n {
        buf.clear();
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                let (Some(&x), Some(&y)) = (order.get(i), order.get(j)) else {
                    break;
                };
                if less(key(y), key(x)) {
                    buf.push(y);
                    j += 1;
                } else {
                    buf.push(x);
                    i += 1;
                }
            }
            buf.extend(order.get(i..mid).unwrap_or(&[]));
            buf.extend(order.get(j..end).unwrap_or(&[]));
            start = end;
        }
        std::mem::swap(&mut order, &mut buf);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let want = ["_x", "1", "9", "10", "A", "B", "a2", "a10", "z1b", "z01a"];
        let keys: Vec<&str> = want.iter().rev().copied().collect();
        let got: Vec<&str> = sorted_order(&keys, less)
            .into_iter()
            .map(|i| keys[i])
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn other_characters_sort_before_letters() {
        // Already in order: kept.
        let keys = ["a-b", "a.b", "aB", "ab", "b", "é"];
        assert_eq!(sorted_order(&keys, less), [0, 1, 2, 3, 4, 5]);
        // Byte order (a map's) puts `b` before `~`; go-yaml puts non-letters first.
        let keys = ["ab", "a~"];
        assert_eq!(sorted_order(&keys, less), [1, 0]);
    }
}
