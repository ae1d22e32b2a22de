//! One contract, written in three places: the Rust (error codes, exit
//! reasons, event names, callback and option names), the TypeScript
//! declarations (`www/src/ofconnect.d.ts`) and the JavaScript face
//! (`www/src/ofconnect.js`). Each test fails, naming the value and the side
//! that lacks it, when a value is added to or removed from one side only.
//!
//! The Rust lists are tied to their enums: `WidgetError::CODES` is declared
//! with `WidgetError::code`'s exhaustive match, and [`every!`] lists an
//! enum's variants behind an exhaustive match, so a variant added to an enum
//! and not here does not compile.
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/declarations.rs"]
mod declarations;

use std::collections::BTreeSet;

use declarations::Source;
use ofconnect::appearance::{Locale, Theme};
use ofconnect::error::WidgetError;
use ofconnect::flow::{ExitReason, HostEvent, Lifecycle, RejectReason};
use ofconnect::option_names::{ATTRIBUTES, CALLBACKS, LABEL_NAMES, SETTINGS};
use ofconnect::protocol::{
    Connection, LinkConnection, LinkStep, LinkSuccess, LinkUser, OnlyFansUserId,
};
use serde::Serialize;

const DTS: &str = "www/src/ofconnect.d.ts";
const JS: &str = "www/src/ofconnect.js";

/// One of each variant of `$enum`, written `Variant`, `Variant(args)` or
/// `Variant { fields }`. The match is exhaustive: a variant missing here is
/// a compile error.
macro_rules! every {
    ($enum:ident: $($variant:ident $(($($args:tt)*))? $({$($fields:tt)*})?),* $(,)?) => {{
        let _exhaustive = |v: &$enum| match v {
            $($enum::$variant { .. } => {})*
        };
        vec![$($enum::$variant $(($($args)*))? $({$($fields)*})?),*]
    }};
}

fn exit_reasons() -> Vec<ExitReason> {
    every!(ExitReason: CloseButton, Escape, HostClose, Continue, PopupClosed, PopupSevered,
        Error, Success, Expired, UserExit, ForcedExit)
}

fn host_events() -> Vec<HostEvent> {
    let connection = Connection::OfAuth(LinkSuccess {
        success_url: None,
        redirect: false,
        connection: LinkConnection {
            id: "conn_1".into(),
            user_data: LinkUser {
                id: OnlyFansUserId::Number(1),
                name: "Stella".into(),
                username: "stella".into(),
                avatar: None,
            },
        },
    });
    every!(HostEvent:
        Ready,
        Success(connection),
        Error(WidgetError::SessionUsed),
        Exit { reason: ExitReason::Escape, step: None },
        Expired,
        Event(Lifecycle::FrameLoaded {}),
    )
}

/// A value's serde form: a unit variant's name, or a tagged one's `name`.
fn serde_name(value: impl Serialize) -> String {
    let json = serde_json::to_value(value).unwrap();
    let name = json.get("name").unwrap_or(&json);
    name.as_str().expect("a name").to_owned()
}

fn set<T: Into<String>>(values: impl IntoIterator<Item = T>) -> BTreeSet<String> {
    values.into_iter().map(Into::into).collect()
}

