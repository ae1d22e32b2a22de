//! Where the harness finds the repository's files: the built demo in
//! `dist/`, and the folder it leaves screenshots in.

use std::path::{Path, PathBuf};

/// The repository's root (this crate is `tests/harness/` in it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `dist/`, built by `make build`, which the demo CRM serves.
pub fn dist() -> PathBuf {
    let dist = root().join("dist");
    assert!(
        dist.join("index.html").is_file(),
        "dist/ is missing: build the demo first (make build)"
    );
    dist
}

/// `target/e2e/`, for the screenshots of failed tests and the tests' own.
pub fn screenshots() -> PathBuf {
    root().join("target/e2e")
}
