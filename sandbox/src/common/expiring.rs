//! A map whose entries are forgotten a fixed time after they were inserted.
//!
//! Every entry lives as long as the others, so the deadlines come in
//! insertion order: a queue of `(deadline, key)` is popped from the front
//! on each access, which frees what is due in amortised O(1) and never walks
//! the live entries. Memory is bounded by what was inserted within one lifetime.
//! The entries are split into shards, each with its own lock and queue, so
//! that requests seldom wait for each other, nor for one shard's table to
//! grow: a table doubles by rehashing every entry it holds, under its lock,
//! so the more shards, the shorter that pause. With 16 shards, `make bench`
//! saw p99 jump to 19, 43 and 93 ms in the slices where memory grew fastest
//! (up to a million live sessions), when tables double; with 256 (tables 16
//! times smaller) its worst p99 was 7.6 ms.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::sync::lock;

const SHARDS: usize = 256;

/// Entries by key (a token or an id), each forgotten `lifetime` after its insertion.
pub struct Expiring<V> {
    lifetime: Duration,
    shards: [Mutex<Inner<V>>; SHARDS],
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
            shards: std::array::from_fn(|_| {
                Mutex::new(Inner {
                    entries: HashMap::new(),
                    queue: VecDeque::new(),
                })
            }),
        }
    }

    /// Adds an entry at `now`, first forgetting those that are due.
    pub fn insert(&self, now: Instant, key: &str, value: V) {
        let mut inner = self.lock(now, key);
        let key: Arc<str> = Arc::from(key);
        inner.queue.push_back((now + self.lifetime, key.clone()));
        inner.entries.insert(key, value);
    }

    /// Runs `f` on the entry for `key`, if it is still remembered at `now`.
    pub fn with<R>(&self, now: Instant, key: &str, f: impl FnOnce(&mut V) -> R) -> Option<R> {
        self.lock(now, key).entries.get_mut(key).map(f)
    }

    /// How many entries and queued deadlines there are at `now` (each shard
    /// forgets what is due first, as on any access).
    #[cfg(test)]
    pub fn len(&self, now: Instant) -> (usize, usize) {
        (0..SHARDS)
            .map(|i| {
                let inner = self.lock_shard(now, i);
                (inner.entries.len(), inner.queue.len())
            })
            .fold((0, 0), |(e, q), (de, dq)| (e + de, q + dq))
    }

    /// The lock of `key`'s shard, after forgetting its entries due at `now`.
    fn lock(&self, now: Instant, key: &str) -> std::sync::MutexGuard<'_, Inner<V>> {
        let hash = key.bytes().fold(0usize, |h, b| {
            h.wrapping_mul(31).wrapping_add(usize::from(b))
        });
        self.lock_shard(now, hash % SHARDS)
    }

    fn lock_shard(&self, now: Instant, shard: usize) -> std::sync::MutexGuard<'_, Inner<V>> {
        let mut inner = lock(&self.shards[shard]);
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
        // A lifetime later, any access to a shard frees its old entries.
        let later = start + minute;
        for i in 0..10 {
            map.insert(later, &format!("new{i}"), i);
        }
        assert_eq!(map.len(later), (10, 10), "entries and queue are freed");
        assert_eq!(map.with(later, "old7", |v| *v), None);
    }
}
