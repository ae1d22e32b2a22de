//! Reads the names a TypeScript declaration file or a JavaScript module
//! declares, for `tests/contract.rs`: the string literals of a union type,
//! the keys of an object type (and of the types it is made of), the strings
//! of a `const NAME = [...]` (or `static NAME = [...]`), and the strings
//! given to a key (`code: "…"`).
//!
//! A small tokenizer, not a parser: it knows comments, strings and template
//! literals (so that a name in a comment or a string is never read as code),
//! brackets, and `=>` (whose `>` closes nothing). It does not know regular
//! expression literals, which the files it reads do not use.

use std::collections::BTreeSet;

/// A token of TypeScript or JavaScript source.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    /// An identifier, keyword or number.
    Word(String),
    /// A string or template literal's content, as written (escapes kept).
    Text(String),
    /// `=>`.
    Arrow,
    /// Any other character.
    Punct(char),
}

#[derive(Clone, Debug)]
struct Tok {
    token: Token,
    /// Whether a line break comes before it (TypeScript members may end at one).
    line_start: bool,
}

/// A source file's tokens, and its name for messages.
pub struct Source {
    pub name: String,
    tokens: Vec<Tok>,
}

/// A declaration's parts: the types an interface or class extends, and its
/// body (a type alias's right-hand side, an interface or class's members).
struct Declaration<'a> {
    extends: Vec<&'a str>,
    body: &'a [Tok],
    /// Whether `body` is the inside of `{…}` (an interface or class).
    members: bool,
}

impl Source {
    /// Reads `path`, relative to the crate's root.
    pub fn read(path: &str) -> Self {
        let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
        Self::parse(path, &text)
    }

    /// Tokenizes `text`; `name` is how messages call it.
    pub fn parse(name: &str, text: &str) -> Self {
        Self {
            name: name.into(),
            tokens: tokenize(text).unwrap_or_else(|e| panic!("{name}: {e}")),
        }
    }

    /// The string literals of `type name = "a" | "b" | …;`. Any member that
    /// is not a string literal is an error: the set would not be the type's.
    pub fn union(&self, name: &str) -> Result<BTreeSet<String>, String> {
        let d = self.declaration(name)?;
        if d.members {
            return Err(format!("{}: `{name}` is not a type alias", self.name));
        }
        let mut values = BTreeSet::new();
        for member in split(d.body, '|') {
            match member {
                [Tok {
                    token: Token::Text(t),
                    ..
                }] => values.insert(t.clone()),
                [] => continue, // a leading `|`
                other => {
                    return Err(format!(
                        "{}: a member of `type {name}` is not a string literal: {}",
                        self.name,
                        show(other)
                    ))
                }
            };
        }
        Ok(values)
    }

    /// The keys of the object type `name`: its members' names (not those of
    /// nested object types, nor methods, nor keys typed `never`), with those
    /// of every type declared in this file that it extends, intersects or
    /// unites with (not those it names as a type argument or a member's type).
    pub fn keys(&self, name: &str) -> Result<BTreeSet<String>, String> {
        let mut keys = BTreeSet::new();
        self.collect_keys(name, &mut vec![], &mut keys)?;
        Ok(keys)
    }

    fn collect_keys(
        &self,
        name: &str,
        seen: &mut Vec<String>,
        keys: &mut BTreeSet<String>,
    ) -> Result<(), String> {
        if seen.iter().any(|s| s == name) {
            return Ok(());
        }
        seen.push(name.into());
        let d = self.declaration(name)?;
        let mut parts = d.extends.clone();
        if d.members {
            keys.extend(members(d.body));
        } else {
            // Object literals and named types at the top level of the alias
            // (not a type `keyof` or `typeof` reads).
            let mut depth = 0;
            for (i, tok) in d.body.iter().enumerate() {
                let operand = i > 0
                    && matches!(&d.body[i - 1].token, Token::Word(w) if w == "keyof" || w == "typeof");
                match &tok.token {
                    Token::Punct('{') if depth == 0 => {
                        let end = closing(d.body, i)?;
                        keys.extend(members(&d.body[i + 1..end]));
                    }
                    Token::Word(w) if depth == 0 && !operand => parts.push(w.as_str()),
                    _ => {}
                }
                depth = nest(depth, &tok.token);
            }
        }
        for part in parts {
            if self.declaration(part).is_ok() {
                self.collect_keys(part, seen, keys)?;
            }
        }
        Ok(())
    }

