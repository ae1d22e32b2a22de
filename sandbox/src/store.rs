//! Client sessions, sandbox accounts and rate-limit windows, in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::config::Config;

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

/// How long an expired or used session is remembered, to say why it no longer works.
const REMEMBER: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug)]
struct Session {
    key: usize,
    display_name: String,
    expires_at: Instant,
    step: Step,
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
}

impl Gone {
    /// The machine-readable code the hosted page sends with `failed`.
    pub fn code(self) -> &'static str {
        match self {
            Gone::Unknown => "session_invalid",
            Gone::Expired => "session_expired",
            Gone::Used => "session_used",
        }
    }

    /// The message the hosted page shows and posts as `failed`.
    pub fn message(self) -> &'static str {
        match self {
            Gone::Unknown => "This connect link is not valid. Ask the app you came from for a new one.",
            Gone::Expired => "This session has expired. Close this window and start again to get a new session.",
            Gone::Used => "This session was already used to connect an account. Start again to connect another.",
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
    sessions: Mutex<HashMap<String, Session>>,
    windows: Mutex<Vec<(Window, Window)>>,
    ttl: Duration,
}

impl Store {
    pub fn new(config: &Config) -> Self {
        Self {
            sessions: Mutex::new(HashMap::new()),
            windows: Mutex::new(config.api_keys.iter().map(|_| Default::default()).collect()),
            ttl: config.token_ttl,
        }
    }

    /// Creates a session for API key `key` and returns its token.
    pub fn create(&self, key: usize, display_name: &str) -> String {
        let token = format!("ofapi_cs_{}", random_alphanumeric(32));
        let now = Instant::now();
        let mut sessions = lock(&self.sessions);
        sessions.retain(|_, s| s.expires_at + REMEMBER > now);
        sessions.insert(
            token.clone(),
            Session {
                key,
                display_name: display_name.to_owned(),
                expires_at: now + self.ttl,
                step: Step::Login,
            },
        );
        token
    }

    /// The API key index and display name of a usable token; otherwise why it
    /// is gone, and its key when known.
    pub fn check(&self, token: &str) -> Result<(usize, String), (Gone, Option<usize>)> {
        let sessions = lock(&self.sessions);
        let Some(s) = sessions.get(token) else {
            return Err((Gone::Unknown, None));
        };
        match gone(s) {
            Some(g) => Err((g, Some(s.key))),
            None => Ok((s.key, s.display_name.clone())),
        }
    }

    pub fn login(&self, token: &str, email: &str, password: &str) -> Attempt {
        let mut sessions = lock(&self.sessions);
        let Some(s) = sessions.get_mut(token) else {
            return Attempt::Gone(Gone::Unknown);
        };
        if let Some(g) = gone(s) {
            return Attempt::Gone(g);
        }
        let found = SANDBOX_ACCOUNTS
            .iter()
            .position(|a| a.email.eq_ignore_ascii_case(email.trim()) && a.password == password);
        match found {
            None => Attempt::Wrong,
            Some(i) if SANDBOX_ACCOUNTS[i].two_factor_code.is_some() => {
                s.step = Step::TwoFactor { account: i };
                Attempt::TwoFactorRequired
            }
            Some(i) => connect(s, i),
        }
    }

    pub fn two_factor(&self, token: &str, code: &str) -> Attempt {
        let mut sessions = lock(&self.sessions);
        let Some(s) = sessions.get_mut(token) else {
            return Attempt::Gone(Gone::Unknown);
        };
        if let Some(g) = gone(s) {
            return Attempt::Gone(g);
        }
        match s.step {
            Step::TwoFactor { account }
                if SANDBOX_ACCOUNTS[account].two_factor_code == Some(code.trim()) =>
            {
                connect(s, account)
            }
            _ => Attempt::Wrong,
        }
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

fn gone(s: &Session) -> Option<Gone> {
    if s.step == Step::Used {
        Some(Gone::Used)
    } else if Instant::now() >= s.expires_at {
        Some(Gone::Expired)
    } else {
        None
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
