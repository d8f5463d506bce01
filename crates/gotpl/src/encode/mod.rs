//! Helm's encoders and decoders: `toYaml` (sigs.k8s.io/yaml + go-yaml v2's emitter), `toJson`
//! (encoding/json), `fromYaml`, `fromJson`, `toToml`, and their variants.

use crate::func::Func;

pub const FUNCS: &[Func] = &[];
