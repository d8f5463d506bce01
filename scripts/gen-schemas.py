#!/usr/bin/env python3
"""Builds schemas/k8s.bin from the Kubernetes JSON Schema definitions in ../shared/k8s-schemas.

Usage: scripts/gen-schemas.py [SCHEMA_ROOT] [OUT_FILE]
  SCHEMA_ROOT defaults to ../shared/k8s-schemas (relative to the repository root),
  OUT_FILE to schemas/k8s.bin. Python 3.11 standard library only; the output is deterministic
  (same input, same bytes). The format is described in schemas/README.md.

Why this shape: kforge embeds every version from 1.25 to 1.37 but a run needs one version and only
the definitions its objects use. Each definition is stored once per distinct content (most do not
change between versions), as its own zlib stream, so the validator inflates only what it touches.
Descriptions are kept apart (only `kforge explain` reads them). `.Capabilities.APIVersions` (all
that `kforge template` needs) is a plain-text section of its own before the header: reading it
costs a scan of a few kilobytes, not the header's inflate and JSON decode.
"""

import gzip
import hashlib
import json
import os
import re
import struct
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA_ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "k8s-schemas")
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "schemas", "k8s.bin")
MAGIC = b"KFSCHEM2"
REF_PREFIX = "#/$defs/"

# Keys the validator and explain need; everything else (patch strategies, unions, descriptions) is
# dropped from validation blobs.
KEEP = {
    "type", "properties", "required", "enum", "format", "items", "additionalProperties", "$ref",
    "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
    "x-kubernetes-int-or-string", "x-kforge-enum-allows-empty",
}

# The shipped schemas spell these as oneOf [string|null, integer|number|null]; Kubernetes treats
# them as one scalar that may be either. Rewritten to markers the validator understands.
SPECIAL = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"x-kubernetes-int-or-string": True},
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {"x-kforge-quantity": True},
}


# Values the API server's validation accepts for fields the OpenAPI documents only in prose
# (`Unsupported value` errors). The empty string is always accepted: defaulting fills it in.
ENUMS = {
    "io.k8s.api.core.v1.ServiceSpec": {
        "type": ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        "externalTrafficPolicy": ["Cluster", "Local"],
        "internalTrafficPolicy": ["Cluster", "Local"],
        "sessionAffinity": ["ClientIP", "None"],
    },
    "io.k8s.api.core.v1.Container": {
        "imagePullPolicy": ["Always", "IfNotPresent", "Never"],
        "terminationMessagePolicy": ["FallbackToLogsOnError", "File"],
    },
    "io.k8s.api.core.v1.PodSpec": {
        "restartPolicy": ["Always", "Never", "OnFailure"],
        "dnsPolicy": ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
    },
    "io.k8s.api.core.v1.ContainerPort": {"protocol": ["SCTP", "TCP", "UDP"]},
    "io.k8s.api.core.v1.ServicePort": {"protocol": ["SCTP", "TCP", "UDP"]},
    "io.k8s.api.networking.v1.NetworkPolicyPort": {"protocol": ["SCTP", "TCP", "UDP"]},
    "io.k8s.api.apps.v1.DeploymentStrategy": {"type": ["Recreate", "RollingUpdate"]},
    "io.k8s.api.apps.v1.StatefulSetSpec": {"podManagementPolicy": ["OrderedReady", "Parallel"]},
    "io.k8s.api.apps.v1.StatefulSetUpdateStrategy": {"type": ["OnDelete", "RollingUpdate"]},
    "io.k8s.api.apps.v1.DaemonSetUpdateStrategy": {"type": ["OnDelete", "RollingUpdate"]},
    "io.k8s.api.batch.v1.CronJobSpec": {"concurrencyPolicy": ["Allow", "Forbid", "Replace"]},
    "io.k8s.api.networking.v1.HTTPIngressPath": {"pathType": ["Exact", "ImplementationSpecific", "Prefix"]},
    "io.k8s.api.core.v1.PersistentVolumeClaimSpec": {"volumeMode": ["Block", "Filesystem"]},
}


def add_enums(name, schema):
    for prop, values in ENUMS.get(name, {}).items():
        sub = schema.get("properties", {}).get(prop)
        if isinstance(sub, dict) and "enum" not in sub:
            sub["enum"] = values
            sub["x-kforge-enum-allows-empty"] = True
    return schema


