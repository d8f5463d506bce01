//! Unsigned big integers, just what RSA signing, ECDSA and Ed25519 need: Montgomery
//! multiplication and exponentiation modulo an odd number, long-division remainders, plain
//! products. Little-endian 64-bit limbs, no constant-time claims (kforge signs with public keys
//! for linting, see the module doc of [`super`]).

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Big(pub Vec<u64>);

impl Big {
    pub fn zero() -> Big {
        Big(Vec::new())
    }

    pub fn from_u64(x: u64) -> Big {
        let mut b = Big(vec![x]);
        b.trim();
        b
    }

    pub fn from_be(bytes: &[u8]) -> Big {
        let mut limbs = Vec::with_capacity(bytes.len() / 8 + 1);
        for chunk in bytes.rchunks(8) {
            let mut v = 0u64;
            for &b in chunk {
                v = (v << 8) | u64::from(b);
            }
            limbs.push(v);
        }
        let mut b = Big(limbs);
        b.trim();
        b
    }

    /// Big-endian bytes, at least `min_len` long (left-padded with zeros), without leading zeros
    /// beyond that.
    pub fn to_be(&self, min_len: usize) -> Vec<u8> {
        let mut out: Vec<u8> = self.0.iter().rev().flat_map(|l| l.to_be_bytes()).collect();
        let first = out.iter().position(|&b| b != 0).unwrap_or(out.len());
        out.drain(..first);
        if out.len() < min_len {
            let mut padded = vec![0; min_len - out.len()];
            padded.extend_from_slice(&out);
            return padded;
        }
        out
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|&l| l == 0)
    }

    pub fn limb(&self, i: usize) -> u64 {
        self.0.get(i).copied().unwrap_or(0)
    }

    pub fn bits(&self) -> usize {
        let mut b = self.clone();
        b.trim();
        match b.0.last() {
            None => 0,
            Some(top) => (b.0.len() - 1) * 64 + (64 - top.leading_zeros() as usize),
        }
    }

    pub fn bit(&self, i: usize) -> bool {
        (self.limb(i / 64) >> (i % 64)) & 1 == 1
    }

    pub fn is_odd(&self) -> bool {
        self.limb(0) & 1 == 1
    }

    pub fn cmp(&self, other: &Big) -> Ordering {
        let n = self.0.len().max(other.0.len());
        for i in (0..n).rev() {
            match self.limb(i).cmp(&other.limb(i)) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        Ordering::Equal
    }

    pub fn add(&self, other: &Big) -> Big {
        let n = self.0.len().max(other.0.len());
        let mut out = Vec::with_capacity(n + 1);
        let mut carry = 0u64;
        for i in 0..n {
            let (s1, c1) = self.limb(i).overflowing_add(other.limb(i));
            let (s2, c2) = s1.overflowing_add(carry);
            out.push(s2);
            carry = u64::from(c1) + u64::from(c2);
        }
        out.push(carry);
        let mut b = Big(out);
        b.trim();
        b
    }

    /// `self - other`; `None` if negative.
    pub fn sub(&self, other: &Big) -> Option<Big> {
        if self.cmp(other) == Ordering::Less {
            return None;
        }
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0u64;
        for i in 0..self.0.len() {
            let (d1, b1) = self.limb(i).overflowing_sub(other.limb(i));
            let (d2, b2) = d1.overflowing_sub(borrow);
            out.push(d2);
            borrow = u64::from(b1) + u64::from(b2);
        }
        let mut b = Big(out);
        b.trim();
        Some(b)
    }

    pub fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u64; self.0.len() + other.0.len() + 1];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &b) in other.0.iter().enumerate() {
                let Some(slot) = out.get_mut(i + j) else {
                    continue;
                };
                let t = u128::from(a) * u128::from(b) + u128::from(*slot) + carry;
                *slot = t as u64;
                carry = t >> 64;
            }
            let mut k = i + other.0.len();
            while carry != 0 {
                let Some(slot) = out.get_mut(k) else { break };
                let t = u128::from(*slot) + carry;
                *slot = t as u64;
                carry = t >> 64;
                k += 1;
            }
        }
        let mut b = Big(out);
        b.trim();
        b
    }

    /// `self mod m` by binary long division (cheap next to a modular exponentiation).
    pub fn rem(&self, m: &Big) -> Big {
        if m.is_zero() {
            return Big::zero();
        }
        let mut r = Big(vec![0; m.0.len() + 1]);
        for i in (0..self.bits()).rev() {
            shl1(&mut r.0, self.bit(i));
            if r.cmp(m) != Ordering::Less {
                sub_in_place(&mut r.0, &m.0);
            }
        }
        r.trim();
        r
    }
}

