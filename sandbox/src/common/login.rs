//! The sandbox's OnlyFans accounts and the login sessions of the hosted
//! pages: a password, then a 2FA code when the account has one, a limited
//! number of wrong answers, single use and a time to live.
//!
//! A session carries its provider's data (`T`): what the page and the
//! connection need to know about whoever created the session.

use std::time::{Duration, Instant};

use crate::common::expiring::Expiring;

/// A sandbox OnlyFans account the hosted flow accepts.
#[derive(Debug, PartialEq, Eq)]
pub struct SandboxAccount {
    /// Login e-mail.
    pub email: &'static str,
    /// Login password.
    pub password: &'static str,
    /// The 2FA code asked for after the password, if any.
    pub two_factor_code: Option<&'static str>,
    /// OnlyFans user id.
    pub id: u64,
    /// OnlyFans username.
    pub username: &'static str,
    /// Display name.
    pub name: &'static str,
}

/// The accounts that can log in to the sandbox's hosted flow.
pub const SANDBOX_ACCOUNTS: &[SandboxAccount] = &[
    SandboxAccount {
        email: "creator@sandbox.test",
        password: "sandbox",
        two_factor_code: None,
        id: 100_001,
        username: "sandbox_creator",
        name: "Sandbox Creator",
    },
    SandboxAccount {
        email: "2fa@sandbox.test",
        password: "sandbox",
        two_factor_code: Some("123456"),
        id: 100_002,
        username: "sandbox_2fa",
        name: "Sandbox Two-Factor",
    },
];

/// How long a session is remembered after it expires, to say why it no
/// longer works; then it is forgotten ("not valid") and its memory freed.
pub const REMEMBER: Duration = Duration::from_secs(10 * 60);

/// Wrong passwords a session accepts; the last one locks it.
pub const MAX_PASSWORD_ATTEMPTS: u8 = 5;
/// Wrong 2FA codes a session accepts; the last one locks it.
pub const MAX_CODE_ATTEMPTS: u8 = 5;

/// A login session and its provider's data.
#[derive(Debug)]
struct Session<T> {
    data: T,
    expires_at: Instant,
    step: Step,
    wrong_passwords: u8,
    wrong_codes: u8,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Login,
    TwoFactor { account: &'static SandboxAccount },
    Used,
}

/// Why a session cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gone {
    /// No such token.
    Unknown,
    /// The token's TTL has passed.
    Expired,
    /// The token already connected an account.
    Used,
    /// Too many wrong passwords or codes.
    Locked,
}

impl Gone {
    /// The machine-readable code the hosted pages report.
    pub fn code(self) -> &'static str {
        match self {
            Gone::Unknown => "session_invalid",
            Gone::Expired => "session_expired",
            Gone::Used => "session_used",
            Gone::Locked => "too_many_attempts",
        }
    }

    /// The message the hosted pages show and report.
    pub fn message(self) -> &'static str {
        match self {
            Gone::Unknown => "This connect link is not valid. Ask the app you came from for a new one.",
            Gone::Expired => "This session has expired. Close this window and start again to get a new session.",
            Gone::Used => "This session was already used to connect an account. Start again to connect another.",
            Gone::Locked => "Too many failed attempts: this session is locked. Close this window and start again.",
        }
    }
}

/// The result of a login or 2FA attempt.
#[derive(Debug, PartialEq)]
pub enum Attempt<T> {
    /// Connected: the account, and the session's data.
    Connected(&'static SandboxAccount, T),
    /// The password was right and a 2FA code is needed.
    TwoFactorRequired,
    /// Wrong e-mail, password or code.
    Wrong,
    /// The session cannot be used.
    Gone(Gone),
}

/// The login sessions, by token, each with its provider's data.
pub struct Logins<T> {
    sessions: Expiring<Session<T>>,
    ttl: Duration,
}

impl<T: Clone> Logins<T> {
    /// Sessions that may be used for `ttl`, then are remembered for [`REMEMBER`].
    pub fn new(ttl: Duration) -> Self {
        Self {
            sessions: Expiring::new(ttl + REMEMBER),
            ttl,
        }
    }

