//! The embedded Kubernetes schemas (`schemas/k8s.bin`, written by `scripts/gen-schemas.py`; the
//! format is in `schemas/README.md`). Nothing is inflated until asked for: the header on first use,
//! one version's index when that version is used, one definition when a walk reaches it. The
//! served API versions (`.Capabilities.APIVersions`) are plain text before the header: a render
//! reads them without inflating anything.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::model::Schema;
use crate::version::{KubeVersion, NEWEST_MINOR, OLDEST_MINOR};

static DATA: &[u8] = include_bytes!("../../schemas/k8s.bin");
const MAGIC: &[u8] = b"KFSCHEM2";

#[derive(Deserialize)]
struct Header {
    versions: BTreeMap<String, (usize, usize)>,
    blobs: Vec<(usize, usize)>,
    docs: Vec<(usize, usize)>,
    /// `group/version/Kind` → bit `minor - OLDEST_MINOR` set when that version serves it.
    served: BTreeMap<String, u32>,
}

#[derive(Deserialize)]
struct IndexJson {
    defs: BTreeMap<String, (u32, u32)>,
    gvk: Vec<(String, String, String, String)>,
}

/// Group, version, kind.
pub type Gvk = (String, String, String);

/// One Kubernetes version's definitions.
pub struct VersionSchemas {
    /// Sorted (the index's keys, in order): [`VersionSchemas::index_of`] searches them.
    names: Vec<String>,
    blobs: Vec<(u32, u32)>,
    /// Boxed: a slot for each of the ~860 definitions, of which a run compiles a few dozen
    /// (an inline `Schema` made the slots ~145 KB written at once, 35 page faults; issue 19).
    slots: Vec<OnceLock<Box<Schema>>>,
    /// Every top-level kind: (group, version, kind) → definition index.
    pub kinds: BTreeMap<Gvk, u32>,
}

struct Embedded {
    header: Header,
    data_start: usize,
}

/// A section of `DATA` at `at`: its u32 length, then its bytes; and where the next one starts.
fn length_prefixed(at: usize) -> Option<(&'static [u8], usize)> {
    let len_bytes: [u8; 4] = DATA.get(at..at + 4)?.try_into().ok()?;
    let end = at + 4 + u32::from_le_bytes(len_bytes) as usize;
    Some((DATA.get(at + 4..end)?, end))
}

/// The API-versions section (`NAME HEXBITS` lines) and the offset of the header after it.
fn api_section() -> Option<(&'static [u8], usize)> {
    DATA.starts_with(MAGIC)
        .then(|| length_prefixed(MAGIC.len()))
        .flatten()
}

fn embedded() -> Option<&'static Embedded> {
    static EMBEDDED: OnceLock<Option<Embedded>> = OnceLock::new();
    EMBEDDED
        .get_or_init(|| {
            let (_, header_at) = api_section()?;
            let (head, data_start) = length_prefixed(header_at)?;
            let header: Header = serde_json::from_slice(&inflate(head)?).ok()?;
            Some(Embedded { header, data_start })
        })
        .as_ref()
}

/// Every `group/version` and `group/version/Kind` version `1.minor` serves (list kinds left
/// out), sorted: the built-in part of `.Capabilities.APIVersions`, read from its own section
/// without inflating the header.
pub fn api_versions_at(minor: u32) -> Vec<String> {
    let Some(bit) = minor
        .checked_sub(OLDEST_MINOR)
        .and_then(|b| 1u32.checked_shl(b))
    else {
        return Vec::new();
    };
    let Some((text, _)) = api_section() else {
        return Vec::new();
    };
    let text = std::str::from_utf8(text).unwrap_or("");
    text.lines()
        .filter_map(|line| {
            let (name, bits) = line.split_once(' ')?;
            let bits = u32::from_str_radix(bits, 16).ok()?;
            (bits & bit != 0).then(|| name.to_string())
        })
        .collect()
}

/// Room for the inflated bytes, in multiples of the compressed ones: more than any section
/// of `k8s.bin` needs (a version's index inflates 6.4 times), so that the output never grows.
/// Room never written is never touched: it costs address space, not pages.
const INFLATE_ROOM: usize = 16;

/// A zlib section inflated. Straight into the vector's room: `read_to_end` over a decoder
/// zeroed the room before each read and grew the vector by copying it (issue 19: ~37 of the
/// rendered corpus's page faults, inflating one version's 69 KB index).
fn inflate(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut z = flate2::Decompress::new(true);
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(INFLATE_ROOM).max(4096));
    loop {
        let (read, written) = (z.total_in(), z.total_out());
        let rest = bytes.get(usize::try_from(read).ok()?..)?;
        match z
            .decompress_vec(rest, &mut out, flate2::FlushDecompress::Finish)
            .ok()?
        {
            flate2::Status::StreamEnd => return Some(out),
            _ if out.len() == out.capacity() => out.reserve(out.capacity()),
            // Room left and nothing more came out: the section is cut short.
            _ if z.total_in() == read && z.total_out() == written => return None,
            _ => {}
        }
    }
}

fn section(offset: usize, len: usize) -> Option<&'static [u8]> {
    let e = embedded()?;
    DATA.get(e.data_start + offset..e.data_start + offset + len)
}

