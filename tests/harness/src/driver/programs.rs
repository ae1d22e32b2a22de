//! The programs an engine runs: where each one is (set by a variable,
//! else found), and how it starts, its output going to the driver's log.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// What an engine's factory started, and the session it asks for.
pub struct Started {
    pub processes: Vec<Child>,
    /// The new session's capabilities (a JSON object).
    pub capabilities: serde_json::Value,
}

/// A program: `$var` if set; else the first of `names` on `PATH`, or in
/// the folders `scripts/setup.sh` installs to (`/usr/bin` for Debian's
/// packages, `$CARGO_HOME/bin` for `cargo install`), or at one of
/// `places`. Panics naming the variable when there is none.
pub fn find(var: &str, names: &[&str], places: &[PathBuf]) -> PathBuf {
    if let Some(path) = std::env::var_os(var) {
        return PathBuf::from(path);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let path = std::env::var_os("PATH").unwrap_or_default();
    let folders = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .chain(cargo_home.map(|home| home.join("bin")));
    folders
        .flat_map(|folder| names.iter().map(move |name| folder.join(name)))
        .chain(places.iter().cloned())
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{} not found on PATH or where `make setup` installs it: run `make setup`, or set {var}",
                names.join(" or ")
            )
        })
}

/// Starts `command` in a process group of its own (so that what it starts,
/// a browser, can be stopped with it: see [`stop`]), its output appended to
/// `log`.
pub fn spawn(command: &mut Command, log: &File) -> Child {
    let output = || Stdio::from(log.try_clone().unwrap());
    command
        .process_group(0)
        .stdout(output())
        .stderr(output())
        .spawn()
        .unwrap_or_else(|e| panic!("{:?}: {e}; run `make setup`", command.get_program()))
}

/// A port that was free a moment ago, for a WebDriver server.
pub fn free_port() -> u16 {
    TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills `process` and every process of its group (a WebDriver server and
/// the browser it started, which a hung start may leave behind), and reaps it.
pub fn stop(process: &mut Child) {
    if let Ok(group) = i32::try_from(process.id()) {
        // SAFETY: kill(2) takes plain integers; a group that is gone is an error, ignored.
        unsafe { libc::kill(-group, libc::SIGKILL) };
    }
    let _ = process.kill();
    let _ = process.wait();
}
