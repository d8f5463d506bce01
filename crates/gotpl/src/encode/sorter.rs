//! go-yaml's map key order (`sorter.go`, `keyList.Less`) for string keys: runs of digits compare
//! as numbers, letters sort before non-letters, so `_x, 1, 9, 10, A, B, a2, a10, z1b, z01a`.
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
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let n = ar.len().min(br.len());
    let mut digits = false;
    for i in 0..n {
        let (Some(&ac), Some(&bc)) = (ar.get(i), br.get(i)) else {
            break;
        };
        if ac == bc {
            digits = is_digit(ac);
            continue;
        }
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
                let Some(&c) = ar.get(j) else { break };
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
        while let Some(&c) = ar.get(ai).filter(|c| is_digit(**c)) {
            an = an.wrapping_mul(10).wrapping_add(i64::from(c as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while let Some(&c) = br.get(bi).filter(|c| is_digit(**c)) {
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

/// Sorts with [`less`] by merging, which needs no total order (Rust's `sort_by` may panic when
/// the comparison is inconsistent; go-yaml's is for some digit runs).
pub fn sort_keys<T>(items: &mut Vec<(String, T)>, less: fn(&str, &str) -> bool) {
    let n = items.len();
    if n < 2 {
        return;
    }
    let mut src: Vec<Option<(String, T)>> = items.drain(..).map(Some).collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut buf: Vec<usize> = Vec::with_capacity(n);
    let key = |src: &Vec<Option<(String, T)>>, i: usize| -> String {
        src.get(i)
            .and_then(|e| e.as_ref())
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    };
    let keys: Vec<String> = (0..n).map(|i| key(&src, i)).collect();
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
                let (Some(kx), Some(ky)) = (keys.get(x), keys.get(y)) else {
                    break;
                };
                if less(ky, kx) {
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
    for i in order {
        if let Some(entry) = src.get_mut(i).and_then(Option::take) {
            items.push(entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let want = ["_x", "1", "9", "10", "A", "B", "a2", "a10", "z1b", "z01a"];
        let mut items: Vec<(String, ())> = want.iter().rev().map(|k| (k.to_string(), ())).collect();
        sort_keys(&mut items, less);
        let got: Vec<&str> = items.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(got, want);
    }
}