/// The schemas of `version` (by minor), or `None` when it is not embedded.
pub fn version(version: KubeVersion) -> Option<&'static VersionSchemas> {
    static VERSIONS: OnceLock<Vec<OnceLock<Option<VersionSchemas>>>> = OnceLock::new();
    if !version.is_embedded() {
        return None;
    }
    let slots = VERSIONS.get_or_init(|| {
        (OLDEST_MINOR..=NEWEST_MINOR)
            .map(|_| OnceLock::new())
            .collect()
    });
    let slot = slots.get((version.minor - OLDEST_MINOR) as usize)?;
    slot.get_or_init(|| load_version(version.minor)).as_ref()
}

fn load_version(minor: u32) -> Option<VersionSchemas> {
    let e = embedded()?;
    let &(off, len) = e.header.versions.get(&format!("1.{minor}"))?;
    let index: IndexJson = serde_json::from_slice(&inflate(section(off, len)?)?).ok()?;
    // The index's keys come sorted (a `BTreeMap`): the names are searched, not hashed again.
    let (names, blobs): (Vec<String>, Vec<(u32, u32)>) = index.defs.into_iter().unzip();
    let slots = names.iter().map(|_| OnceLock::new()).collect();
    let mut schemas = VersionSchemas {
        names,
        blobs,
        slots,
        kinds: BTreeMap::new(),
    };
    schemas.kinds = index
        .gvk
        .into_iter()
        .filter_map(|(g, v, k, name)| schemas.index_of(&name).map(|i| ((g, v, k), i)))
        .collect();
    Some(schemas)
}

/// Schema used when a definition cannot be read: accepts anything.
static ANY: OnceLock<Schema> = OnceLock::new();

impl VersionSchemas {
    pub fn index_of(&self, name: &str) -> Option<u32> {
        let at = self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()?;
        u32::try_from(at).ok()
    }

    pub fn name(&self, def: u32) -> &str {
        self.names
            .get(def as usize)
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Definition `def`, inflated and compiled on first use (thread-safe).
    pub fn def(&self, def: u32) -> &Schema {
        let Some(slot) = self.slots.get(def as usize) else {
            return ANY.get_or_init(Schema::default);
        };
        slot.get_or_init(|| Box::new(self.load_def(def).unwrap_or_default()))
    }

    fn load_def(&self, def: u32) -> Option<Schema> {
        let e = embedded()?;
        let &(blob, _) = self.blobs.get(def as usize)?;
        let &(off, len) = e.header.blobs.get(blob as usize)?;
        let json: serde_json::Value = serde_json::from_slice(&inflate(section(off, len)?)?).ok()?;
        Some(Schema::compile(&json, &|name| self.index_of(name), false))
    }

    /// The definition's documentation: its description and each property's description.
    pub fn docs(&self, def: u32) -> Docs {
        let load = || -> Option<Docs> {
            let e = embedded()?;
            let &(_, doc) = self.blobs.get(def as usize)?;
            let &(off, len) = e.header.docs.get(doc as usize)?;
            serde_json::from_slice(&inflate(section(off, len)?)?).ok()
        };
        load().unwrap_or_default()
    }

    /// The definition of a kind.
    pub fn kind(&self, group: &str, version: &str, kind: &str) -> Option<u32> {
        self.kinds
            .get(&(group.to_string(), version.to_string(), kind.to_string()))
            .copied()
    }
}

#[derive(Deserialize, Default, Debug)]
pub struct Docs {
    #[serde(default)]
    pub d: String,
    #[serde(default)]
    pub p: BTreeMap<String, String>,
}

/// The minor versions that serve `group/version/kind`, oldest first, from the header alone
/// (no version index is inflated).
pub fn served_minors(group: &str, version: &str, kind: &str) -> Vec<u32> {
    let Some(e) = embedded() else {
        return Vec::new();
    };
    let Some(&bits) = e.header.served.get(&format!("{group}/{version}/{kind}")) else {
        return Vec::new();
    };
    (OLDEST_MINOR..=NEWEST_MINOR)
        .filter(|m| bits & (1 << (m - OLDEST_MINOR)) != 0)
        .collect()
}

/// Every `(group, version, kind)` any embedded version serves.
pub fn all_kinds() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    embedded().into_iter().flat_map(|e| {
        e.header.served.keys().filter_map(|key| {
            let (group, rest) = key.split_once('/')?;
            let (version, kind) = rest.split_once('/')?;
            Some((group, version, kind))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_is_embedded_with_deployment() {
        for v in KubeVersion::embedded() {
            let schemas = version(v).expect("embedded");
            let def = schemas
                .kind("apps", "v1", "Deployment")
                .expect("Deployment");
            let schema = schemas.def(def);
            assert!(schema.property("spec").is_some(), "1.{}", v.minor);
        }
    }

    #[test]
    fn docs_are_kept_apart() {
        let schemas = version(KubeVersion::NEWEST).expect("embedded");
        let def = schemas
            .index_of("io.k8s.api.apps.v1.DeploymentSpec")
            .expect("def");
        let docs = schemas.docs(def);
        assert!(
            docs.p
                .get("replicas")
                .is_some_and(|d| d.contains("desired pods"))
        );
    }
}
