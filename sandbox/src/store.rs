//! Client sessions, sandbox accounts and rate-limit windows, in memory.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::config::Config;
use crate::expiring::Expiring;

/// A sandbox OnlyFans account the hosted flow accepts.
#[derive(Debug)]
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

#[derive(Debug)]
struct Session {
    key: usize,
    display_name: String,
    expires_at: Instant,
    step: Step,
    wrong_passwords: u8,
    wrong_codes: u8,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Step {
    Login,
    TwoFactor { account: usize },
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
    /// The machine-readable code the hosted page sends with `failed`.
    pub fn code(self) -> &'static str {
        match self {
            Gone::Unknown => "session_invalid",
            Gone::Expired => "session_expired",
            Gone::Used => "session_used",
            Gone::Locked => "too_many_attempts",
        }
    }

    /// The message the hosted page shows and posts as `failed`.
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
pub enum Attempt {
    /// Connected: the `onlyfansapi.auth.success` payload.
    Connected(Value),
    /// The password was right and a 2FA code is needed.
    TwoFactorRequired,
    /// Wrong e-mail, password or code.
    Wrong,
    /// The session cannot be used.
    Gone(Gone),
}

#[derive(Debug, Default)]
struct Window {
    started: Option<Instant>,
    count: u32,
}

/// The rate-limit state after counting one request.
pub struct RateStatus {
    pub limit_minute: u32,
    pub limit_day: u32,
    pub remaining_minute: u32,
    pub remaining_day: u32,
}

pub struct Store {
    sessions: Expiring<Session>,
    windows: Mutex<Vec<(Window, Window)>>,
    ttl: Duration,
}

impl Store {
    pub fn new(config: &Config) -> Self {
        Self {
            sessions: Expiring::new(config.token_ttl + REMEMBER),
            windows: Mutex::new(config.api_keys.iter().map(|_| Default::default()).collect()),
            ttl: config.token_ttl,
        }
    }

    /// Creates a session for API key `key` and returns its token.
    pub fn create(&self, key: usize, display_name: &str) -> String {
        self.create_at(Instant::now(), key, display_name)
    }

    fn create_at(&self, now: Instant, key: usize, display_name: &str) -> String {
        let token = format!("ofapi_cs_{}", random_alphanumeric(32));
        let session = Session {
            key,
            display_name: display_name.to_owned(),
            expires_at: now + self.ttl,
            step: Step::Login,
            wrong_passwords: 0,
            wrong_codes: 0,
        };
        self.sessions.insert(now, &token, session);
        token
    }

    /// The API key index and display name of a usable token; otherwise why it
    /// is gone, and its key when known.
    pub fn check(&self, token: &str) -> Result<(usize, String), (Gone, Option<usize>)> {
        self.check_at(Instant::now(), token)
    }

    fn check_at(
        &self,
        now: Instant,
        token: &str,
    ) -> Result<(usize, String), (Gone, Option<usize>)> {
        self.sessions
            .with(now, token, |s| match gone(s, now) {
                Some(g) => Err((g, Some(s.key))),
                None => Ok((s.key, s.display_name.clone())),
            })
            .unwrap_or(Err((Gone::Unknown, None)))
    }

    /// A password attempt; the last of `MAX_PASSWORD_ATTEMPTS` wrong ones locks the session.
    pub fn login(&self, token: &str, email: &str, password: &str) -> Attempt {
        self.attempt(token, |s| {
            let found = SANDBOX_ACCOUNTS
                .iter()
                .position(|a| a.email.eq_ignore_ascii_case(email.trim()) && a.password == password);
            match found {
                None => wrong(&mut s.wrong_passwords, MAX_PASSWORD_ATTEMPTS),
                Some(i) if SANDBOX_ACCOUNTS[i].two_factor_code.is_some() => {
                    s.step = Step::TwoFactor { account: i };
                    Attempt::TwoFactorRequired
                }
                Some(i) => connect(s, i),
            }
        })
    }