/// `a + b + carry` as (sum, carry out), which the compiler turns into one add-with-carry.
#[inline(always)]
fn adc(a: u64, b: u64, carry: u64) -> (u64, u64) {
    let s = u128::from(a) + u128::from(b) + u128::from(carry);
    (s as u64, (s >> 64) as u64)
}

/// A column sum of product scanning in three words (Comba's accumulator): a column sums at
/// most 2·64 products, far below 2^192.
#[derive(Clone, Copy, Default)]
struct Acc {
    c0: u64,
    c1: u64,
    c2: u64,
}

impl Acc {
    /// `+= a·b`: one multiplication and three adds with carry.
    #[inline(always)]
    fn mac(&mut self, a: u64, b: u64) {
        let p = u128::from(a) * u128::from(b);
        let (s0, k) = adc(self.c0, p as u64, 0);
        let (s1, k) = adc(self.c1, (p >> 64) as u64, k);
        self.c0 = s0;
        self.c1 = s1;
        self.c2 = self.c2.wrapping_add(k);
    }

    /// `+= 2·x`.
    #[inline(always)]
    fn add_doubled(&mut self, x: Acc) {
        let d0 = x.c0 << 1;
        let d1 = (x.c1 << 1) | (x.c0 >> 63);
        let d2 = (x.c2 << 1) | (x.c1 >> 63);
        let (s0, k) = adc(self.c0, d0, 0);
        let (s1, k) = adc(self.c1, d1, k);
        let (s2, _) = adc(self.c2, d2, k);
        self.c0 = s0;
        self.c1 = s1;
        self.c2 = s2;
    }

    /// The low word out, the rest carried into the next column.
    #[inline(always)]
    fn shift(&mut self) -> u64 {
        let w = self.c0;
        self.c0 = self.c1;
        self.c1 = self.c2;
        self.c2 = 0;
        w
    }
}

/// `a·b·R⁻¹ mod m` for `a, b < m` of `N` limbs, by product scanning with the reduction
/// interleaved (Koç, Acar and Kaliski's FIPS): column by column, each column's products summed
/// into one accumulator, so no product waits on the carry of the one before. The time is the
/// multiplier's (2N² + N multiplications, at best one every other cycle on the machines
/// measured): row by row (CIOS) ran 6% slower, and the speed-ups left are in multiplying less
/// (squarings, windows).
#[allow(clippy::indexing_slicing)] // indexes below N, on arrays of N
fn mont_mul_fixed<const N: usize>(
    a: &[u64; N],
    b: &[u64; N],
    m: &[u64; N],
    m_inv: u64,
) -> [u64; N] {
    let mut q = [0u64; N];
    let mut r = [0u64; N];
    let mut acc = Acc::default();
    for i in 0..N {
        for j in 0..i {
            acc.mac(a[j], b[i - j]);
            acc.mac(q[j], m[i - j]);
        }
        acc.mac(a[i], b[0]);
        // The multiple of m that clears this column's low word.
        let u = acc.c0.wrapping_mul(m_inv);
        q[i] = u;
        acc.mac(u, m[0]);
        acc.shift();
    }
    for i in N..2 * N {
        for j in i + 1 - N..N {
            acc.mac(a[j], b[i - j]);
            acc.mac(q[j], m[i - j]);
        }
        r[i - N] = acc.shift();
    }
    reduce_once(r, acc.c0, m)
}