/// Fails, naming each value and the sides that lack it, unless every side
/// (described, with its values) holds the same values.
fn agree(what: &str, sides: &[(&str, BTreeSet<String>)]) {
    let all: BTreeSet<&String> = sides.iter().flat_map(|(_, values)| values).collect();
    let drift: Vec<String> = all
        .into_iter()
        .filter_map(|value| {
            let (has, lacks): (Vec<_>, Vec<_>) =
                sides.iter().partition(|(_, values)| values.contains(value));
            let names = |sides: Vec<&(&str, _)>| {
                sides
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            (!lacks.is_empty()).then(|| {
                format!(
                    "{what} {value:?} is in {} but not in {}",
                    names(has),
                    names(lacks)
                )
            })
        })
        .collect();
    assert_none(drift);
}

fn assert_none(drift: Vec<String>) {
    assert!(
        drift.is_empty(),
        "the contract has drifted:\n  {}",
        drift.join("\n  ")
    );
}

#[test]
fn error_codes_agree() {
    let rust = set(WidgetError::CODES.iter().copied());
    assert_eq!(
        rust.len(),
        WidgetError::CODES.len(),
        "a code is listed twice in src/error.rs"
    );
    // `ErrorCode` is the Rust's codes and the JS face's own (`load_failed`).
    let js = Source::read(JS).values_of("code");
    let ts = Source::read(DTS).union("ErrorCode").unwrap();
    let (rust_side, js_side, ts_side) = (
        "the Rust (`codes!` in src/error.rs)",
        "the JS (`code: \"…\"` in www/src/ofconnect.js)",
        "`type ErrorCode` in www/src/ofconnect.d.ts",
    );
    let mut drift = vec![];
    for (side, codes) in [(rust_side, &rust), (js_side, &js)] {
        for code in codes.difference(&ts) {
            drift.push(format!(
                "error code {code:?} is in {side} but not in {ts_side}"
            ));
        }
    }
    for code in ts.iter().filter(|c| !rust.contains(*c) && !js.contains(*c)) {
        drift.push(format!(
            "error code {code:?} is in {ts_side} but in neither {rust_side} nor {js_side}"
        ));
    }
    assert_none(drift);
}

#[test]
fn themes_languages_and_labels_agree() {
    let themes = every!(Theme: Light, Dark, Auto);
    agree(
        "theme",
        &[
            (
                "the Rust (`Theme` in src/appearance.rs)",
                set(themes.into_iter().map(Theme::as_str)),
            ),
            (
                "`type OFConnectTheme` in www/src/ofconnect.d.ts",
                Source::read(DTS).union("OFConnectTheme").unwrap(),
            ),
        ],
    );
    let languages = every!(Locale: En, Es, Fr, De, Pt);
    agree(
        "language",
        &[
            (
                "the Rust (`Locale` in src/appearance.rs)",
                set(languages.into_iter().map(Locale::tag)),
            ),
            (
                "`Locale::ALL` in src/appearance.rs",
                set(Locale::ALL.into_iter().map(Locale::tag)),
            ),
            (
                "`type OFConnectLanguage` in www/src/ofconnect.d.ts",
                Source::read(DTS).union("OFConnectLanguage").unwrap(),
            ),
        ],
    );
    agree(
        "label",
        &[
            (
                "the Rust (`LABEL_NAMES` in src/option_names.rs)",
                set(LABEL_NAMES),
            ),
            (
                "`interface OFConnectLabels` in www/src/ofconnect.d.ts",
                Source::read(DTS).keys("OFConnectLabels").unwrap(),
            ),
        ],
    );
}

#[test]
fn exit_reasons_agree() {
    agree(
        "exit reason",
        &[
            (
                "the Rust (`ExitReason` in src/flow/report.rs)",
                set(exit_reasons().into_iter().map(serde_name)),
            ),
            (
                "`type ExitReason` in www/src/ofconnect.d.ts",
                Source::read(DTS).union("ExitReason").unwrap(),
            ),
        ],
    );
}

#[test]
fn lifecycle_events_agree() {
    let events = every!(Lifecycle:
        SessionRequested {},
        SessionReceived {},
        SessionRenewed {},
        Open { surface: "modal" },
        PopupOpened {},
        PopupFallback {},
        FrameLoaded {},
        Close { reason: ExitReason::Escape },
        MessageRejected { reason: RejectReason::Malformed },
    );
    agree(
        "lifecycle event",
        &[
            (
                "the Rust (`Lifecycle` in src/flow/report.rs)",
                set(events.into_iter().map(serde_name)),
            ),
            (
                "`interface LifecycleEvents` in www/src/ofconnect.d.ts",
                Source::read(DTS).keys("LifecycleEvents").unwrap(),
            ),
        ],
    );
}

#[test]
fn reject_reasons_and_link_steps_agree() {
    let reasons = every!(RejectReason: OriginMismatch, SourceMismatch, Malformed, DuplicateOutcome);
    agree(
        "reject reason",
        &[
            (
                "the Rust (`RejectReason` in src/flow/report.rs)",
                set(reasons.into_iter().map(serde_name)),
            ),
            (
                "`type RejectReason` in www/src/ofconnect.d.ts",
                Source::read(DTS).union("RejectReason").unwrap(),
            ),
        ],
    );
    let steps = every!(LinkStep: PreLogin, Login, TwoFactor, Success, Error);
    agree(
        "Link step",
        &[
            (
                "the Rust (`LinkStep` in src/protocol.rs)",
                set(steps.into_iter().map(serde_name)),
            ),
            (
                "`type LinkStep` in www/src/ofconnect.d.ts",
                Source::read(DTS).union("LinkStep").unwrap(),
            ),
        ],
    );
}

#[test]
fn dom_events_agree() {
    let declared = Source::read(DTS).keys("OFConnectEventMap").unwrap();
    let declared = declared
        .iter()
        .map(|k| k.strip_prefix("ofconnect:").unwrap_or(k));
    agree(
        "host event type",
        &[
            (
                "the Rust (`HostEvent::kind` in src/flow/report.rs)",
                set(host_events().iter().map(HostEvent::kind)),
            ),
            (
                "`interface OFConnectEventMap` in www/src/ofconnect.d.ts (less `ofconnect:`)",
                set(declared),
            ),
        ],
    );
}

#[test]
fn callbacks_agree() {
    let dts = Source::read(DTS);
    let element = dts.keys("OFConnectElement").unwrap();
    let element = element
        .into_iter()
        .filter(|k| k.starts_with("on") && k[2..].starts_with(char::is_uppercase));
    agree(
        "callback",
        &[
            ("`CALLBACKS` in src/option_names.rs", set(CALLBACKS)),
            (
                "`CALLBACKS` in www/src/ofconnect.js",
                set(Source::read(JS).array("CALLBACKS").unwrap()),
            ),
            (
                "`interface OFConnectCallbacks` in www/src/ofconnect.d.ts",
                dts.keys("OFConnectCallbacks").unwrap(),
            ),
            (
                "`class OFConnectElement`'s `on…` properties in www/src/ofconnect.d.ts",
                set(element),
            ),
        ],
    );
}

#[test]
fn options_agree() {
    agree(
        "option",
        &[
            (
                "`SETTINGS` and `CALLBACKS` in src/option_names.rs",
                set(SETTINGS.into_iter().chain(CALLBACKS)),
            ),
            (
                "`type OFConnectOptions` in www/src/ofconnect.d.ts",
                Source::read(DTS).keys("OFConnectOptions").unwrap(),
            ),
        ],
    );
}

#[test]
fn attributes_agree() {
    agree(
        "attribute",
        &[
            (
                "`ATTRIBUTES` in src/option_names.rs",
                set(ATTRIBUTES.map(|(attribute, _)| attribute)),
            ),
            (
                "`observedAttributes` in www/src/ofconnect.js",
                set(Source::read(JS).array("observedAttributes").unwrap()),
            ),
        ],
    );
    // Each attribute sets an option of its own.
    let options = set(ATTRIBUTES.map(|(_, option)| option));
    assert_eq!(
        options.len(),
        ATTRIBUTES.len(),
        "two attributes set one option"
    );
    assert!(
        options.is_subset(&set(SETTINGS)),
        "an attribute sets no known option"
    );
}

/// The reader sees through what would fool a search: names in comments and
/// strings, nested object types, methods, type arguments, `never` keys.
#[test]
fn the_reader_reads_only_declarations() {
    let ts = Source::parse(
        "test.d.ts",
        r#"
        // type Fake = "commented";
        /** interface Base { commented: 1 } */
        export type Code =
          | "a" // "b"
          | 'c'
          | `d`;
        type NotAUnion = "a" | string;
        interface Base<T = Other> { base?: T; inherited: () => void }
        interface Other { other: 1 }
        interface Part extends Base<Other> {
          readonly kept: { nested: string; "also-nested": 1 };
          method(x: number): void;
          generic<K extends keyof Other>(k: K): void;
          callback: (a: { inArgs: 1 }, b: 2) => void
          "quoted"?: "}"
          forbidden?: never;
        }
        type Sessions<T> = { token: T; getSession?: never } | { getSession: () => T };
        export type Options = Part & { own: 1 } & Sessions<Other> & Record<keyof Other, 1>
        const NOT_A_TYPE = ["x", `y`,];
        "#,
    );
    assert_eq!(ts.union("Code").unwrap(), set(["a", "c", "d"]));
    assert!(ts
        .union("NotAUnion")
        .unwrap_err()
        .contains("not a string literal: string"));
    assert!(ts.union("Fake").is_err());
    assert_eq!(
        ts.keys("Options").unwrap(),
        set([
            "base",
            "inherited",
            "kept",
            "callback",
            "quoted",
            "own",
            "token",
            "getSession"
        ])
    );
    assert_eq!(ts.array("NOT_A_TYPE").unwrap(), ["x", "y"]);
    let js = Source::parse(
        "test.js",
        r#"f({ code: "x", message: "code: \"y\"" }); g(error.code, { code: `z` });"#,
    );
    assert_eq!(js.values_of("code"), set(["x", "z"]));
    let js = Source::parse(
        "test.js",
        r#"const B = "b"; class E { static A = ["a", B]; } const C = [D]; const D = 1; const F = [x.y];
           const G = [H, I]; const H = "h" + x; const I = `i${x}`;"#,
    );
    assert_eq!(js.array("A").unwrap(), ["a", "b"]);
    assert!(js
        .array("C")
        .unwrap_err()
        .contains("`D` in `C` is not a `const D"));
    assert!(js
        .array("F")
        .unwrap_err()
        .contains("not a string literal: x . y"));
    assert!(js
        .array("G")
        .unwrap_err()
        .contains("`H` in `G` is not a `const H"));
}

/// The README's Rust example is the Yew component's documented example,
/// which `make wasm-test` compiles for wasm32: it cannot go stale unnoticed.
#[test]
fn the_readmes_rust_example_is_the_one_that_compiles() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = readme
        .split("### Rust front ends")
        .nth(1)
        .expect("the section");
    let example = section
        .split("```rust\n")
        .nth(1)
        .unwrap()
        .split("```\n")
        .next()
        .unwrap();
    let source = std::fs::read_to_string("src/web/component.rs").unwrap();
    let documented = source
        .split("//! ```no_run\n")
        .nth(1)
        .unwrap()
        .split("//! ```\n")
        .next()
        .unwrap();
    let documented: String = documented
        .lines()
        .map(|l| {
            format!(
                "{}\n",
                l.trim_start_matches("//!").strip_prefix(' ').unwrap_or("")
            )
        })
        .collect();
    assert_eq!(example, documented);
}
