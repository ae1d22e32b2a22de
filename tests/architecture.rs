//! The rules ARCHITECTURE.md states, checked on the source:
//!
//! - no import cycles between the modules of any crate in the workspace
//!   (a module that uses an item of its parent while the parent uses it is
//!   a cycle too);
//! - in the sandbox, `common/` knows neither provider, and the provider
//!   folders (`onlyfansapi/`, `ofauth/`) never use each other;
//! - no source file over 400 lines of code (comments, blank lines and test
//!   modules aside), and no part of the test harness over 300.
//!
//! Paths are read from the code itself (`crate::`, `super::`, `self::` and a
//! child module's name), so a new edge is seen where it is written.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const CRATES: [&str; 4] = ["src", "sandbox/src", "demo/src", "tests/harness/src"];
const MAX_CODE_LINES: usize = 400;
const MAX_HARNESS_LINES: usize = 300;

/// One source file: its module path (`""` for the crate root) and its code
/// without comments or test modules.
struct Module {
    path: Vec<String>,
    code: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Rust source with its comments removed and every string and character
/// literal emptied (`""`, `' '`), line breaks kept: what is left is code,
/// so `"https://…"`, `'"'` or `/* crate::x */` cannot hide or invent a path.
fn strip(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let at = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, ch)| c.get(i + k) == Some(&ch))
    };
    while i < c.len() {
        if at(i, "//") {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if at(i, "/*") {
            let mut depth = 0;
            while i < c.len() {
                if at(i, "/*") {
                    depth += 1;
                    i += 2;
                } else if at(i, "*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c[i] == 'r' && (at(i + 1, "\"") || at(i + 1, "#")) && !ident_before(&c, i) {
            // A raw string: r"…", r#"…"#.
            let hashes = c[i + 1..].iter().take_while(|&&ch| ch == '#').count();
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            i += 2 + hashes;
            while i < c.len() && !at(i, &close) {
                if c[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += close.len();
            out.push_str("\"\"");
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\n' {
                    out.push('\n');
                }
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && (at(i + 2, "'") || (c.get(i + 1) == Some(&'\\'))) {
            // A character literal ('x', '\n', '\'', '\u{..}'); a lifetime has no closing quote.
            i += 1;
            if c[i] == '\\' {
                i += 2;
            }
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

fn ident_before(c: &[char], i: usize) -> bool {
    i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_')
}

/// The code a reader maintains: [`strip`]ped, without the inline test
/// modules (`#[cfg(test)] mod tests { … }`, wherever they are; a `tests.rs`
/// file is left out whole).
fn code_of(text: &str) -> String {
    let code = strip(text);
    let lines: Vec<&str> = code.lines().collect();
    let mut kept = vec![];
    let mut i = 0;
    while i < lines.len() {
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        if lines[i].trim() == "#[cfg(test)]" && next.contains("mod ") && next.ends_with('{') {
            let mut depth = 0i32;
            i += 1;
            while i < lines.len() {
                depth +=
                    lines[i].matches('{').count() as i32 - lines[i].matches('}').count() as i32;
                i += 1;
                if depth <= 0 {
                    break;
                }
            }
            continue;
        }
        kept.push(lines[i]);
        i += 1;
    }
    kept.join("\n")
}

fn code_lines(code: &str) -> usize {
    code.lines().filter(|l| !l.trim().is_empty()).count()
}

/// The modules of the crate rooted at `dir` (the binary's `main.rs` is a
/// crate of its own, which uses the library by name, so it is left out).
fn modules(dir: &Path) -> Vec<Module> {
    let mut files = vec![];
    rust_files(dir, &mut files);
    files
        .into_iter()
        .filter(|f| {
            let name = f.file_name().unwrap().to_str().unwrap();
            name != "main.rs" && name != "tests.rs"
        })
        .map(|file| {
            let relative = file.strip_prefix(dir).unwrap().with_extension("");
            let mut path: Vec<String> = relative
                .iter()
                .map(|p| p.to_str().unwrap().to_owned())
                .collect();
            if matches!(path.last().map(String::as_str), Some("lib" | "mod")) {
                path.pop();
            }
            let code = code_of(&fs::read_to_string(&file).unwrap());
            Module { path, code }
        })
        .collect()
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Sep,
    Open,
    Close,
    Comma,
    Other,
}

fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
            continue;
        }
        if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(Token::Sep);
            i += 1;
        } else if c == '{' {
            out.push(Token::Open);
        } else if c == '}' {
            out.push(Token::Close);
        } else if c == ',' {
            out.push(Token::Comma);
        } else if !c.is_whitespace() {
            out.push(Token::Other);
        }
        i += 1;
    }
    out
}

/// Every path a module names (`crate::a::B`, `super::{c, d::E}`, `child::F`),
/// as absolute segments from the crate root.
fn named_paths(module: &Module, in_scope: &BTreeMap<String, Vec<String>>) -> Vec<Vec<String>> {
    let toks = tokens(&module.code);
    let mut out = vec![];
    let mut i = 0;
    while i < toks.len() {
        let after_sep = i > 0 && toks[i - 1] == Token::Sep;
        let Token::Ident(first) = &toks[i] else {
            i += 1;
            continue;
        };
        if after_sep || toks.get(i + 1) != Some(&Token::Sep) {
            i += 1;
            continue;
        }
        let mut base: Vec<String> = match first.as_str() {
            "crate" => vec![],
            "self" => module.path.clone(),
            "super" => module.path[..module.path.len().saturating_sub(1)].to_vec(),
            name if in_scope.contains_key(name) => in_scope[name].clone(),
            _ => {
                i += 1;
                continue;
            }
        };
        i += 2;
        while toks.get(i) == Some(&Token::Ident("super".into()))
            && toks.get(i + 1) == Some(&Token::Sep)
        {
            base.pop();
            i += 2;
        }
        i = tree(&toks, i, base, &mut out);
    }
    out
}

/// Reads one use-tree (or expression path) at `i` under `base`.
fn tree(toks: &[Token], mut i: usize, mut base: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    loop {
        match toks.get(i) {
            Some(Token::Ident(name)) => {
                base.push(name.clone());
                i += 1;
                if toks.get(i) == Some(&Token::Sep) {
                    i += 1;
                    continue;
                }
                out.push(base);
                return i;
            }
            Some(Token::Open) => {
                i += 1;
                while !matches!(toks.get(i), Some(Token::Close) | None) {
                    i = tree(toks, i, base.clone(), out);
                    while !matches!(toks.get(i), Some(Token::Comma | Token::Close) | None) {
                        i += 1; // `as name`, `*`
                    }
                    if toks.get(i) == Some(&Token::Comma) {
                        i += 1;
                    }
                }
                return i + 1;
            }
            _ => {
                out.push(base);
                return i;
            }
        }
    }
}

/// The module each module uses, with the file that says so.
fn edges(modules: &[Module]) -> BTreeMap<String, BTreeSet<String>> {
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let children = |of: &[String]| -> Vec<Vec<String>> {
        known
            .iter()
            .filter(|p| p.len() == of.len() + 1 && p.starts_with(of))
            .cloned()
            .collect()
    };
    for m in modules {
        // Module names usable without a prefix: the module's children, and
        // its parent's or the root's after `use super::*` or `use crate::*`.
        let mut in_scope: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let parent = &m.path[..m.path.len().saturating_sub(1)];
        let squeezed: String = m.code.split_whitespace().collect();
        let mut scopes = vec![m.path.clone()];
        if squeezed.contains("usesuper::*;") {
            scopes.push(parent.to_vec());
        }
        if squeezed.contains("usecrate::*;") {
            scopes.push(vec![]);
        }
        for scope in scopes {
            for child in children(&scope) {
                in_scope.insert(child.last().unwrap().clone(), child);
            }
        }
        let uses = graph.entry(m.path.join("::")).or_default();
        for mut path in named_paths(m, &in_scope) {
            while !known.contains(&path) {
                path.pop();
            }
            if path != m.path {
                uses.insert(path.join("::"));
            }
        }
    }
    graph
}

fn name(module: &str) -> &str {
    if module.is_empty() {
        "(crate root)"
    } else {
        module
    }
}

/// Every cycle, as the modules on it (depth-first search).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<String>,
    ) {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle: Vec<&str> = stack[at..].iter().map(|n| name(n)).collect();
            cycle.push(name(node));
            found.push(cycle.join(" -> "));
            return;
        }
        if !done.insert(node.to_owned()) {
            return;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, stack, done, found);
        }
        stack.pop();
    }
    let mut found = vec![];
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, graph, &mut vec![], &mut done, &mut found);
    }
    found
}