    /// Starts a session under `token` (random, and not in use).
    pub fn insert(&self, token: &str, data: T) {
        self.insert_at(Instant::now(), token, data);
    }

    fn insert_at(&self, now: Instant, token: &str, data: T) {
        let session = Session {
            data,
            expires_at: now + self.ttl,
            step: Step::Login,
            wrong_passwords: 0,
            wrong_codes: 0,
        };
        self.sessions.insert(now, token, session);
    }

    /// The data of a usable session; otherwise why it is gone, and its data
    /// while it is remembered.
    pub fn check(&self, token: &str) -> Result<T, (Gone, Option<T>)> {
        self.check_at(Instant::now(), token)
    }

    fn check_at(&self, now: Instant, token: &str) -> Result<T, (Gone, Option<T>)> {
        self.sessions
            .with(now, token, |s| match gone(s, now) {
                Some(g) => Err((g, Some(s.data.clone()))),
                None => Ok(s.data.clone()),
            })
            .unwrap_or(Err((Gone::Unknown, None)))
    }

    /// A password attempt; the last of `MAX_PASSWORD_ATTEMPTS` wrong ones locks the session.
    pub fn login(&self, token: &str, email: &str, password: &str) -> Attempt<T> {
        self.attempt(token, |s| {
            let found = SANDBOX_ACCOUNTS
                .iter()
                .find(|a| a.email.eq_ignore_ascii_case(email.trim()) && a.password == password);
            match found {
                None => wrong(&mut s.wrong_passwords, MAX_PASSWORD_ATTEMPTS),
                Some(account) if account.two_factor_code.is_some() => {
                    s.step = Step::TwoFactor { account };
                    Attempt::TwoFactorRequired
                }
                Some(account) => connect(s, account),
            }
        })
    }

    /// A 2FA code attempt; the last of `MAX_CODE_ATTEMPTS` wrong ones locks the session.
    pub fn two_factor(&self, token: &str, code: &str) -> Attempt<T> {
        self.attempt(token, |s| match s.step {
            Step::TwoFactor { account } if account.two_factor_code == Some(code.trim()) => {
                connect(s, account)
            }
            Step::TwoFactor { .. } => wrong(&mut s.wrong_codes, MAX_CODE_ATTEMPTS),
            _ => Attempt::Wrong,
        })
    }

