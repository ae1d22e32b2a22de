//! How the widget's own chrome looks and reads: its colour scheme, its
//! language and the few strings it shows (the modal's title, its close
//! button's name, the loading state; the popup's placeholder). The
//! provider's page has its own.

use std::rc::Rc;

use crate::error::WidgetError;
use crate::option_names::{LABEL_CLOSE, LABEL_LOADING, LABEL_TITLE};

/// The colour scheme of the modal, and of the OFAuth Link page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Light (the default).
    #[default]
    Light,
    /// Dark.
    Dark,
    /// The user's preference (`prefers-color-scheme`).
    Auto,
}

impl Theme {
    /// Reads the `theme` option.
    pub fn parse(raw: &str) -> Result<Self, WidgetError> {
        match raw {
            "light" => Ok(Self::Light),
            "dark" => Ok(Self::Dark),
            "auto" => Ok(Self::Auto),
            _ => Err(WidgetError::InvalidOptions(
                "`theme` must be \"light\", \"dark\" or \"auto\"".into(),
            )),
        }
    }

    /// Its name: the option's value, and the modal's class.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
            Self::Auto => "auto",
        }
    }

    /// Light or dark: `Auto` as the user prefers (`prefers_dark`).
    pub fn resolve(self, prefers_dark: bool) -> Self {
        match self {
            Self::Auto if prefers_dark => Self::Dark,
            Self::Auto => Self::Light,
            fixed => fixed,
        }
    }
}

/// The languages the widget speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    /// English (the default).
    #[default]
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// German.
    De,
    /// Portuguese.
    Pt,
}

impl Locale {
    /// Every locale, in the order the errors name them.
    pub const ALL: [Self; 5] = [Self::En, Self::Es, Self::Fr, Self::De, Self::Pt];

    /// Reads the `locale` option: a language tag whose language is one of
    /// [`Locale::ALL`], in any case, with or without a region (`"pt-BR"`).
    pub fn parse(raw: &str) -> Result<Self, WidgetError> {
        let (language, rest) = raw.split_at_checked(2).unwrap_or_default();
        Self::ALL
            .into_iter()
            .find(|l| {
                l.tag().eq_ignore_ascii_case(language)
                    && matches!(rest.as_bytes().first(), None | Some(b'-' | b'_'))
            })
            .ok_or_else(|| {
                WidgetError::InvalidOptions(
                    "`locale` must be \"en\", \"es\", \"fr\", \"de\" or \"pt\" (a region such as \"pt-BR\" may follow)".into(),
                )
            })
    }

    /// Its language tag, for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Es => "es",
            Self::Fr => "fr",
            Self::De => "de",
            Self::Pt => "pt",
        }
    }

    /// Title, close, loading.
    fn strings(self) -> [&'static str; 3] {
        match self {
            Self::En => ["Connect your OnlyFans account", "Close", "Loading…"],
            Self::Es => ["Conecta tu cuenta de OnlyFans", "Cerrar", "Cargando…"],
            Self::Fr => ["Connectez votre compte OnlyFans", "Fermer", "Chargement…"],
            Self::De => [
                "Verbinden Sie Ihr OnlyFans-Konto",
                "Schließen",
                "Wird geladen…",
            ],
            Self::Pt => ["Conecte sua conta do OnlyFans", "Fechar", "Carregando…"],
        }
    }
}

/// What is wrong with a label whose name is not one of [`LABEL_NAMES`](crate::option_names::LABEL_NAMES).
pub const NOT_A_LABEL: &str = "is not a label: the labels are `title`, `close` and `loading`";

/// What the widget shows, in one language.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// The language tag of the strings (the locale's, overrides included).
    pub lang: &'static str,
    /// The modal's title, the frame's title and the popup's document title.
    pub title: Rc<str>,
    /// The close button's accessible name.
    pub close: Rc<str>,
    /// The loading state.
    pub loading: Rc<str>,
}

impl Default for Text {
    fn default() -> Self {
        Self::new(Locale::default())
    }
}

impl Text {
    /// The locale's strings.
    pub fn new(locale: Locale) -> Self {
        let [title, close, loading] = locale.strings();
        Self {
            lang: locale.tag(),
            title: title.into(),
            close: close.into(),
            loading: loading.into(),
        }
    }