#[test]
fn no_module_uses_a_module_that_uses_it() {
    let mut found = vec![];
    for krate in CRATES {
        for cycle in cycles(&edges(&modules(&root().join(krate)))) {
            found.push(format!("{krate}: {cycle}"));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

#[test]
fn the_sandbox_base_knows_no_provider_and_providers_never_use_each_other() {
    let graph = edges(&modules(&root().join("sandbox/src")));
    let top = |m: &str| m.split("::").next().unwrap_or("").to_owned();
    let mut found = vec![];
    for (from, uses) in &graph {
        for to in uses {
            let (a, b) = (top(from), top(to));
            let wrong = match a.as_str() {
                "common" => b == "onlyfansapi" || b == "ofauth",
                "onlyfansapi" => b == "ofauth",
                "ofauth" => b == "onlyfansapi",
                _ => false,
            };
            if wrong {
                found.push(format!("{from} uses {to}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "sandbox layering broken:\n{}",
        found.join("\n")
    );
    for folder in ["common", "onlyfansapi", "ofauth"] {
        assert!(
            graph.contains_key(folder),
            "sandbox/src/{folder}/ is missing"
        );
    }
}

#[test]
fn no_file_is_too_long_to_read() {
    let mut files = vec![];
    for krate in CRATES {
        rust_files(&root().join(krate), &mut files);
    }
    let mut found = vec![];
    for file in files.iter().filter(|f| !f.ends_with("tests.rs")) {
        let lines = code_lines(&code_of(&fs::read_to_string(file).unwrap()));
        if lines > MAX_CODE_LINES {
            found.push(format!("{} has {lines} lines of code", file.display()));
        }
    }
    let mut harness = vec![];
    rust_files(&root().join("tests/harness"), &mut harness);
    for file in harness {
        let lines = fs::read_to_string(&file).unwrap().lines().count();
        if lines > MAX_HARNESS_LINES {
            found.push(format!("{} has {lines} lines", file.display()));
        }
    }
    assert!(found.is_empty(), "files to split:\n{}", found.join("\n"));
}

#[test]
fn the_reader_finds_cycles_paths_and_lengths() {
    // The checker itself, on code written to break each rule.
    let module = |path: &[&str], code: &str| Module {
        path: path.iter().map(|s| s.to_string()).collect(),
        code: code_of(code),
    };
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let graph = edges(&[
        module(&[], "mod a; mod b; pub use a::Thing;"),
        module(
            &["a"],
            "use crate::{b::{self, Other as O}, Root};\n// use crate::c;",
        ),
        module(&["b"], "fn f() { super::a::Thing::new(\"crate::c\") }"),
        module(&["b", "c"], "use super::super::Root;"),
    ]);
    assert_eq!(graph[""], set(&["a"]));
    assert_eq!(graph["a"], set(&["b", ""]));
    assert_eq!(graph["b"], set(&["a"]));
    assert_eq!(graph["b::c"], set(&[""]));
    let found = cycles(&graph);
    assert!(found.iter().any(|c| c.contains("a -> b -> a")), "{found:?}");
    assert!(
        found
            .iter()
            .any(|c| c.contains("(crate root) -> a -> (crate root)")),
        "{found:?}"
    );

    // Literals and comments neither hide nor invent a path; code after a
    // test module counts; a glob of the parent brings its children in scope.
    let graph = edges(&[
        module(&[], "mod a; mod b; mod c; mod d;"),
        module(
            &["a"],
            "fn q(c: char) -> bool { c == '\"' } fn u() { crate::b::x() }",
        ),
        module(
            &["b"],
            "const U: &str = \"https://x\"; fn v() { crate::c::y() } /* crate::d */",
        ),
        module(
            &["c"],
            "#[cfg(test)]\nmod tests {\n    use crate::a;\n}\nfn w() { crate::d::z() }",
        ),
        module(
            &["d"],
            "use super::*;\nfn t<'a>(x: &'a str) { a::f(x) }\nconst R: &str = r#\"crate::b\"#;",
        ),
    ]);
    assert_eq!(graph["a"], set(&["b"]));
    assert_eq!(graph["b"], set(&["c"]));
    assert_eq!(graph["c"], set(&["d"]));
    assert_eq!(graph["d"], set(&["", "a"]));

    let text = "fn a() {}\n\n// a comment\nfn b() {}\n#[cfg(test)]\nmod tests {\nfn c() {}\n}\nfn d() {}\n";
    assert_eq!(code_lines(&code_of(text)), 3);
}