/// `a·a·R⁻¹ mod m`, as [`mont_mul_fixed`] with each cross product `a_j·a_k` (`j < k`)
/// multiplied once and counted twice: N(N+1)/2 + N² multiplications instead of 2N² + N, 22%
/// less time for 16 limbs, and exponentiation is mostly squarings.
#[allow(clippy::indexing_slicing)] // indexes below N, on arrays of N
fn mont_sqr_fixed<const N: usize>(a: &[u64; N], m: &[u64; N], m_inv: u64) -> [u64; N] {
    let mut q = [0u64; N];
    let mut r = [0u64; N];
    let mut acc = Acc::default();
    // Column i of the square: the pairs (j, i - j) with j < i - j summed apart and added
    // doubled, then the diagonal; the two halves apart, as in the product (one loop over all
    // 2N columns with the cases inside ran 20% slower).
    for i in 0..N {
        add_square_column(&mut acc, a, i, 0);
        for j in 0..i {
            acc.mac(q[j], m[i - j]);
        }
        let u = acc.c0.wrapping_mul(m_inv);
        q[i] = u;
        acc.mac(u, m[0]);
        acc.shift();
    }
    for i in N..2 * N {
        add_square_column(&mut acc, a, i, i + 1 - N);
        for j in i + 1 - N..N {
            acc.mac(q[j], m[i - j]);
        }
        r[i - N] = acc.shift();
    }
    reduce_once(r, acc.c0, m)
}

/// Adds column `i` of `a·a` to `acc`: the cross products `a_j·a_(i-j)` (`from <= j < i - j`)
/// summed apart and added doubled, then the diagonal `a_(i/2)²`.
#[inline(always)]
#[allow(clippy::indexing_slicing)] // j and i - j below N, i / 2 below N: callers' columns
fn add_square_column<const N: usize>(acc: &mut Acc, a: &[u64; N], i: usize, from: usize) {
    let mut cross = Acc::default();
    let mut j = from;
    while 2 * j < i {
        cross.mac(a[j], a[i - j]);
        j += 1;
    }
    acc.add_doubled(cross);
    if i.is_multiple_of(2) {
        acc.mac(a[i / 2], a[i / 2]);
    }
}

/// `r + top·R` reduced below `m`, given it is below `2m`.
fn reduce_once<const N: usize>(mut r: [u64; N], top: u64, m: &[u64; N]) -> [u64; N] {
    if top != 0 || !less_than(&r, m) {
        sub_in_place(&mut r, m);
    }
    r
}

fn shl1(limbs: &mut [u64], low: bool) {
    let mut carry = u64::from(low);
    for l in limbs.iter_mut() {
        let next = *l >> 63;
        *l = (*l << 1) | carry;
        carry = next;
    }
}

/// `row += x·limbs`, the carry running on to the end of `row`.
// Indexes are bounded by `n = min(len)` just above; plain loops keep unoptimised builds (tests
// render charts that sign) several times faster than iterator adaptors.
#[allow(clippy::indexing_slicing)]
fn mul_add_row(row: &mut [u64], x: u64, limbs: &[u64]) {
    let x = x as u128;
    let n = limbs.len().min(row.len());
    let mut carry = 0u128;
    let mut i = 0;
    while i < n {
        let s = (row[i] as u128)
            .wrapping_add(x.wrapping_mul(limbs[i] as u128))
            .wrapping_add(carry);
        row[i] = s as u64;
        carry = s >> 64;
        i += 1;
    }
    while carry != 0 && i < row.len() {
        let s = (row[i] as u128).wrapping_add(carry);
        row[i] = s as u64;
        carry = s >> 64;
        i += 1;
    }
}

