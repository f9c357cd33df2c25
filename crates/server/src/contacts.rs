//! Which agents are in contact: their streams open now, and the agents heard from since the
//! last write. Written to storage in one statement per keep-alive interval, so ten thousand
//! agents reconnecting after a deploy cost one write, not ten thousand in front of a halt.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

#[derive(Debug, Default)]
pub(crate) struct Contacts {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Streams open now, by agent id (one agent may briefly hold two while reconnecting).
    open: HashMap<String, usize>,
    /// Agents heard from since the last write (long-polls, and streams that closed).
    recent: BTreeSet<String>,
}

/// An open stream's contact; dropping it ends it.
#[derive(Debug)]
pub(crate) struct StreamContact {
    id: String,
    inner: Arc<Mutex<Inner>>,
}

impl Contacts {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The data stays consistent whatever a panicking holder did: plain inserts.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An agent's stream opened; it is in contact until the guard is dropped.
    pub(crate) fn stream(&self, id: String) -> StreamContact {
        let mut inner = self.lock();
        *inner.open.entry(id.clone()).or_default() += 1;
        inner.recent.insert(id.clone());
        StreamContact {
            id,
            inner: self.inner.clone(),
        }
    }

    /// An agent was heard from once (a long-poll).
    pub(crate) fn seen(&self, id: String) {
        self.lock().recent.insert(id);
    }

    /// Whether an agent's stream is open on this server now.
    pub(crate) fn is_open(&self, id: &str) -> bool {
        self.lock().open.contains_key(id)
    }

    /// Every agent to record as in contact now, and a fresh start for the next interval.
    pub(crate) fn take_recent(&self) -> Vec<String> {
        let mut inner = self.lock();
        let mut ids = std::mem::take(&mut inner.recent);
        ids.extend(inner.open.keys().cloned());
        ids.into_iter().collect()
    }
}

impl Drop for StreamContact {
    fn drop(&mut self) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = inner.open.get_mut(&self.id) {
            *count -= 1;
            if *count == 0 {
                inner.open.remove(&self.id);
            }
        }
        inner.recent.insert(std::mem::take(&mut self.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_streams_and_recent_polls_are_recorded_once_per_interval() {
        let contacts = Contacts::default();
        let stream = contacts.stream("a".into());
        contacts.seen("b".into());
        assert_eq!(contacts.take_recent(), ["a", "b"]);
        // The stream is still open: still in contact; the poll is not repeated.
        assert_eq!(contacts.take_recent(), ["a"]);
        assert!(contacts.is_open("a"));
        drop(stream);
        assert!(!contacts.is_open("a"));
        assert_eq!(contacts.take_recent(), ["a"]);
        assert!(contacts.take_recent().is_empty());
    }
}
