//! A map whose entries are forgotten a fixed time after they were inserted.
//!
//! Every entry lives as long as the others, so the deadlines come in
//! insertion order: a queue of `(deadline, key)` is popped from the front
//! on each access, which frees what is due in amortised O(1) and never walks
//! the live entries. Memory is bounded by what was inserted within one lifetime.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Entries by key (a token or an id), each forgotten `lifetime` after its insertion.
pub struct Expiring<V> {
    lifetime: Duration,
    inner: Mutex<Inner<V>>,
}

struct Inner<V> {
    entries: HashMap<Arc<str>, V>,
    /// Deadlines in insertion order (so in deadline order), sharing the keys.
    queue: VecDeque<(Instant, Arc<str>)>,
}

impl<V> Expiring<V> {
    pub fn new(lifetime: Duration) -> Self {
        Self {
            lifetime,
            inner: Mutex::new(Inner {
                entries: HashMap::new(),
                queue: VecDeque::new(),
            }),
        }
    }

    /// Adds an entry at `now`, first forgetting those that are due.
    pub fn insert(&self, now: Instant, key: &str, value: V) {
        let key: Arc<str> = Arc::from(key);
        let mut inner = self.lock(now);
        inner.queue.push_back((now + self.lifetime, key.clone()));
        inner.entries.insert(key, value);
    }

    /// Runs `f` on the entry for `key`, if it is still remembered at `now`.
    pub fn with<R>(&self, now: Instant, key: &str, f: impl FnOnce(&mut V) -> R) -> Option<R> {
        self.lock(now).entries.get_mut(key).map(f)
    }

    /// How many entries are remembered at `now`.
    #[cfg(test)]
    pub fn len(&self, now: Instant) -> usize {
        self.lock(now).entries.len()
    }

    /// The lock, after forgetting the entries due at `now`.
    fn lock(&self, now: Instant) -> std::sync::MutexGuard<'_, Inner<V>> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        while let Some((deadline, _)) = inner.queue.front() {
            if *deadline > now {
                break;
            }
            if let Some((_, key)) = inner.queue.pop_front() {
                inner.entries.remove(&key);
            }
        }
        inner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_forgotten_after_their_lifetime_and_freed() {
        let start = Instant::now();
        let minute = Duration::from_secs(60);
        let map = Expiring::new(minute);
        for i in 0..1000 {
            map.insert(start, &format!("old{i}"), i);
        }
        assert_eq!(map.with(start + minute / 2, "old7", |v| *v), Some(7));
        // A lifetime later, new entries push the old ones out.
        let later = start + minute;
        for i in 0..10 {
            map.insert(later, &format!("new{i}"), i);
        }
        assert_eq!(map.len(later), 10);
        assert_eq!(map.with(later, "old7", |v| *v), None);
        let inner = map.inner.lock().unwrap();
        assert_eq!(inner.queue.len(), 10, "the queue is freed too");
    }
}