/// `a < b` for little-endian limbs of equal length.
fn less_than(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

fn sub_in_place(a: &mut [u64], b: &[u64]) {
    let mut borrow = 0u64;
    for (i, x) in a.iter_mut().enumerate() {
        let (d1, b1) = x.overflowing_sub(b.get(i).copied().unwrap_or(0));
        let (d2, b2) = d1.overflowing_sub(borrow);
        *x = d2;
        borrow = u64::from(b1) + u64::from(b2);
    }
}

/// Arithmetic modulo an odd `m` in Montgomery form (`x·R mod m`, `R = 2^(64·n)`).
pub struct Mont {
    pub m: Big,
    n: usize,
    m_inv: u64,
    r2: Big,
}

impl Mont {
    /// `None` unless `m` is odd and above 1.
    pub fn new(m: &Big) -> Option<Mont> {
        let mut m = m.clone();
        m.trim();
        if !m.is_odd() || m.bits() < 2 {
            return None;
        }
        let n = m.0.len();
        // -m^-1 mod 2^64 by Newton's iteration.
        let m0 = m.limb(0);
        let mut inv = 1u64;
        for _ in 0..7 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(m0.wrapping_mul(inv)));
        }
        let mut mont = Mont {
            m,
            n,
            m_inv: inv.wrapping_neg(),
            r2: Big::zero(),
        };
        mont.r2 = mont.r_squared();
        Some(mont)
    }

    /// `R² mod m`. Bit by bit it took 128·n shifts and compares, 5% of an RSA signature; here
    /// `R mod m` (the Montgomery form of 1) comes from a few doublings of the highest power of
    /// two below m, and `2^(64n)` in Montgomery form, which is `R² mod m`, from it by squaring
    /// and doubling.
    fn r_squared(&self) -> Big {
        let n = self.n;
        let bits = self.m.bits();
        let mut x = vec![0u64; n];
        if let Some(w) = x.get_mut((bits - 1) / 64) {
            *w = 1 << ((bits - 1) % 64);
        }
        for _ in 0..64 * n + 1 - bits {
            self.double_in_place(&mut x);
        }
        // x = 2^k·R mod m for k = 0; follow the bits of 64n down from its top one.
        let e = 64 * n;
        self.double_in_place(&mut x);
        let (mut t, mut out) = (Vec::new(), Vec::new());
        for k in (0..e.ilog2()).rev() {
            self.mul_into(&x, &x, &mut t, &mut out);
            std::mem::swap(&mut x, &mut out);
            if (e >> k) & 1 == 1 {
                self.double_in_place(&mut x);
            }
        }
        let mut r = Big(x);
        r.trim();
        r
    }

    /// `x ← 2x mod m` for `x < m` of `n` limbs.
    fn double_in_place(&self, x: &mut [u64]) {
        let carry = x.last().is_some_and(|&w| w >> 63 == 1);
        shl1(x, false);
        if carry || !less_than(x, &self.m.0) {
            sub_in_place(x, &self.m.0);
        }
    }

    /// `a·b·R⁻¹ mod m` for `a, b < m`.
    pub fn mul(&self, a: &Big, b: &Big) -> Big {
        let mut t = Vec::new();
        let mut out = Vec::new();
        self.mul_into(&a.0, &b.0, &mut t, &mut out);
        let mut r = Big(out);
        r.trim();
        r
    }

    /// [`Mont::mul`] on limb slices into `out` (`n` limbs, untrimmed), with `t` as scratch: the
    /// full product, then word-by-word Montgomery reduction. Iterators and reused buffers
    /// throughout: this is where signing spends its time.
    fn mul_into(&self, a: &[u64], b: &[u64], t: &mut Vec<u64>, out: &mut Vec<u64>) {
        let n = self.n;
        let m = &self.m.0;
        t.clear();
        t.resize(2 * n + 1, 0);
        for (i, &ai) in a.iter().enumerate() {
            let Some(row) = t.get_mut(i..) else { break };
            mul_add_row(row, ai, b);
        }
        for i in 0..n {
            let Some(row) = t.get_mut(i..) else { break };
            let u = row.first().copied().unwrap_or(0).wrapping_mul(self.m_inv);
            mul_add_row(row, u, m);
        }
        out.clear();
        out.extend_from_slice(t.get(n..).unwrap_or(&[]));
        // The result is below 2m: one conditional subtraction.
        let top = out.pop().unwrap_or(0);
        if top != 0 || !less_than(out, m) {
            sub_in_place(out, m);
        }
    }

    /// `a·a·R⁻¹ mod m`, as [`Mont::mul_into`] with the square's cross products computed once
    /// and doubled: three quarters of the work of a multiplication, and exponentiation is
    /// mostly squarings.
    #[allow(clippy::indexing_slicing)] // indexes below 2n+1 = t.len(), and a.len() = n
    fn sqr_into(&self, a: &[u64], t: &mut Vec<u64>, out: &mut Vec<u64>) {
        let n = self.n;
        if a.len() != n {
            return self.mul_into(a, a, t, out);
        }
        let m = &self.m.0;
        t.clear();
        t.resize(2 * n + 1, 0);
        for i in 0..n {
            mul_add_row(&mut t[2 * i + 1..], a[i], &a[i + 1..]);
        }
        shl1(t, false);
        let mut carry = 0u128;
        for i in 0..n {
            let sq = u128::from(a[i]) * u128::from(a[i]);
            let lo = u128::from(t[2 * i]) + (sq & u128::from(u64::MAX)) + carry;
            t[2 * i] = lo as u64;
            let hi = u128::from(t[2 * i + 1]) + (sq >> 64) + (lo >> 64);
            t[2 * i + 1] = hi as u64;
            carry = hi >> 64;
        }
        t[2 * n] = t[2 * n].wrapping_add(carry as u64);
        for i in 0..n {
            let row = &mut t[i..];
            let u = row[0].wrapping_mul(self.m_inv);
            mul_add_row(row, u, m);
        }
        out.clear();
        out.extend_from_slice(&t[n..]);
        let top = out.pop().unwrap_or(0);
        if top != 0 || !less_than(out, m) {
            sub_in_place(out, m);
        }
    }

    /// `x` (any size) into Montgomery form. Up to `2n` limbs (an RSA message modulo a prime
    /// of half its size) by three Montgomery products rather than a long division:
    /// `x·R = hi·R² + lo·R`.
    pub fn to_mont(&self, x: &Big) -> Big {
        if x.cmp(&self.m) == Ordering::Less {
            return self.mul(x, &self.r2);
        }
        let n = self.n;
        if x.0.len() <= 2 * n {
            let (lo, hi) = x.0.split_at(n.min(x.0.len()));
            let mut lo = Big(lo.to_vec());
            let mut hi = Big(hi.to_vec());
            lo.trim();
            hi.trim();
            let hi_r2 = self.mul(&self.mul(&hi, &self.r2), &self.r2);
            return self.add(&hi_r2, &self.mul(&lo, &self.r2));
        }
        self.mul(&x.rem(&self.m), &self.r2)
    }

    pub fn plain(&self, x: &Big) -> Big {
        self.mul(x, &Big::from_u64(1))
    }

    pub fn add(&self, a: &Big, b: &Big) -> Big {
        let s = a.add(b);
        s.sub(&self.m).unwrap_or(s)
    }

    pub fn sub(&self, a: &Big, b: &Big) -> Big {
        match a.sub(b) {
            Some(d) => d,
            None => a.add(&self.m).sub(b).unwrap_or_default(),
        }
    }

    /// `base^exp mod m` (plain in, plain out). Moduli of the sizes RSA signing uses (1024- and
    /// 2048-bit primes) and P-256's go through [`pow_fixed`] (fixed-size products without
    /// bounds checks, dedicated squarings, sliding windows), over twice as fast as the
    /// slice code of other sizes (4-bit fixed windows).
    pub fn pow(&self, base: &Big, exp: &Big) -> Big {
        match self.n {
            4 => self.pow_fixed::<4>(base, exp),
            16 => self.pow_fixed::<16>(base, exp),
            32 => self.pow_fixed::<32>(base, exp),
            _ => self.pow_slices(base, exp),
        }
    }

    /// [`Mont::pow`] for a modulus of exactly `N` limbs: left to right by sliding windows of up
    /// to 5 bits over a table of the 16 odd powers `base^1 … base^31`. For a 1024-bit exponent
    /// that is ~190 multiplications besides the squarings, where 4-bit fixed windows took ~255.
    #[allow(clippy::indexing_slicing)] // window values are odd and below 32: table indexes < 16
    fn pow_fixed<const N: usize>(&self, base: &Big, exp: &Big) -> Big {
        const WINDOW: usize = 5;
        let fixed = |x: Big| {
            let mut a = [0u64; N];
            for (d, s) in a.iter_mut().zip(x.0) {
                *d = s;
            }
            a
        };
        let m = fixed(self.m.clone());
        let one = fixed(self.to_mont(&Big::from_u64(1)));
        let b = fixed(self.to_mont(base));
        let b2 = mont_sqr_fixed(&b, &m, self.m_inv);
        let mut table = [b; 1 << (WINDOW - 1)];
        for i in 1..table.len() {
            table[i] = mont_mul_fixed(&table[i - 1], &b2, &m, self.m_inv);
        }
        let mut acc: Option<[u64; N]> = None;
        let mut i = exp.bits();
        while i > 0 {
            let top = i - 1;
            if !exp.bit(top) {
                if let Some(a) = &mut acc {
                    *a = mont_sqr_fixed(a, &m, self.m_inv);
                }
                i -= 1;
                continue;
            }
            // The longest window from `top` down that ends on a set bit.
            let mut low = top.saturating_sub(WINDOW - 1);
            while !exp.bit(low) {
                low += 1;
            }
            let mut value = 0usize;
            for k in (low..=top).rev() {
                value = (value << 1) | usize::from(exp.bit(k));
            }
            let odd = &table[value >> 1];
            acc = Some(match acc {
                None => *odd,
                Some(mut a) => {
                    for _ in low..=top {
                        a = mont_sqr_fixed(&a, &m, self.m_inv);
                    }
                    mont_mul_fixed(&a, odd, &m, self.m_inv)
                }
            });
            i = low;
        }
        let mut r = Big(acc.unwrap_or(one).to_vec());
        r.trim();
        self.plain(&r)
    }

    /// [`Mont::pow`] for any modulus size, on reused buffers.
    fn pow_slices(&self, base: &Big, exp: &Big) -> Big {
        let padded = |x: Big| {
            let mut v = x.0;
            v.resize(self.n, 0);
            v
        };
        let one = padded(self.to_mont(&Big::from_u64(1)));
        let b = padded(self.to_mont(base));
        let (mut t, mut out) = (Vec::new(), Vec::new());
        let mut table: Vec<Vec<u64>> = vec![one.clone()];
        for i in 1..16 {
            let prev = table.get(i - 1).unwrap_or(&one);
            self.mul_into(prev, &b, &mut t, &mut out);
            table.push(out.clone());
        }
        let mut acc = one.clone();
        for w in (0..exp.bits().div_ceil(4)).rev() {
            for _ in 0..4 {
                self.sqr_into(&acc, &mut t, &mut out);
                std::mem::swap(&mut acc, &mut out);
            }
            let mut idx = 0usize;
            for k in (0..4).rev() {
                idx = (idx << 1) | usize::from(exp.bit(w * 4 + k));
            }
            if idx != 0 {
                self.mul_into(&acc, table.get(idx).unwrap_or(&one), &mut t, &mut out);
                std::mem::swap(&mut acc, &mut out);
            }
        }
        let mut r = Big(acc);
        r.trim();
        self.plain(&r)
    }

    /// `a⁻¹ mod m` for a prime `m` (Fermat), plain in and out.
    pub fn inv_prime(&self, a: &Big) -> Big {
        let e = self.m.sub(&Big::from_u64(2)).unwrap_or_default();
        self.pow(a, &e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let a = Big::from_be(&[0xff; 40]);
        let b = Big::from_be(&[0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x11]);
        assert_eq!(a.to_be(0), vec![0xff; 40]);
        assert_eq!(Big::from_be(&[0, 0, 1]).to_be(4), vec![0, 0, 0, 1]);
        let q = a.mul(&b);
        assert_eq!(q.rem(&b), Big::zero());
        assert_eq!(q.add(&Big::from_u64(5)).rem(&b), Big::from_u64(5));
        assert_eq!(a.add(&b).sub(&b).unwrap(), a);
        assert!(b.sub(&a).is_none());
    }

    #[test]
    fn modpow_small_and_large() {
        let m = Big::from_u64(1_000_000_007);
        let mont = Mont::new(&m).unwrap();
        // 3^(10^9+6) = 1 (Fermat); 2^10 = 1024.
        assert_eq!(
            mont.pow(&Big::from_u64(3), &Big::from_u64(1_000_000_006)),
            Big::from_u64(1)
        );
        assert_eq!(
            mont.pow(&Big::from_u64(2), &Big::from_u64(10)),
            Big::from_u64(1024)
        );
        // The P-256 prime: a · a⁻¹ = 1.
        let p = Big::from_be(&[
            0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        ]);
        let mont = Mont::new(&p).unwrap();
        let a = Big::from_be(&[7; 31]);
        let inv = mont.inv_prime(&a);
        let prod = mont.plain(&mont.mul(&mont.to_mont(&a), &mont.to_mont(&inv)));
        assert_eq!(prod, Big::from_u64(1));
        assert!(Mont::new(&Big::from_u64(10)).is_none());
    }

    #[test]
    fn fixed_sizes_agree_with_slices() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut limbs = |n: usize| {
            (0..n)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed
                })
                .collect::<Vec<u64>>()
        };
        for n in [4, 16, 32] {
            for _ in 0..3 {
                let mut m = Big(limbs(n));
                m.0[0] |= 1;
                m.0[n - 1] |= 1 << 63;
                let mont = Mont::new(&m).unwrap();
                let base = Big(limbs(n + 1)).rem(&m);
                let exp = Big(limbs(n));
                let fixed = mont.pow(&base, &exp);
                assert_eq!(fixed, mont.pow_slices(&base, &exp), "{n} limbs");
                assert_eq!(
                    mont.pow(&base, &Big::from_u64(2)),
                    mont.plain(&mont.mul(&mont.to_mont(&base), &mont.to_mont(&base)))
                );
            }
        }
    }

    /// `2^k mod m` bit by bit: the reference for [`Mont::r_squared`].
    fn pow2_mod_slow(k: usize, m: &Big) -> Big {
        let mut r = Big::from_u64(1);
        for _ in 0..k {
            r = r.add(&r).rem(m);
        }
        r
    }

    #[test]
    fn fixed_size_products_carry_everywhere() {
        // Moduli and operands of all-ones limbs make every column's sum and carry maximal.
        fn check<const N: usize>() {
            let mut m = Big(vec![u64::MAX; N]);
            m.0[0] = u64::MAX - 158;
            let mont = Mont::new(&m).unwrap();
            let mut big = m.clone();
            big.0[0] -= 1;
            let fixed = |x: &Big| {
                let mut a = [0u64; N];
                a[..x.0.len()].copy_from_slice(&x.0);
                a
            };
            let mf = fixed(&m);
            for x in [big.clone(), Big(vec![u64::MAX >> 1; N]), Big::from_u64(1)] {
                let want = mont.mul(&x, &x);
                let sqr = mont_sqr_fixed(&fixed(&x), &mf, mont.m_inv);
                let mul = mont_mul_fixed(&fixed(&x), &fixed(&x), &mf, mont.m_inv);
                assert_eq!(sqr, fixed(&want), "{N} limbs");
                assert_eq!(mul, fixed(&want), "{N} limbs");
                let other = mont.mul(&x, &big);
                assert_eq!(
                    mont_mul_fixed(&fixed(&x), &fixed(&big), &mf, mont.m_inv),
                    fixed(&other)
                );
            }
        }
        check::<4>();
        check::<16>();
        check::<32>();
    }

    #[test]
    fn montgomery_setup_and_wide_inputs() {
        for m in [
            Big::from_u64(1_000_000_007),
            Big::from_u64(3),
            Big(vec![u64::MAX - 158; 16]),
            Big::from_be(&[0x35; 40]),
            Big(vec![0xffff_ffff_0000_0001, 0, 5]),
        ] {
            let mont = Mont::new(&m).unwrap();
            assert_eq!(mont.r2, pow2_mod_slow(128 * mont.n, &m), "{m:?}");
            // Values up to twice the modulus's limbs, and beyond, into Montgomery form.
            for x in [
                Big(vec![u64::MAX; 2 * mont.n]),
                Big(vec![0x1234_5678_9abc_def1; 2 * mont.n - 1]),
                Big(vec![7; 2 * mont.n + 1]),
                m.clone(),
                m.add(&Big::from_u64(1)),
            ] {
                assert_eq!(mont.plain(&mont.to_mont(&x)), x.rem(&m), "{x:?} mod {m:?}");
            }
        }
    }

    #[test]
    fn sliding_windows_on_sparse_and_dense_exponents() {
        let mut m = Big::from_be(&[0xc3; 128]);
        m.0[0] |= 1;
        let mont = Mont::new(&m).unwrap();
        let base = Big::from_be(&[0x5a; 100]);
        let mut long_gaps = Big::from_u64(1);
        for _ in 0..7 {
            long_gaps = long_gaps
                .mul(&Big(vec![0, 0, 1 << 7]))
                .add(&Big::from_u64(0b10_0001))
        }
        for exp in [
            Big::zero(),
            Big::from_u64(1),
            Big::from_u64(2),
            Big::from_u64(0b10_0000),
            Big::from_u64(0b11_1111_1111),
            Big(vec![u64::MAX; 16]),
            long_gaps,
        ] {
            assert_eq!(
                mont.pow(&base, &exp),
                mont.pow_slices(&base, &exp),
                "{exp:?}"
            );
        }
    }

    #[test]
    fn squares_are_products() {
        // A 1024-bit odd modulus and operands with every limb pattern that carries.
        let mut m = Big::from_be(&[0xff; 128]);
        m.0[0] = 0xffff_ffff_ffff_ff61;
        let mont = Mont::new(&m).unwrap();
        let samples = [
            Big::from_be(&[0xff; 127]),
            Big::from_be(&[0x80; 128]).rem(&m),
            Big::from_be(&(0..128).map(|i| (i * 37 + 11) as u8).collect::<Vec<_>>()).rem(&m),
            Big::from_u64(3),
        ];
        for x in samples {
            let mut a = x.0.clone();
            a.resize(mont.n, 0);
            let (mut t, mut by_mul, mut by_sqr) = (Vec::new(), Vec::new(), Vec::new());
            mont.mul_into(&a, &a, &mut t, &mut by_mul);
            mont.sqr_into(&a, &mut t, &mut by_sqr);
            assert_eq!(by_sqr, by_mul);
        }
    }
}