    /// The strings of `const name = ["a", "b", …]` (or a class's `static
    /// name = […]`); an item may also name a `const X = "…"` of the file.
    pub fn array(&self, name: &str) -> Result<Vec<String>, String> {
        let t = &self.tokens;
        let at = (0..t.len().saturating_sub(3))
            .find(|&i| {
                [Token::Word("const".into()), Token::Word("static".into())].contains(&t[i].token)
                    && t[i + 1].token == Token::Word(name.into())
                    && t[i + 2].token == Token::Punct('=')
                    && t[i + 3].token == Token::Punct('[')
            })
            .ok_or_else(|| {
                format!(
                    "{}: no `const {name} = [` or `static {name} = [`",
                    self.name
                )
            })?;
        let end = closing(t, at + 3)?;
        split(&t[at + 4..end], ',')
            .filter(|item| !item.is_empty()) // a trailing comma
            .map(|item| match item {
                [Tok {
                    token: Token::Text(s),
                    ..
                }] => Ok(s.clone()),
                [Tok {
                    token: Token::Word(constant),
                    ..
                }] => self.constant(constant).ok_or_else(|| {
                    format!(
                        "{}: `{constant}` in `{name}` is not a `const {constant} = \"…\"`",
                        self.name
                    )
                }),
                other => Err(format!(
                    "{}: an item of `{name}` is not a string literal: {}",
                    self.name,
                    show(other)
                )),
            })
            .collect()
    }

    /// The string of `const name = "…";` (a whole literal, no `${…}`).
    fn constant(&self, name: &str) -> Option<String> {
        self.tokens.windows(5).find_map(|w| match w {
            [Tok {
                token: Token::Word(keyword),
                ..
            }, Tok {
                token: Token::Word(n),
                ..
            }, Tok {
                token: Token::Punct('='),
                ..
            }, Tok {
                token: Token::Text(s),
                ..
            }, Tok {
                token: Token::Punct(';'),
                ..
            }] if keyword == "const" && n == name && !s.contains("${") => Some(s.clone()),
            _ => None,
        })
    }

    /// Every string literal written as `key: "…"` (an object literal's property).
    pub fn values_of(&self, key: &str) -> BTreeSet<String> {
        self.tokens
            .windows(3)
            .filter_map(|w| match (&w[0].token, &w[1].token, &w[2].token) {
                (Token::Word(k), Token::Punct(':'), Token::Text(v)) if k == key => Some(v.clone()),
                _ => None,
            })
            .collect()
    }

    /// The declaration of the type, interface or class `name`.
    fn declaration(&self, name: &str) -> Result<Declaration<'_>, String> {
        let t = &self.tokens;
        let missing = || format!("{}: no type, interface or class `{name}`", self.name);
        let declares = |&i: &usize| {
            matches!(&t[i].token, Token::Word(k) if ["type", "interface", "class"].contains(&k.as_str()))
                && t[i + 1].token == Token::Word(name.into())
        };
        let mut found = (0..t.len().saturating_sub(1)).filter(declares);
        let at = found.next().ok_or_else(missing)?;
        if found.next().is_some() {
            // A second `interface X` merges into the first in TypeScript:
            // what it adds would go unread here.
            return Err(format!(
                "{}: `{name}` is declared twice; merge the declarations",
                self.name
            ));
        }
        let mut i = at + 2;
        if t.get(i).map(|t| &t.token) == Some(&Token::Punct('<')) {
            i = closing(t, i)? + 1; // type parameters
        }
        if t[at].token == Token::Word("type".into()) {
            if t.get(i).map(|t| &t.token) != Some(&Token::Punct('=')) {
                return Err(missing());
            }
            // Up to its `;`, or the next declaration if it has none.
            let body = &t[i + 1..];
            let ends = |tok: &Tok| {
                tok.token == Token::Punct(';')
                    || tok.line_start
                        && matches!(&tok.token, Token::Word(w) if DECLARES.contains(&w.as_str()))
            };
            let end = (0..body.len())
                .scan(0, |depth, j| {
                    let at_top = *depth == 0;
                    *depth = nest(*depth, &body[j].token);
                    Some((j, at_top))
                })
                .find(|&(j, at_top)| at_top && ends(&body[j]))
                .map_or(body.len(), |(j, _)| j);
            return Ok(Declaration {
                extends: vec![],
                body: &body[..end],
                members: false,
            });
        }
        // `interface Name<…> extends A<…>, B {` or `class Name extends A {`.
        let mut extends = vec![];
        let mut depth = 0;
        while let Some(tok) = t.get(i) {
            match &tok.token {
                Token::Punct('{') if depth == 0 => break,
                Token::Word(w) if depth == 0 && w != "extends" && w != "implements" => {
                    extends.push(w.as_str())
                }
                _ => {}
            }
            depth = nest(depth, &tok.token);
            i += 1;
        }
        let end = closing(t, i)?;
        Ok(Declaration {
            extends,
            body: &t[i + 1..end],
            members: true,
        })
    }
}

/// The words that begin a declaration.
const DECLARES: [&str; 8] = [
    "export",
    "declare",
    "type",
    "interface",
    "class",
    "const",
    "function",
    "let",
];