    /// Runs a login step on a usable session.
    fn attempt(&self, token: &str, step: impl FnOnce(&mut Session<T>) -> Attempt<T>) -> Attempt<T> {
        let now = Instant::now();
        self.sessions
            .with(now, token, |s| match gone(s, now) {
                Some(g) => Attempt::Gone(g),
                None => step(s),
            })
            .unwrap_or(Attempt::Gone(Gone::Unknown))
    }
}

fn gone<T>(s: &Session<T>, now: Instant) -> Option<Gone> {
    if s.step == Step::Used {
        Some(Gone::Used)
    } else if s.wrong_passwords >= MAX_PASSWORD_ATTEMPTS || s.wrong_codes >= MAX_CODE_ATTEMPTS {
        Some(Gone::Locked)
    } else if now >= s.expires_at {
        Some(Gone::Expired)
    } else {
        None
    }
}

/// Counts a wrong answer: `Wrong`, or `Locked` when it was the last one allowed.
fn wrong<T>(count: &mut u8, max: u8) -> Attempt<T> {
    *count += 1;
    if *count >= max {
        Attempt::Gone(Gone::Locked)
    } else {
        Attempt::Wrong
    }
}

fn connect<T: Clone>(s: &mut Session<T>, account: &'static SandboxAccount) -> Attempt<T> {
    s.step = Step::Used;
    Attempt::Connected(account, s.data.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sessions whose data is a number, as an API key's index.
    fn logins(ttl: Duration) -> Logins<usize> {
        Logins::new(ttl)
    }

    #[test]
    fn login_without_2fa_connects_and_uses_the_token() {
        let s = logins(Duration::from_secs(60));
        s.insert("t", 0);
        assert_eq!(
            s.login("t", "creator@sandbox.test", "wrong"),
            Attempt::Wrong
        );
        let Attempt::Connected(account, 0) = s.login("t", "creator@sandbox.test", "sandbox") else {
            panic!()
        };
        assert_eq!(account.username, "sandbox_creator");
        assert_eq!(
            s.login("t", "creator@sandbox.test", "sandbox"),
            Attempt::Gone(Gone::Used)
        );
        assert_eq!(s.check("t"), Err((Gone::Used, Some(0))));
    }

    #[test]
    fn two_factor_needs_the_right_code() {
        let s = logins(Duration::from_secs(60));
        s.insert("t", 0);
        assert_eq!(
            s.two_factor("t", "123456"),
            Attempt::Wrong,
            "no 2FA before the password"
        );
        assert_eq!(
            s.login("t", "2fa@sandbox.test", "sandbox"),
            Attempt::TwoFactorRequired
        );
        assert_eq!(s.two_factor("t", "000000"), Attempt::Wrong);
        assert!(matches!(
            s.two_factor("t", "123456"),
            Attempt::Connected(_, _)
        ));
    }

    #[test]
    fn sessions_expire_and_unknown_tokens_are_gone() {
        let s = logins(Duration::ZERO);
        s.insert("t", 0);
        assert_eq!(s.check("t"), Err((Gone::Expired, Some(0))));
        assert_eq!(
            s.login("t", "creator@sandbox.test", "sandbox"),
            Attempt::Gone(Gone::Expired)
        );
        assert_eq!(s.check("nope"), Err((Gone::Unknown, None)));
    }

    #[test]
    fn wrong_passwords_and_codes_lock_the_session() {
        let s = logins(Duration::from_secs(60));
        s.insert("t", 0);
        for _ in 1..MAX_PASSWORD_ATTEMPTS {
            assert_eq!(
                s.login("t", "creator@sandbox.test", "wrong"),
                Attempt::Wrong
            );
        }
        let locked = Attempt::Gone(Gone::Locked);
        assert_eq!(s.login("t", "creator@sandbox.test", "wrong"), locked);
        assert_eq!(s.login("t", "creator@sandbox.test", "sandbox"), locked);
        assert_eq!(s.check("t"), Err((Gone::Locked, Some(0))));

        s.insert("u", 0);
        assert_eq!(
            s.login("u", "2fa@sandbox.test", "sandbox"),
            Attempt::TwoFactorRequired
        );
        for _ in 1..MAX_CODE_ATTEMPTS {
            assert_eq!(s.two_factor("u", "000000"), Attempt::Wrong);
        }
        assert_eq!(s.two_factor("u", "000000"), locked);
        assert_eq!(s.two_factor("u", "123456"), locked);
        assert_eq!(s.login("u", "2fa@sandbox.test", "sandbox"), locked);
    }

    #[test]
    fn expired_sessions_are_remembered_for_a_while_then_freed() {
        let ttl = Duration::from_secs(60);
        let s = logins(ttl);
        let start = Instant::now();
        let old: Vec<String> = (0..500).map(|i| format!("old{i}")).collect();
        for token in &old {
            s.insert_at(start, token, 0);
        }
        assert_eq!(
            s.check_at(start + ttl, &old[0]),
            Err((Gone::Expired, Some(0)))
        );
        // Once remembered long enough, they are freed (here by the counting itself).
        let later = start + ttl + REMEMBER;
        for i in 0..5 {
            s.insert_at(later, &format!("new{i}"), 0);
        }
        assert_eq!(s.sessions.len(later), (5, 5));
        assert_eq!(s.check_at(later, &old[0]), Err((Gone::Unknown, None)));
    }
}
