//! ClusterIP and NodePort allocation (`pkg/registry/core/service/ipallocator`, `portallocator`).
//! Dynamic allocation is deterministic: the first free address or port of the upper ("dynamic")
//! band, as the real allocators prefer that band and leave the lower one to explicit requests.

use crate::source::Span;
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

/// Who holds an address or port, for the conflict finding's secondary label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// `Service "web"` (namespace-qualified when it differs).
    pub what: String,
    /// The field that asked for it, when it is in a file.
    pub span: Option<Span>,
}

/// An IPv4 service CIDR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    pub base: u32,
    pub prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Cidr> {
        let (ip, prefix) = text.trim().split_once('/')?;
        let ip: Ipv4Addr = ip.parse().ok()?;
        let prefix: u8 = prefix.parse().ok()?;
        if prefix > 30 {
            return None;
        }
        let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
        Some(Cidr {
            base: u32::from(ip) & mask,
            prefix,
        })
    }

    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    pub fn contains(&self, ip: u32) -> bool {
        let offset = u64::from(ip.wrapping_sub(self.base));
        ip >= self.base && offset < self.size()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpError {
    NotInRange,
    Taken(Holder),
    Full,
    /// Not an IPv4 address (IPv6 service ranges are not modelled).
    Unparsable,
}

#[derive(Clone, Debug)]
pub struct IpAllocator {
    pub cidr: Cidr,
    taken: BTreeMap<u32, Holder>,
    /// How many leading positions of `allocate_next`'s probe order are known to be taken, so a
    /// run with thousands of Services does not probe the same taken addresses again each time
    /// (quadratic). Only `release` can free one of them: it resets this to 0.
    probed: u64,
}

impl IpAllocator {
    pub fn new(cidr: Cidr) -> IpAllocator {
        IpAllocator {
            cidr,
            taken: BTreeMap::new(),
            probed: 0,
        }
    }

    pub fn allocate(&mut self, ip: &str, holder: Holder) -> Result<(), IpError> {
        let addr: Ipv4Addr = ip.parse().map_err(|_| IpError::Unparsable)?;
        let a = u32::from(addr);
        // The network address and the broadcast address are not allocatable.
        let last = u64::from(self.cidr.base) + self.cidr.size() - 1;
        if !self.cidr.contains(a) || a == self.cidr.base || u64::from(a) == last {
            return Err(IpError::NotInRange);
        }
        if let Some(h) = self.taken.get(&a) {
            return Err(IpError::Taken(h.clone()));
        }
        self.taken.insert(a, holder);
        Ok(())
    }

    pub fn allocate_next(&mut self, holder: Holder) -> Result<String, IpError> {
        let size = self.cidr.size();
        let band = (size / 16).clamp(16, 256).min(size.saturating_sub(2));
        let usable = 1..size.saturating_sub(1);
        let order = (band.max(1)..usable.end).chain(usable.start..band.max(1));
        for (position, offset) in order.enumerate().skip(self.probed_positions()) {
            self.probed = position as u64;
            let Ok(offset) = u32::try_from(offset) else {
                continue;
            };
            let a = self.cidr.base.wrapping_add(offset);
            if let std::collections::btree_map::Entry::Vacant(slot) = self.taken.entry(a) {
                slot.insert(holder);
                self.probed = position as u64 + 1;
                return Ok(Ipv4Addr::from(a).to_string());
            }
        }
        Err(IpError::Full)
    }

    fn probed_positions(&self) -> usize {
        usize::try_from(self.probed).unwrap_or(usize::MAX)
    }

    pub fn release(&mut self, ip: &str) {
        if let Ok(addr) = ip.parse::<Ipv4Addr>() {
            self.taken.remove(&u32::from(addr));
            self.probed = 0;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PortRange {
    pub base: i64,
    /// Inclusive.
    pub last: i64,
}

impl PortRange {
    pub const DEFAULT: PortRange = PortRange {
        base: 30000,
        last: 32767,
    };

    /// `30000-32767`, or a single port.
    pub fn parse(text: &str) -> Option<PortRange> {
        let (a, b) = text
            .trim()
            .split_once('-')
            .unwrap_or((text.trim(), text.trim()));
        let base: i64 = a.trim().parse().ok()?;
        let last: i64 = b.trim().parse().ok()?;
        ((1..=65535).contains(&base) && (base..=65535).contains(&last))
            .then_some(PortRange { base, last })
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.base, self.last)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortError {
    NotInRange,
    Taken(Holder),
    Full,
}

#[derive(Clone, Debug)]
pub struct PortAllocator {
    pub range: PortRange,
    taken: BTreeMap<i64, Holder>,
}

impl PortAllocator {
    pub fn new(range: PortRange) -> PortAllocator {
        PortAllocator {
            range,
            taken: BTreeMap::new(),
        }
    }

    pub fn allocate(&mut self, port: i64, holder: Holder) -> Result<(), PortError> {
        if !(self.range.base..=self.range.last).contains(&port) {
            return Err(PortError::NotInRange);
        }
        if let Some(h) = self.taken.get(&port) {
            return Err(PortError::Taken(h.clone()));
        }
        self.taken.insert(port, holder);
        Ok(())
    }

    pub fn allocate_next(&mut self, holder: Holder) -> Result<i64, PortError> {
        let size = self.range.last - self.range.base + 1;
        let band = (size / 32).clamp(16, 128).min(size - 1).max(0);
        let start = self.range.base + band;
        let order = (start..=self.range.last).chain(self.range.base..start);
        for port in order {
            if let std::collections::btree_map::Entry::Vacant(slot) = self.taken.entry(port) {
                slot.insert(holder);
                return Ok(port);
            }
        }
        Err(PortError::Full)
    }

    pub fn release(&mut self, port: i64) {
        self.taken.remove(&port);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: &str) -> Holder {
        Holder {
            what: n.to_string(),
            span: None,
        }
    }

    #[test]
    fn cluster_ips() {
        let cidr = Cidr::parse("10.96.0.0/12").unwrap();
        let mut a = IpAllocator::new(cidr);
        assert_eq!(a.allocate("10.96.0.1", h("kubernetes")), Ok(()));
        assert_eq!(
            a.allocate("10.96.0.1", h("x")),
            Err(IpError::Taken(h("kubernetes")))
        );
        assert_eq!(a.allocate("192.168.0.1", h("x")), Err(IpError::NotInRange));
        assert_eq!(a.allocate_next(h("web")), Ok("10.96.1.0".to_string()));
        assert_eq!(a.allocate_next(h("db")), Ok("10.96.1.1".to_string()));
        assert!(cidr.contains(u32::from(Ipv4Addr::new(10, 111, 255, 254))));
        assert!(!cidr.contains(u32::from(Ipv4Addr::new(10, 112, 0, 0))));
    }

    #[test]
    fn node_ports() {
        let mut a = PortAllocator::new(PortRange::DEFAULT);
        assert_eq!(a.allocate(30000, h("a")), Ok(()));
        assert_eq!(a.allocate(30000, h("b")), Err(PortError::Taken(h("a"))));
        assert_eq!(a.allocate(8080, h("b")), Err(PortError::NotInRange));
        assert_eq!(a.allocate_next(h("c")), Ok(30086));
        let mut tiny = PortAllocator::new(PortRange::parse("30000-30001").unwrap());
        assert!(tiny.allocate_next(h("a")).is_ok());
        assert!(tiny.allocate_next(h("b")).is_ok());
        assert_eq!(tiny.allocate_next(h("c")), Err(PortError::Full));
    }
    /// A /30 has four addresses: the network and broadcast ones are not allocatable, which
    /// leaves two; /31 and /32 leave none and are refused as service CIDRs.
    #[test]
    fn a_slash_30_has_two_service_addresses() {
        let cidr = Cidr::parse("10.0.0.0/30").unwrap();
        assert_eq!(cidr.size(), 4);
        assert_eq!(Cidr::parse("10.0.0.0/31"), None);
        assert_eq!(Cidr::parse("10.0.0.0/32"), None);
        let mut a = IpAllocator::new(cidr);
        assert_eq!(a.allocate("10.0.0.0", h("x")), Err(IpError::NotInRange));
        assert_eq!(a.allocate("10.0.0.3", h("x")), Err(IpError::NotInRange));
        assert_eq!(a.allocate("10.0.0.4", h("x")), Err(IpError::NotInRange));
        assert_eq!(a.allocate_next(h("a")), Ok("10.0.0.2".to_string()));
        assert_eq!(a.allocate_next(h("b")), Ok("10.0.0.1".to_string()));
        assert_eq!(a.allocate_next(h("c")), Err(IpError::Full));
        a.release("10.0.0.1");
        assert_eq!(a.allocate_next(h("d")), Ok("10.0.0.1".to_string()));
    }

    /// `10.96.0.5/12` in a profile means the network 10.96.0.0/12, as the API server's flag
    /// parsing (net.ParseCIDR) reads it.
    #[test]
    fn host_bits_of_a_profile_cidr_are_dropped() {
        let cidr = Cidr::parse("10.96.0.5/12").unwrap();
        assert_eq!(cidr, Cidr::parse("10.96.0.0/12").unwrap());
        assert_eq!(cidr.to_string(), "10.96.0.0/12");
        assert_eq!(
            Cidr::parse("10.111.255.255/12").unwrap().to_string(),
            "10.96.0.0/12"
        );
        assert_eq!(Cidr::parse("10.96.0.0/33"), None);
        assert_eq!(Cidr::parse("10.96.0.0"), None);
        assert_eq!(Cidr::parse("10.96.0/12"), None);
    }

    #[test]
    fn the_broadcast_address_is_not_a_service_address() {
        let mut a = IpAllocator::new(Cidr::parse("10.96.0.0/12").unwrap());
        assert_eq!(
            a.allocate("10.111.255.255", h("x")),
            Err(IpError::NotInRange)
        );
        assert_eq!(a.allocate("10.111.255.254", h("x")), Ok(()));
        assert_eq!(a.allocate("10.96.0.0", h("x")), Err(IpError::NotInRange));
        assert_eq!(a.allocate("10.96.0.1", h("x")), Ok(()));
        assert_eq!(
            a.allocate("10.95.255.255", h("x")),
            Err(IpError::NotInRange)
        );
        assert_eq!(a.allocate("10.112.0.0", h("x")), Err(IpError::NotInRange));
        assert_eq!(a.allocate("fd00::1", h("x")), Err(IpError::Unparsable));
    }

    #[test]
    fn node_port_range_ends_are_allocatable() {
        let mut a = PortAllocator::new(PortRange::DEFAULT);
        assert_eq!(a.allocate(32767, h("a")), Ok(()));
        assert_eq!(a.allocate(32768, h("b")), Err(PortError::NotInRange));
        assert_eq!(a.allocate(29999, h("b")), Err(PortError::NotInRange));
        assert_eq!(a.allocate(30000, h("b")), Ok(()));
        assert_eq!(
            PortRange::parse("30000"),
            Some(PortRange {
                base: 30000,
                last: 30000
            })
        );
        assert_eq!(
            PortRange::parse("1-65535"),
            Some(PortRange {
                base: 1,
                last: 65535
            })
        );
        assert_eq!(PortRange::parse("0-10"), None);
        assert_eq!(PortRange::parse("30000-65536"), None);
        assert_eq!(PortRange::parse("32767-30000"), None);
        assert_eq!(
            PortRange::parse(" 30000 - 30002 ").map(|r| r.to_string()),
            Some("30000-30002".to_string())
        );
        // A one-port range: that port, then full.
        let mut one = PortAllocator::new(PortRange::parse("30005").unwrap());
        assert_eq!(one.allocate_next(h("a")), Ok(30005));
        assert_eq!(one.allocate_next(h("b")), Err(PortError::Full));
        one.release(30005);
        assert_eq!(one.allocate_next(h("c")), Ok(30005));
    }

    /// The first dynamic address is `size / 16` clamped to 16..=256 past the network address:
    /// a /24 starts at .16, a /22 inside the clamp at .64, a /20 at the top of it (256).
    #[test]
    fn the_dynamic_band_grows_with_the_cidr_between_16_and_256() {
        for (cidr, first) in [
            ("10.0.0.0/24", "10.0.0.16"),
            ("10.0.0.0/22", "10.0.0.64"),
            ("10.0.0.0/20", "10.0.1.0"),
            ("10.0.0.0/19", "10.0.1.0"),
            ("10.0.0.0/28", "10.0.0.14"),
        ] {
            let mut a = IpAllocator::new(Cidr::parse(cidr).unwrap());
            assert_eq!(a.allocate_next(h("web")), Ok(first.to_string()), "{cidr}");
        }
    }

    /// A two-port range's dynamic band is its upper port: that one first, then the lower one.
    #[test]
    fn a_two_port_range_gives_its_upper_port_first() {
        let mut tiny = PortAllocator::new(PortRange::parse("30000-30001").unwrap());
        assert_eq!(tiny.allocate_next(h("a")), Ok(30001));
        assert_eq!(tiny.allocate_next(h("b")), Ok(30000));
        assert_eq!(tiny.allocate_next(h("c")), Err(PortError::Full));
    }

    /// The first dynamic port is `size / 32` clamped to 16..=128 past the range's base.
    #[test]
    fn the_dynamic_port_band_grows_with_the_range_between_16_and_128() {
        for (range, first) in [
            ("30000-30099", 30016),
            ("30000-31023", 30032),
            ("30000-32767", 30086),
            ("20000-29999", 20128),
        ] {
            let mut a = PortAllocator::new(PortRange::parse(range).unwrap());
            assert_eq!(a.allocate_next(h("web")), Ok(first), "{range}");
        }
    }

    /// The probe memo that keeps thousands of allocations linear: each allocation resumes just
    /// past the last address it gave, and a release (which may free an earlier one) starts over.
    /// Results alone cannot show it (a memo stuck at 0 gives the same addresses, quadratically).
    #[test]
    fn allocation_resumes_past_the_last_address_until_a_release() {
        let mut a = IpAllocator::new(Cidr::parse("10.0.0.0/24").unwrap());
        assert_eq!(a.probed_positions(), 0);
        assert_eq!(a.allocate_next(h("a")), Ok("10.0.0.16".to_string()));
        assert_eq!(a.probed_positions(), 1);
        assert_eq!(a.allocate("10.0.0.17", h("b")), Ok(()));
        assert_eq!(a.allocate_next(h("c")), Ok("10.0.0.18".to_string()));
        assert_eq!(a.probed_positions(), 3);
        a.release("10.0.0.16");
        assert_eq!(a.probed_positions(), 0);
        assert_eq!(a.allocate_next(h("d")), Ok("10.0.0.16".to_string()));
        assert_eq!(a.probed_positions(), 1);
    }
}
