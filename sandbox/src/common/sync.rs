//! Locking shared state.

use std::sync::{Mutex, MutexGuard};

/// Locks `m`, recovering it from a panic in another holder: the sandbox
/// keeps plain data behind its locks, so it keeps serving.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