    /// A 2FA code attempt; the last of `MAX_CODE_ATTEMPTS` wrong ones locks the session.
    pub fn two_factor(&self, token: &str, code: &str) -> Attempt {
        self.attempt(token, |s| match s.step {
            Step::TwoFactor { account }
                if SANDBOX_ACCOUNTS[account].two_factor_code == Some(code.trim()) =>
            {
                connect(s, account)
            }
            Step::TwoFactor { .. } => wrong(&mut s.wrong_codes, MAX_CODE_ATTEMPTS),
            _ => Attempt::Wrong,
        })
    }

    /// Runs a login step on a usable session.
    fn attempt(&self, token: &str, step: impl FnOnce(&mut Session) -> Attempt) -> Attempt {
        let now = Instant::now();
        self.sessions
            .with(now, token, |s| match gone(s, now) {
                Some(g) => Attempt::Gone(g),
                None => step(s),
            })
            .unwrap_or(Attempt::Gone(Gone::Unknown))
    }

    /// Counts one request for API key `key`; `Err(seconds)` when a limit is reached.
    pub fn count_request(&self, key: usize, config: &Config) -> Result<RateStatus, u64> {
        let now = Instant::now();
        let mut windows = lock(&self.windows);
        let (minute, day) = &mut windows[key];
        let minute_left = roll(minute, now, Duration::from_secs(60));
        let day_left = roll(day, now, Duration::from_secs(24 * 3600));
        if minute.count >= config.rate_limit_minute {
            return Err(minute_left.as_secs().max(1));
        }
        if day.count >= config.rate_limit_day {
            return Err(day_left.as_secs().max(1));
        }
        minute.count += 1;
        day.count += 1;
        Ok(RateStatus {
            limit_minute: config.rate_limit_minute,
            limit_day: config.rate_limit_day,
            remaining_minute: config.rate_limit_minute - minute.count,
            remaining_day: config.rate_limit_day - day.count,
        })
    }
}

/// Starts a new window when the current one is over; returns the time left in it.
fn roll(w: &mut Window, now: Instant, length: Duration) -> Duration {
    let started = match w.started {
        Some(t) if now.duration_since(t) < length => t,
        _ => {
            w.count = 0;
            w.started = Some(now);
            now
        }
    };
    length - now.duration_since(started)
}

fn gone(s: &Session, now: Instant) -> Option<Gone> {
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
fn wrong(count: &mut u8, max: u8) -> Attempt {
    *count += 1;
    if *count >= max {
        Attempt::Gone(Gone::Locked)
    } else {
        Attempt::Wrong
    }
}

fn connect(s: &mut Session, account: usize) -> Attempt {
    s.step = Step::Used;
    let a = &SANDBOX_ACCOUNTS[account];
    Attempt::Connected(json!({
        "accountId": format!("acct_{}", random_alphanumeric(20)),
        "username": a.username,
        "onlyfansData": {
            "id": a.id,
            "username": a.username,
            "email": a.email,
            "avatar_url": null,
            "name": a.name,
        }
    }))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `len` random ASCII letters and digits from the OS's CSPRNG.
pub fn random_alphanumeric(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut buf).expect("the OS random number generator is unavailable");
        // 248 = 4 * 62: rejecting larger bytes keeps the choice uniform.
        for &b in buf.iter().filter(|&&b| b < 248) {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[(b % 62) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(ttl: Duration) -> Store {
        Store::new(&Config {
            token_ttl: ttl,
            ..Config::default()
        })
    }

    #[test]
    fn tokens_have_the_provider_shape_and_are_distinct() {
        let s = store(Duration::from_secs(60));
        let a = s.create(0, "Agency / Model");
        let b = s.create(0, "Agency / Model");
        assert_ne!(a, b);
        assert_eq!(a.len(), "ofapi_cs_".len() + 32);
        assert!(a["ofapi_cs_".len()..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn login_without_2fa_connects_and_uses_the_token() {
        let s = store(Duration::from_secs(60));
        let t = s.create(0, "Agency / Model");
        assert_eq!(s.login(&t, "creator@sandbox.test", "wrong"), Attempt::Wrong);
        let Attempt::Connected(v) = s.login(&t, "creator@sandbox.test", "sandbox") else {
            panic!()
        };
        assert_eq!(v["onlyfansData"]["username"], "sandbox_creator");
        assert_eq!(
            s.login(&t, "creator@sandbox.test", "sandbox"),
            Attempt::Gone(Gone::Used)
        );
        assert_eq!(s.check(&t), Err((Gone::Used, Some(0))));
    }

    #[test]
    fn two_factor_needs_the_right_code() {
        let s = store(Duration::from_secs(60));
        let t = s.create(0, "Agency / Model");
        assert_eq!(
            s.two_factor(&t, "123456"),
            Attempt::Wrong,
            "no 2FA before the password"
        );
        assert_eq!(
            s.login(&t, "2fa@sandbox.test", "sandbox"),
            Attempt::TwoFactorRequired
        );
        assert_eq!(s.two_factor(&t, "000000"), Attempt::Wrong);
        assert!(matches!(s.two_factor(&t, "123456"), Attempt::Connected(_)));
    }

    #[test]
    fn sessions_expire_and_unknown_tokens_are_gone() {
        let s = store(Duration::ZERO);
        let t = s.create(0, "Agency / Model");
        assert_eq!(s.check(&t), Err((Gone::Expired, Some(0))));
        assert_eq!(
            s.login(&t, "creator@sandbox.test", "sandbox"),
            Attempt::Gone(Gone::Expired)
        );
        assert_eq!(s.check("ofapi_cs_nope"), Err((Gone::Unknown, None)));
    }

    #[test]
    fn wrong_passwords_and_codes_lock_the_session() {
        let s = store(Duration::from_secs(60));
        let t = s.create(0, "Agency / Model");
        for _ in 1..MAX_PASSWORD_ATTEMPTS {
            assert_eq!(s.login(&t, "creator@sandbox.test", "wrong"), Attempt::Wrong);
        }
        let locked = Attempt::Gone(Gone::Locked);
        assert_eq!(s.login(&t, "creator@sandbox.test", "wrong"), locked);
        assert_eq!(s.login(&t, "creator@sandbox.test", "sandbox"), locked);
        assert_eq!(s.check(&t), Err((Gone::Locked, Some(0))));

        let t = s.create(0, "Agency / Model");
        assert_eq!(
            s.login(&t, "2fa@sandbox.test", "sandbox"),
            Attempt::TwoFactorRequired
        );
        for _ in 1..MAX_CODE_ATTEMPTS {
            assert_eq!(s.two_factor(&t, "000000"), Attempt::Wrong);
        }
        assert_eq!(s.two_factor(&t, "000000"), locked);
        assert_eq!(s.two_factor(&t, "123456"), locked);
        assert_eq!(s.login(&t, "2fa@sandbox.test", "sandbox"), locked);
    }

    #[test]
    fn expired_sessions_are_remembered_for_a_while_then_freed() {
        let ttl = Duration::from_secs(60);
        let s = store(ttl);
        let start = Instant::now();
        let old: Vec<String> = (0..500).map(|_| s.create_at(start, 0, "old")).collect();
        assert_eq!(
            s.check_at(start + ttl, &old[0]),
            Err((Gone::Expired, Some(0)))
        );
        // Once remembered long enough, they are freed (here by the counting itself).
        let later = start + ttl + REMEMBER;
        for _ in 0..5 {
            s.create_at(later, 0, "new");
        }
        assert_eq!(s.sessions.len(later), (5, 5));
        assert_eq!(s.check_at(later, &old[0]), Err((Gone::Unknown, None)));
    }

    #[test]
    fn rate_limits_count_per_key_and_say_when_to_retry() {
        let config = Config {
            rate_limit_minute: 2,
            ..Config::default()
        };
        let s = Store::new(&config);
        assert_eq!(
            s.count_request(0, &config).ok().map(|r| r.remaining_minute),
            Some(1)
        );
        assert_eq!(
            s.count_request(0, &config).ok().map(|r| r.remaining_minute),
            Some(0)
        );
        let retry = s.count_request(0, &config).err().unwrap();
        assert!((1..=60).contains(&retry));
    }
}