    /// Replaces the string `name` (one of [`LABEL_NAMES`](crate::option_names::LABEL_NAMES)) by the host's
    /// `value`; else says what is wrong, for an error about `labels.<name>`.
    pub fn set(&mut self, name: &str, value: Option<String>) -> Result<(), &'static str> {
        let slot = match name {
            LABEL_TITLE => &mut self.title,
            LABEL_CLOSE => &mut self.close,
            LABEL_LOADING => &mut self.loading,
            _ => return Err(NOT_A_LABEL),
        };
        match value {
            // Blank would leave the close button without a name.
            Some(v) if !v.trim_ascii().is_empty() => {
                *slot = v.into();
                Ok(())
            }
            _ => Err("must be a string, not blank"),
        }
    }
}

/// The widget's look and language.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Appearance {
    /// The colour scheme.
    pub theme: Theme,
    /// The strings.
    pub text: Text,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::option_names::LABEL_NAMES;

    #[test]
    fn themes_are_read_by_name_and_auto_follows_the_user() {
        for t in [Theme::Light, Theme::Dark, Theme::Auto] {
            assert_eq!(Theme::parse(t.as_str()), Ok(t));
        }
        assert_eq!(Theme::parse("Dark").unwrap_err().code(), "invalid_options");
        assert_eq!(Theme::Auto.resolve(true), Theme::Dark);
        assert_eq!(Theme::Auto.resolve(false), Theme::Light);
        assert_eq!(Theme::Light.resolve(true), Theme::Light);
        assert_eq!(Theme::Dark.resolve(false), Theme::Dark);
    }

    #[test]
    fn locales_are_read_from_language_tags() {
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.tag()), Ok(l));
        }
        assert_eq!(Locale::parse("pt-BR"), Ok(Locale::Pt));
        assert_eq!(Locale::parse("ES_mx"), Ok(Locale::Es));
        assert_eq!(Locale::parse("FR"), Ok(Locale::Fr));
        for bad in ["", "ja", "eng", "e", "-es", "english", "pt/BR", "ñe"] {
            let e = Locale::parse(bad).unwrap_err();
            assert_eq!(e.code(), "invalid_options", "{bad}");
            assert!(e.message().contains("`locale`"));
        }
    }

    #[test]
    fn each_locale_has_its_own_strings() {
        let texts = Locale::ALL.map(Text::new);
        for (i, a) in texts.iter().enumerate() {
            assert_eq!(a.lang, Locale::ALL[i].tag());
            for b in &texts[i + 1..] {
                assert_ne!(a.title, b.title);
                assert_ne!(a.close, b.close);
                assert_ne!(a.loading, b.loading);
            }
        }
        assert_eq!(&*Text::default().title, "Connect your OnlyFans account");
        assert_eq!(&*Text::new(Locale::De).close, "Schließen");
    }

    #[test]
    fn labels_replace_one_string_each_and_bad_ones_are_refused() {
        let mut text = Text::new(Locale::Fr);
        text.set(LABEL_TITLE, Some("Relier OnlyFans".into()))
            .unwrap();
        text.set(LABEL_LOADING, Some("Un instant…".into())).unwrap();
        assert_eq!(&*text.title, "Relier OnlyFans");
        assert_eq!(&*text.loading, "Un instant…");
        assert_eq!(&*text.close, "Fermer");
        assert_eq!(text.lang, "fr");
        let before = text.clone();
        let e = text.set(LABEL_CLOSE, Some(String::new())).unwrap_err();
        assert_eq!(e, "must be a string, not blank");
        assert_eq!(text.set(LABEL_CLOSE, Some(" \t\n".into())).unwrap_err(), e);
        assert_eq!(text.set(LABEL_TITLE, None).unwrap_err(), e);
        for name in ["Title", "lang", "", "titles"] {
            let e = text.set(name, Some("T".into())).unwrap_err();
            assert_eq!(e, NOT_A_LABEL);
        }
        assert_eq!(text, before);
        assert!(LABEL_NAMES
            .iter()
            .all(|n| text.set(n, Some("ok".into())).is_ok()));
    }
}
