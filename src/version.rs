//! The Kubernetes version a run targets (`--kube-version`).

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// The oldest and newest minor versions whose schemas are embedded.
pub const OLDEST_MINOR: u32 = 25;
pub const NEWEST_MINOR: u32 = 37;

impl KubeVersion {
    pub const NEWEST: KubeVersion = KubeVersion {
        major: 1,
        minor: NEWEST_MINOR,
        patch: 0,
    };

    /// Parses `1.NN`, `1.NN.P` or `v1.NN.P`.
    pub fn parse(text: &str) -> Option<KubeVersion> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let mut parts = t.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(KubeVersion {
            major,
            minor,
            patch,
        })
    }

    /// Whether schemas for this version are embedded.
    pub fn is_embedded(&self) -> bool {
        self.major == 1 && (OLDEST_MINOR..=NEWEST_MINOR).contains(&self.minor)
    }

    pub fn embedded() -> impl Iterator<Item = KubeVersion> {
        (OLDEST_MINOR..=NEWEST_MINOR).map(|minor| KubeVersion {
            major: 1,
            minor,
            patch: 0,
        })
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The commit kforge was built from (see build.rs); empty when the build could not tell.
pub const COMMIT: &str = env!("KFORGE_COMMIT");

/// What `kforge --version` prints after the program name: the version, the commit it was built
/// from, and the Kubernetes versions whose schemas are embedded (the default is the newest).
pub fn long() -> String {
    let commit = match COMMIT.get(..12) {
        Some(short) => format!("commit {short}"),
        None if COMMIT.is_empty() => "commit unknown".to_string(),
        None => format!("commit {COMMIT}"),
    };
    let minors: Vec<String> = KubeVersion::embedded()
        .map(|v| format!("{}.{}", v.major, v.minor))
        .collect();
    format!(
        "{} ({commit})\nKubernetes: {} (default {}.{})",
        env!("CARGO_PKG_VERSION"),
        minors.join(", "),
        KubeVersion::NEWEST.major,
        KubeVersion::NEWEST.minor,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_users_type() {
        assert_eq!(
            KubeVersion::parse("1.33"),
            Some(KubeVersion {
                major: 1,
                minor: 33,
                patch: 0
            })
        );
        assert_eq!(
            KubeVersion::parse("v1.29.4"),
            Some(KubeVersion {
                major: 1,
                minor: 29,
                patch: 4
            })
        );
        assert_eq!(KubeVersion::parse("1"), None);
        assert_eq!(KubeVersion::parse("1.x"), None);
        assert!(!KubeVersion::parse("1.24").is_some_and(|v| v.is_embedded()));
    }
}