/// The names of an object type's members, given the tokens inside its braces.
fn members(body: &[Tok]) -> Vec<String> {
    let mut names = vec![];
    let mut depth = 0;
    for (i, tok) in body.iter().enumerate() {
        let starts = i == 0
            || tok.line_start
            || matches!(body[i - 1].token, Token::Punct(';') | Token::Punct(','));
        if depth == 0 && starts {
            if let Some(name) = member(&body[i..]) {
                names.push(name);
            }
        }
        depth = nest(depth, &tok.token);
    }
    names
}

/// The name of the member at the start of `rest` (`name: T`, `name?: T`,
/// `readonly name: T`, `"name": T`), unless it is a method or typed `never`.
fn member(rest: &[Tok]) -> Option<String> {
    let rest = match (
        rest.first().map(|t| &t.token),
        rest.get(1).map(|t| &t.token),
    ) {
        (Some(Token::Word(w)), Some(Token::Word(_) | Token::Text(_))) if w == "readonly" => {
            &rest[1..]
        }
        _ => rest,
    };
    let name = match rest.first().map(|t| &t.token) {
        Some(Token::Word(w) | Token::Text(w)) => w.clone(),
        _ => return None,
    };
    let mut i = 1;
    if rest.get(i).map(|t| &t.token) == Some(&Token::Punct('?')) {
        i += 1;
    }
    if rest.get(i).map(|t| &t.token) != Some(&Token::Punct(':')) {
        return None;
    }
    let ty = &rest[i + 1..];
    let end = ty
        .iter()
        .enumerate()
        .position(|(j, t)| {
            matches!(t.token, Token::Punct(';' | ',' | '}')) || (j > 0 && t.line_start)
        })
        .unwrap_or(ty.len());
    match &ty[..end] {
        [Tok {
            token: Token::Word(w),
            ..
        }] if w == "never" => None,
        _ => Some(name),
    }
}

/// `tokens` split at `separator` where it is not nested in brackets.
fn split(tokens: &[Tok], separator: char) -> impl Iterator<Item = &[Tok]> {
    let mut depth = 0;
    tokens.split(move |tok| {
        let at_top = depth == 0;
        depth = nest(depth, &tok.token);
        at_top && tok.token == Token::Punct(separator)
    })
}

/// The bracket depth after `token`.
fn nest(depth: usize, token: &Token) -> usize {
    match token {
        Token::Punct('{' | '(' | '[' | '<') => depth + 1,
        Token::Punct('}' | ')' | ']' | '>') => depth.saturating_sub(1),
        _ => depth,
    }
}

/// The index of the bracket that closes the one at `open`.
fn closing(tokens: &[Tok], open: usize) -> Result<usize, String> {
    let mut depth = 0;
    for (i, tok) in tokens.iter().enumerate().skip(open) {
        depth = nest(depth, &tok.token);
        if depth == 0 {
            return Ok(i);
        }
    }
    Err(format!("unclosed {:?}", tokens[open].token))
}

fn show(tokens: &[Tok]) -> String {
    let text: Vec<String> = tokens
        .iter()
        .map(|t| match &t.token {
            Token::Word(w) => w.clone(),
            Token::Text(s) => format!("{s:?}"),
            Token::Arrow => "=>".into(),
            Token::Punct(c) => c.to_string(),
        })
        .collect();
    text.join(" ")
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = vec![];
    let mut line_start = true;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let token = match c {
            '\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '/' if next == Some('/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '/' if next == Some('*') => {
                let end = (i + 2..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
                    .ok_or("unclosed comment")?;
                line_start |= chars[i..end].contains(&'\n');
                i = end + 2;
                continue;
            }
            '"' | '\'' | '`' => {
                let (content, end) = literal(&chars, i)?;
                i = end;
                Token::Text(content)
            }
            '=' if next == Some('>') => {
                i += 2;
                Token::Arrow
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || "_$".contains(chars[i])) {
                    i += 1;
                }
                Token::Word(chars[start..i].iter().collect())
            }
            c => {
                i += 1;
                Token::Punct(c)
            }
        };
        tokens.push(Tok { token, line_start });
        line_start = false;
    }
    Ok(tokens)
}

/// The content of the string or template literal opening at `start`, and
/// the index after it. A template's `${…}` is kept as written, and may nest
/// braces and literals.
fn literal(chars: &[char], start: usize) -> Result<(String, usize), String> {
    let quote = chars[start];
    let mut i = start + 1;
    let mut braces = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => i += 1,
            '\n' if quote != '`' => break,
            '$' if quote == '`' && chars.get(i + 1) == Some(&'{') => {
                braces += 1;
                i += 1;
            }
            '{' if braces > 0 => braces += 1,
            '}' if braces > 0 => braces -= 1,
            '"' | '\'' | '`' if braces > 0 => i = literal(chars, i)?.1 - 1,
            c if c == quote => return Ok((chars[start + 1..i].iter().collect(), i + 1)),
            _ => {}
        }
        i += 1;
    }
    let line = chars[..start].iter().filter(|&&c| c == '\n').count() + 1;
    Err(format!("unclosed {quote} literal on line {line}"))
}
