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
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{AbortController, AbortSignal, Headers};

use super::message::Raw;
use crate::error::WidgetError;
use crate::protocol::SessionReply;
use crate::provider::Profile;
use crate::session::{next, Attempt, Next, Session};

/// Where sessions come from.
#[derive(Clone)]
pub enum SessionSource {
    /// The host's `getSession()`, returning a token or `{token, expiresAt}` (or a promise of one).
    Function(Function),
    /// The host's endpoint, which answers `{token, expiresAt}` to a POST.
    /// One that markup named (`session-url`) must answer itself: a redirect
    /// is an error, so that it cannot hand the request on to another origin.
    Url { url: String, from_markup: bool },
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
            // Dropped before this task first ran (`create(…).destroy()` in one turn): no attempt.
            if cancelled.get() {
                return;
            }
            let outcome = match &source {
                SessionSource::Url { url, from_markup } => {
                    post(url, *from_markup, timeout, &request).await
                }
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
                    attempt += 1;
                }
            }
        };
        done(result);
    });
    fetch
}

async fn post(
    url: &str,
    from_markup: bool,
    timeout: Duration,
    slot: &RefCell<Option<AbortController>>,
) -> Attempt {
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
    let Ok(request) = request(url, from_markup, &signal) else {
        return Attempt::Failed("`sessionUrl` is not a URL this browser can request".into());
    };
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

/// The session request: a credentialed POST that accepts JSON. Its init has
/// no prototype, so that a polluted `Object.prototype` (`body`, `redirect`,
/// `integrity`…) cannot fill in a member left unset.
fn request(url: &str, from_markup: bool, signal: &AbortSignal) -> Result<Request, JsValue> {
    let init: Object = Object::create(JsValue::NULL.unchecked_ref::<Object>());
    let headers = Headers::new()?;
    headers.append("Accept", "application/json")?;
    let redirect = if from_markup { "error" } else { "follow" };
    for (key, value) in [
        ("method", JsValue::from("POST")),
        ("credentials", "include".into()),
        ("redirect", redirect.into()),
        ("headers", headers.into()),
        ("signal", signal.into()),
    ] {
        Reflect::set(&init, &key.into(), &value)?;
    }
    web_sys::Request::new_with_str_and_init(url, init.unchecked_ref()).map(Request::from)
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
    // `race` takes the host's value as it is: a thenable or a Promise whose
    // `constructor` throws becomes a rejection, never an exception here.
    let race = Promise::race(&Array::of2(&value, &deadline));
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
    // Any object's `message`, so that an Error from another realm (a frame's)
    // counts; read through `Reflect` (which catches): it may be a getter that throws.
    e.is_object()
        .then(|| Reflect::get(e, &"message".into()).ok()?.as_string())
        .flatten()
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "a non-Error value".into())
        .chars()
        .take(200)
        .collect()
}
