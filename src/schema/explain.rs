//! `kforge explain`: a field's type and documentation from the embedded schemas, in the layout of
//! `kubectl explain`.

use std::fmt::Write;

use super::apis;
use super::model::{Additional, Schema};
use super::store::{self, VersionSchemas};
use crate::version::KubeVersion;

const WIDTH: usize = 80;

/// kubectl's short names for built-in resources.
const SHORT_NAMES: &[(&str, &str)] = &[
    ("cm", "configmap"),
    ("crd", "customresourcedefinition"),
    ("crds", "customresourcedefinition"),
    ("cj", "cronjob"),
    ("csr", "certificatesigningrequest"),
    ("deploy", "deployment"),
    ("ds", "daemonset"),
    ("ep", "endpoints"),
    ("ev", "event"),
    ("hpa", "horizontalpodautoscaler"),
    ("ing", "ingress"),
    ("limits", "limitrange"),
    ("netpol", "networkpolicy"),
    ("no", "node"),
    ("ns", "namespace"),
    ("pc", "priorityclass"),
    ("pdb", "poddisruptionbudget"),
    ("po", "pod"),
    ("pv", "persistentvolume"),
    ("pvc", "persistentvolumeclaim"),
    ("quota", "resourcequota"),
    ("rc", "replicationcontroller"),
    ("rs", "replicaset"),
    ("sa", "serviceaccount"),
    ("sc", "storageclass"),
    ("sts", "statefulset"),
    ("svc", "service"),
];
const MAX_RECURSION: usize = 12;

/// Explains `query` (`deployment`, `deployment.spec.strategy`, `pods.spec.containers`).
/// `api_version` picks among versions of the kind (`apps/v1`); by default the GA one.
pub fn explain(
    version: KubeVersion,
    query: &str,
    api_version: Option<&str>,
    recursive: bool,
) -> Result<String, String> {
    let schemas =
        store::version(version).ok_or_else(|| format!("Kubernetes {version} is not embedded"))?;
    let mut parts = query.split('.').filter(|p| !p.is_empty());
    let wanted = parts
        .next()
        .ok_or("nothing to explain: give a kind, e.g. deployment.spec")?;
    let ((group, ver, kind), def) = find_kind(schemas, version, wanted, api_version)?;

    let mut schema = schemas.def(def);
    let mut description = schemas.docs(def).d;
    let mut field: Option<(String, String)> = None;
    let mut walked = vec![kind.clone()];
    for name in parts {
        let (holder_def, holder) = resolve_id(schemas, element(schemas, schema));
        let holder_def = if std::ptr::eq(holder, schemas.def(def)) {
            Some(def)
        } else {
            holder_def
        };
        let Some(sub) = holder.property(name) else {
            return Err(format!(
                "field \"{name}\" does not exist in {}",
                walked.join(".")
            ));
        };
        description = holder_docs(schemas, holder_def)
            .p
            .get(name)
            .cloned()
            .unwrap_or_default();
        field = Some((name.to_string(), type_name(schemas, sub)));
        walked.push(name.to_string());
        schema = sub;
    }

    let mut out = String::new();
    if !group.is_empty() {
        let _ = writeln!(out, "GROUP:      {group}");
    }
    let _ = writeln!(out, "KIND:       {kind}");
    let _ = writeln!(out, "VERSION:    {ver}\n");
    if let Some((name, ty)) = &field {
        let _ = writeln!(out, "FIELD: {name} <{ty}>\n");
    }
    let _ = writeln!(out, "DESCRIPTION:");
    if description.is_empty() {
        let _ = writeln!(out, "    <empty>");
    } else {
        wrap(&mut out, &description, 4);
    }
    let (target_def, target) = resolve_id(schemas, element(schemas, schema));
    let target_def = if field.is_none() {
        Some(def)
    } else {
        target_def
    };
    if !target.properties.is_empty() {
        let _ = writeln!(out, "\nFIELDS:");
        fields(
            &mut out,
            schemas,
            (target_def, target),
            1,
            recursive,
            &mut Vec::new(),
        );
    }
    Ok(out)
}

