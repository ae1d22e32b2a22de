//! Where the harness finds the repository's files: the built demo in
//! `dist/`, the npm packages the tests inject (axe-core), and the folder it
//! leaves screenshots in.

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

/// A file of an npm package in `node_modules/` (`make setup` installs them).
pub fn npm_file(path: &str) -> String {
    let path = root().join("node_modules").join(path);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run make setup)", path.display()))
}

/// `target/e2e/`, for the screenshots of failed tests and the tests' own.
pub fn screenshots() -> PathBuf {
    root().join("target/e2e")
}
