//! Getting a session from the host: `POST sessionUrl` (gloo-net, with
//! credentials) or the host's `getSession()`, each attempt bounded by the
//! timeout, retried as [`crate::session::next`] decides. Dropping the
//! [`Fetch`] cancels it: the request in flight is aborted and no result is
//! delivered.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use gloo_net::http::Request;
use gloo_timers::callback::Timeout;
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, RequestCredentials};

use super::message::Raw;
use crate::error::WidgetError;
use crate::provider::Profile;
use crate::session::{next, Attempt, Next, Session, SessionReply};

/// Where sessions come from.
#[derive(Clone)]
pub enum SessionSource {
    /// The host's `getSession()`, returning a token or `{token, expiresAt}` (or a promise of one).
    Function(Function),
    /// The host's endpoint, which answers `{token, expiresAt}` to a POST.
    Url(String),
}

/// A fetch in flight; dropping it cancels it.
pub struct Fetch {
    cancelled: Rc<Cell<bool>>,
    request: Rc<RefCell<Option<AbortController>>>,
}

impl Drop for Fetch {
    fn drop(&mut self) {
        self.cancelled.set(true);
        if let Some(c) = self.request.borrow_mut().take() {
            c.abort();
        }
    }
}

/// Starts fetching; `done` is called once with the result, unless the
/// returned [`Fetch`] is dropped first.
pub fn start(
    source: SessionSource,
    profile: Profile,
    timeout: Duration,
    done: impl FnOnce(Result<Session, WidgetError>) + 'static,
) -> Fetch {
    let cancelled = Rc::new(Cell::new(false));
    let request = Rc::new(RefCell::new(None));
    let fetch = Fetch {
        cancelled: cancelled.clone(),
        request: request.clone(),
    };
    spawn_local(async move {
        let mut attempt = 0;
        let result = loop {
            let outcome = match &source {
                SessionSource::Url(url) => post(url, timeout, &request).await,
                SessionSource::Function(f) => call(f, timeout).await,
            };
            if cancelled.get() {
                return;
            }
            match next(
                &profile,
                attempt,
                outcome,
                js_sys::Date::now(),
                js_sys::Math::random(),
            ) {
                Next::Done(session) => break Ok(session),
                Next::Fail(error) => break Err(error),
                Next::RetryIn(delay) => {
                    TimeoutFuture::new(delay.as_millis().min(u32::MAX as u128) as u32).await;
                    if cancelled.get() {
                        return;
                    }
                    attempt += 1;
                }
            }
        };
        done(result);
    });
    fetch
}

async fn post(url: &str, timeout: Duration, slot: &RefCell<Option<AbortController>>) -> Attempt {
    let Ok(controller) = AbortController::new() else {
        return Attempt::Failed("AbortController is unavailable".into());
    };
    let timed_out = Rc::new(Cell::new(false));
    let timer = {
        let (controller, timed_out) = (controller.clone(), timed_out.clone());
        Timeout::new(timeout.as_millis() as u32, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let signal = controller.signal();
    *slot.borrow_mut() = Some(controller);
    let request = Request::post(url)
        .credentials(RequestCredentials::Include)
        .header("Accept", "application/json")
        .abort_signal(Some(&signal));
    let outcome = match request.send().await {
        Err(e) if !timed_out.get() => {
            Attempt::Failed(format!("the request to `sessionUrl` failed: {e}"))
        }
        Err(_) => Attempt::TimedOut(timeout),
        Ok(response) if !response.ok() => Attempt::Status {
            status: response.status(),
            retry_after: response.headers().get("retry-after"),
        },
        Ok(response) => match web_sys::Response::from(response).json().map(JsFuture::from) {
            Ok(body) => match body.await {
                Ok(value) => Attempt::Reply(decode(value)),
                Err(_) if timed_out.get() => Attempt::TimedOut(timeout),
                Err(_) => Attempt::Reply(Err("the answer is not JSON".into())),
            },
            Err(_) => Attempt::Reply(Err("the answer is not JSON".into())),
        },
    };
    drop(timer);
    slot.borrow_mut().take();
    outcome
}

async fn call(get_session: &Function, timeout: Duration) -> Attempt {
    let value = match get_session.call0(&JsValue::NULL) {
        Ok(v) => v,
        Err(e) => return Attempt::Failed(format!("`getSession` threw: {}", describe(&e))),
    };
    // Race the host's promise against the timeout.
    let expired = Object::new();
    let timer = RefCell::new(None);
    let deadline = Promise::new(&mut |resolve, _| {
        let (resolve, expired) = (resolve.clone(), expired.clone());
        *timer.borrow_mut() = Some(Timeout::new(timeout.as_millis() as u32, move || {
            let _ = resolve.call1(&JsValue::NULL, &expired);
        }));
    });
    let race = Promise::race(&Array::of2(&Promise::resolve(&value), &deadline));
    let outcome = match JsFuture::from(race).await {
        Ok(v) if v == JsValue::from(&expired) => Attempt::TimedOut(timeout),
        Ok(v) => Attempt::Reply(decode(v)),
        Err(e) => Attempt::Failed(format!("`getSession` rejected: {}", describe(&e))),
    };
    drop(timer);
    outcome
}

fn decode(value: JsValue) -> Result<SessionReply, String> {
    SessionReply::decode(&Raw::Value(value))
}

/// A short description of a thrown value, for error messages.
fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "a non-Error value".into())
        .chars()
        .take(200)
        .collect()
}