def strip(schema):
    """Validation view of one schema node (recursively), descriptions removed."""
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key in sorted(schema):
        if key not in KEEP:
            continue
        value = schema[key]
        if key == "$ref":
            value = value[len(REF_PREFIX):] if value.startswith(REF_PREFIX) else value
        elif key == "properties":
            value = {name: strip(sub) for name, sub in sorted(value.items())}
        elif key in ("items", "additionalProperties"):
            value = strip(value)
        out[key] = value
    return out


def docs(schema):
    """Explain view: the definition's description and each property's description."""
    out = {}
    if schema.get("description"):
        out["d"] = schema["description"]
    props = {}
    for name, sub in sorted(schema.get("properties", {}).items()):
        if isinstance(sub, dict) and sub.get("description"):
            props[name] = sub["description"]
    if props:
        out["p"] = props
    return out


def dumps(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


class Store:
    """Content-addressed list of zlib streams."""

    def __init__(self):
        self.ids = {}
        self.items = []

    def add(self, raw):
        digest = hashlib.sha256(raw).digest()
        if digest not in self.ids:
            self.ids[digest] = len(self.items)
            self.items.append(zlib.compress(raw, 9))
        return self.ids[digest]


def api_versions(served):
    """`.Capabilities.APIVersions` of every version at once: each `group/version` and
    `group/version/Kind` (core group: `v1`, `v1/Pod`) of a served kind that is not a list, with the
    bits of the versions serving it, as lines `NAME HEXBITS` sorted by name (byte order, so one
    version's list is the lines whose bit is set, in order)."""
    out = {}
    for key, bits in served.items():
        group, version, kind = key.split("/", 2)
        if kind.endswith("List"):
            continue
        gv = f"{group}/{version}" if group else version
        for name in (gv, f"{gv}/{kind}"):
            out[name] = out.get(name, 0) | bits
    return "".join(f"{name} {bits:x}\n" for name, bits in sorted(out.items())).encode()


def version_key(name):
    return tuple(int(p) for p in re.findall(r"\d+", name))


def main():
    versions = sorted((d for d in os.listdir(SCHEMA_ROOT) if d.startswith("v1.")), key=version_key)
    blobs, doc_blobs, indexes = Store(), Store(), []
    # "group/version/Kind" (core: "/v1/Pod") -> bit i set when versions[i] serves it: lets the
    # validator tell removed from unknown without inflating every version's index.
    served = {}
    for vdir in versions:
        with gzip.open(os.path.join(SCHEMA_ROOT, vdir, "_definitions.json.gz")) as f:
            defs = json.load(f)["$defs"]
        entries, gvks = {}, []
        for name in sorted(defs):
            schema = defs[name]
            valid = SPECIAL.get(name) or strip(add_enums(name, schema))
            entries[name] = [blobs.add(dumps(valid)), doc_blobs.add(dumps(docs(schema)))]
            kinds = schema.get("x-kubernetes-group-version-kind") or []
            # DeleteOptions and WatchEvent claim a kind in every group: not real resources.
            if len(kinds) == 1:
                k = kinds[0]
                gvks.append([k["group"], k["version"], k["kind"], name])
                key = f'{k["group"]}/{k["version"]}/{k["kind"]}'
                served[key] = served.get(key, 0) | (1 << len(indexes))
        minor = ".".join(vdir[1:].split(".")[:2])
        indexes.append((minor, zlib.compress(dumps({"defs": entries, "gvk": gvks}), 9)))

    data = bytearray()

    def place(items):
        table = []
        for item in items:
            table.append([len(data), len(item)])
            data.extend(item)
        return table

    header = {
        "versions": {minor: loc for (minor, _), loc in zip(indexes, place([i for _, i in indexes]))},
        "blobs": place(blobs.items),
        "docs": place(doc_blobs.items),
        "served": dict(sorted(served.items())),
    }
    head = zlib.compress(dumps(header), 9)
    apis = api_versions(served)
    with open(OUT, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<I", len(apis)))
        f.write(apis)
        f.write(struct.pack("<I", len(head)))
        f.write(head)
        f.write(data)
    print(f"{OUT}: {len(versions)} versions, {len(blobs.items)} schema blobs, "
          f"{len(doc_blobs.items)} doc blobs, {8 + 4 + len(apis) + 4 + len(head) + len(data)} bytes")


if __name__ == "__main__":
    main()