fn find_kind(
    schemas: &VersionSchemas,
    version: KubeVersion,
    wanted: &str,
    api_version: Option<&str>,
) -> Result<((String, String, String), u32), String> {
    let lower = wanted.to_ascii_lowercase();
    let lower = SHORT_NAMES
        .iter()
        .find(|(short, _)| *short == lower)
        .map(|(_, kind)| kind.to_string())
        .unwrap_or(lower);
    let matches = |k: &str| {
        let k = k.to_ascii_lowercase();
        k == lower
            || format!("{k}s") == lower
            || format!("{k}es") == lower
            || k.strip_suffix('y')
                .is_some_and(|stem| format!("{stem}ies") == lower)
    };
    let mut candidates: Vec<(&(String, String, String), &u32)> = schemas
        .kinds
        .iter()
        .filter(|((g, v, k), _)| {
            matches(k)
                && api_version.is_none_or(|av| {
                    let gv = if g.is_empty() {
                        v.clone()
                    } else {
                        format!("{g}/{v}")
                    };
                    gv == av
                })
        })
        .collect();
    if candidates.is_empty() {
        // kubectl's wording, plus the closest kind (kforge knows every kind of the version).
        let kinds: Vec<String> = schemas
            .kinds
            .keys()
            .map(|(_, _, k)| k.to_ascii_lowercase())
            .collect();
        let hint = crate::diag::did_you_mean(&lower, kinds.iter().map(String::as_str))
            .map(|k| format!("; did you mean {k}?"))
            .unwrap_or_default();
        return Err(match api_version {
            Some(av) => {
                format!("the server doesn't have a resource type \"{wanted}\" in {av}{hint}")
            }
            None => format!("the server doesn't have a resource type \"{wanted}\"{hint}"),
        });
    }
    // Prefer the group's preferred (GA) version, then core and well-known groups.
    candidates.sort_by_key(|((g, v, k), _)| {
        let preferred = apis::preferred_version(version, g, k);
        let gv = if g.is_empty() {
            v.clone()
        } else {
            format!("{g}/{v}")
        };
        (
            preferred.as_deref() != Some(gv.as_str()),
            !g.is_empty(),
            g.clone(),
            v.clone(),
        )
    });
    let (gvk, def) = candidates.first().ok_or("no such kind")?;
    Ok(((*gvk).clone(), **def))
}

fn resolve<'s>(schemas: &'s VersionSchemas, s: &'s Schema) -> &'s Schema {
    resolve_id(schemas, s).1
}

/// The schema a `$ref` chain ends at, with the definition it belongs to.
fn resolve_id<'s>(schemas: &'s VersionSchemas, mut s: &'s Schema) -> (Option<u32>, &'s Schema) {
    let mut id = None;
    for _ in 0..8 {
        match s.reference {
            Some(r) => {
                id = Some(r);
                s = schemas.def(r);
            }
            None => break,
        }
    }
    (id, s)
}

/// For lists and maps, the schema of their elements (what `explain` descends into).
fn element<'s>(schemas: &'s VersionSchemas, s: &'s Schema) -> &'s Schema {
    let r = resolve(schemas, s);
    if let Some(items) = &r.items {
        return items;
    }
    if let Additional::Schema(sub) = &r.additional
        && r.properties.is_empty()
    {
        return sub;
    }
    s
}

fn holder_docs(schemas: &VersionSchemas, def: Option<u32>) -> store::Docs {
    def.map(|i| schemas.docs(i)).unwrap_or_default()
}

fn type_name(schemas: &VersionSchemas, s: &Schema) -> String {
    if let Some(r) = s.reference {
        let name = schemas.name(r);
        let short = name.rsplit('.').next().unwrap_or(name);
        let def = schemas.def(r);
        return match short {
            "Time" | "MicroTime" => "string".into(),
            _ if def.properties.is_empty()
                && def.types != 0
                && def.types & super::model::OBJECT == 0 =>
            {
                super::model::type_names(def.types)
            }
            _ => short.to_string(),
        };
    }
    if s.int_or_string {
        return "IntOrString".into();
    }
    if s.quantity {
        return "Quantity".into();
    }
    if let Some(items) = &s.items {
        return format!("[]{}", type_name(schemas, items));
    }
    if let Additional::Schema(sub) = &s.additional
        && s.properties.is_empty()
    {
        return format!("map[string]{}", type_name(schemas, sub));
    }
    match super::model::type_names(s.types).as_str() {
        "" | "object" => "Object".into(),
        t => t.to_string(),
    }
}

fn fields(
    out: &mut String,
    schemas: &VersionSchemas,
    (def, s): (Option<u32>, &Schema),
    depth: usize,
    recursive: bool,
    seen: &mut Vec<usize>,
) {
    let docs = if recursive {
        store::Docs::default()
    } else {
        holder_docs(schemas, def)
    };
    let indent = "  ".repeat(depth);
    for (name, sub) in &s.properties {
        let required = if s.required.iter().any(|r| r == name) {
            " -required-"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{indent}{name}\t<{}>{required}",
            type_name(schemas, sub)
        );
        if recursive {
            let (target_def, target) = resolve_id(schemas, element(schemas, sub));
            let id = target as *const Schema as usize;
            if depth < MAX_RECURSION && !target.properties.is_empty() && !seen.contains(&id) {
                seen.push(id);
                fields(out, schemas, (target_def, target), depth + 1, true, seen);
                seen.pop();
            }
        } else {
            let res = resolve(schemas, sub);
            if !res.enumeration.is_empty() {
                let values: Vec<String> = res
                    .enumeration
                    .iter()
                    .map(|v| v.as_str().map(str::to_string).unwrap_or(v.to_string()))
                    .collect();
                let _ = writeln!(out, "{indent}enum: {}", values.join(", "));
            }
            if let Some(d) = docs.p.get(name) {
                wrap(out, d, depth * 2 + 2);
            }
            out.push('\n');
        }
    }
}

/// Word-wraps `text` at [`WIDTH`] with `indent` spaces, keeping paragraph breaks.
fn wrap(out: &mut String, text: &str, indent: usize) {
    let pad = " ".repeat(indent);
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && indent + line.len() + 1 + word.len() > WIDTH {
                let _ = writeln!(out, "{pad}{line}");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        let _ = writeln!(out, "{pad}{line}");
    }
}
