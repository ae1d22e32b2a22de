//! The connection to the WebDriver server, with a limit on how long a
//! command may go unanswered: past [`COMMAND_LIMIT`] after the request was
//! sent with no byte of answer, the request fails with an error naming the
//! engine and the command (e.g. `POST /session/…/execute/sync`), so that a
//! hung engine fails the test that drove it instead of hanging the test
//! binary. (The driver answers by itself within the session's timeouts, see
//! [`super::TIMEOUTS`]; this limit is for an engine that no longer answers
//! at all.) Idle connections have no limit.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::rt::{Read, ReadBufCursor, Write};
use hyper::Uri;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Sleep;
use tower_service::Service;

/// How long a command may go without an answer: more than any of the
/// session's timeouts (starting a session has a limit of its own,
/// [`super::SESSION_START`]).
pub const COMMAND_LIMIT: Duration = Duration::from_secs(180);

/// An HTTP connector whose connections are [`Watched`].
#[derive(Clone)]
pub struct Watchdog {
    connector: HttpConnector,
    engine: &'static str,
    limit: Duration,
}

impl Watchdog {
    /// Connections to `engine`'s driver, each command limited to `limit`.
    pub fn new(engine: &'static str, limit: Duration) -> Self {
        Self {
            connector: HttpConnector::new(),
            engine,
            limit,
        }
    }
}

impl Service<Uri> for Watchdog {
    type Response = Watched;
    type Error = <HttpConnector as Service<Uri>>::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Watched, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.connector.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.connector.call(uri);
        let (engine, limit) = (self.engine, self.limit);
        Box::pin(async move {
            Ok(Watched {
                io: connecting.await?,
                engine,
                limit,
                awaiting: None,
            })
        })
    }
}

/// A connection to the driver that fails a command left unanswered.
pub struct Watched {
    io: TokioIo<TcpStream>,
    engine: &'static str,
    limit: Duration,
    /// The command sent and not yet answered: its request line, and when
    /// its limit is up.
    awaiting: Option<(String, Pin<Box<Sleep>>)>,
}

impl Watched {
    /// A request starts being sent: its limit starts (once per request),
    /// and wakes the connection's task when it is up, whatever the task
    /// polls meanwhile (then reading fails).
    fn sending(&mut self, bytes: &[u8], cx: &mut Context<'_>) {
        if self.awaiting.is_none() && !bytes.is_empty() {
            let head = String::from_utf8_lossy(bytes);
            let line = head.lines().next().unwrap_or_default();
            let command = line.trim_end_matches(" HTTP/1.1").to_owned();
            self.awaiting = Some((command, Box::pin(tokio::time::sleep(self.limit))));
        }
        if let Some((_, limit)) = &mut self.awaiting {
            let _ = limit.as_mut().poll(cx);
        }
    }
}

impl Read for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Poll::Ready(read) = Pin::new(&mut this.io).poll_read(cx, buf) {
            // An answer (or the end of the connection): the command is answered.
            this.awaiting = None;
            return Poll::Ready(read);
        }
        let Some((command, limit)) = &mut this.awaiting else {
            return Poll::Pending;
        };
        if limit.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        let message = format!(
            "{}'s WebDriver server did not answer `{command}` in {:?}: the engine hung",
            this.engine, this.limit
        );
        this.awaiting = None;
        Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, message)))
    }
}

impl Write for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.sending(buf, cx);
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            self.sending(first, cx);
        }
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

impl Connection for Watched {
    fn connected(&self) -> Connected {
        self.io.connected()
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use fantoccini::ClientBuilder;
    use tokio::net::TcpListener;

    use super::Watchdog;

    /// A driver that accepts connections and never answers: the command
    /// fails after the limit, naming the engine and the command.
    #[tokio::test]
    async fn an_unanswered_command_fails_naming_the_engine_and_the_command() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let mut silent = vec![];
            while let Ok((connection, _)) = listener.accept().await {
                silent.push(connection);
            }
        });
        let limit = Duration::from_millis(200);
        let started = Instant::now();
        let session = ClientBuilder::new(Watchdog::new("webkit", limit))
            .connect(&url)
            .await;
        let error = format!("{:?}", session.expect_err("no answer, no session"));
        assert!(started.elapsed() >= limit);
        assert!(
            error.contains("webkit's WebDriver server did not answer `POST /session`"),
            "{error}"
        );
    }
}
