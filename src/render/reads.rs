//! `values` of a Jinja chart as maps that record what templates read of them: a key looked up
//! (`values.image.tag`, `values.x is defined`, `"k" in values.x`) or the whole map iterated
//! (`for`, `tojson`, `toyaml`, `merge`, `keys`). Templates render on several threads, so the
//! log is shared behind a lock; a lookup takes it once.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use minijinja::value::{Enumerator, Object, ObjectRepr, Value};

use crate::values::Reads;

/// What the templates of one render read, per map of the values.
#[derive(Debug, Default)]
pub struct ReadLog {
    maps: Mutex<Vec<Logged>>,
}

#[derive(Debug, Default)]
struct Logged {
    path: Vec<String>,
    whole: bool,
    keys: BTreeSet<String>,
}

impl ReadLog {
    /// The log as engine-neutral [`Reads`].
    pub fn reads(&self) -> Reads {
        let mut reads = Reads::default();
        if let Ok(maps) = self.maps.lock() {
            for m in maps.iter() {
                reads.record(&m.path, m.whole, m.keys.iter().cloned());
            }
        }
        reads
    }

    fn register(&self, path: Vec<String>) -> usize {
        match self.maps.lock() {
            Ok(mut maps) => {
                maps.push(Logged {
                    path,
                    ..Logged::default()
                });
                maps.len() - 1
            }
            Err(_) => usize::MAX,
        }
    }

    fn key(&self, id: usize, key: &str) {
        if let Ok(mut maps) = self.maps.lock()
            && let Some(m) = maps.get_mut(id)
            && !m.keys.contains(key)
        {
            m.keys.insert(key.to_string());
        }
    }

    fn whole(&self, id: usize) {
        if let Ok(mut maps) = self.maps.lock()
            && let Some(m) = maps.get_mut(id)
        {
            m.whole = true;
        }
    }
}

/// A map of the values that logs its reads.
#[derive(Debug)]
struct TrackedMap {
    entries: Vec<(String, Value)>,
    id: usize,
    log: Arc<ReadLog>,
}

impl Object for TrackedMap {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let k = key.as_str()?;
        self.log.key(self.id, k);
        self.entries
            .iter()
            .rev()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.log.whole(self.id);
        Enumerator::Values(
            self.entries
                .iter()
                .map(|(k, _)| Value::from(k.as_str()))
                .collect(),
        )
    }

    // Truth and `length` need the size, not the entries.
    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The values (as JSON) as template values whose maps log their reads into `log`, at `path`
/// from the root of the chart tree's values.
pub fn tracked(json: &serde_json::Value, path: &mut Vec<String>, log: &Arc<ReadLog>) -> Value {
    let serde_json::Value::Object(map) = json else {
        return super::context::to_value(json);
    };
    let id = log.register(path.clone());
    let mut entries = Vec::with_capacity(map.len());
    for (k, v) in map {
        path.push(k.clone());
        let value = match v {
            serde_json::Value::Object(_) => tracked(v, path, log),
            // Lists are leaves: read when their key is.
            _ => super::context::to_value(v),
        };
        path.pop();
        entries.push((k.clone(), value));
    }
    Value::from_object(TrackedMap {
        entries,
        id,
        log: Arc::clone(log),
    })
}
