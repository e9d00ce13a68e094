//! Client mode, I/O: a TLS listener speaking TTLV that feeds every request
//! of every connection to one shared [`Scenario`] and writes back its
//! answers.
//!
//! The run ends when the scenario has a verdict for every case it must run
//! and no connection is open, when no connection is open and nothing
//! happened for `idle_timeout`, or when `stop` resolves (Ctrl-C).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kmip_testcase::results::CaseResult;
use kmip_ttlv::ttlv::{self, Limits};
use kmip_ttlv::Item;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;

use super::scenario::{error_response, Handled, Scenario};
use crate::transport::{read_message, write_message, TransportError};

/// What the listener reports while it runs.
#[derive(Clone, Debug)]
pub enum ClientEvent {
    /// A client connected.
    Connected(SocketAddr),
    /// A connection ended (`None`: closed cleanly between messages).
    Disconnected(SocketAddr, Option<String>),
    /// A request was handled.
    Request {
        /// Peer.
        peer: SocketAddr,
        /// The decoded request.
        request: Box<Item>,
        /// The response sent.
        response: Box<Item>,
        /// What the scenario made of it.
        handled: Handled,
    },
}

/// Listener settings.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Stop when no connection is open and nothing happened for this long.
    pub idle_timeout: Duration,
    /// Limit for one TLS handshake, and for a request once its first byte
    /// arrived.
    pub io_timeout: Duration,
    /// Decoder limits for requests.
    pub limits: Limits,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            idle_timeout: Duration::from_secs(60),
            io_timeout: Duration::from_secs(30),
            limits: Limits::default(),
        }
    }
}

struct Shared {
    scenario: Mutex<Scenario>,
    last_activity: Mutex<Instant>,
}

impl Shared {
    fn touch(&self) {
        if let Ok(mut t) = self.last_activity.lock() {
            *t = Instant::now();
        }
    }
    fn idle_for(&self) -> Duration {
        self.last_activity
            .lock()
            .map(|t| t.elapsed())
            .unwrap_or_default()
    }
    fn all_done(&self) -> bool {
        self.scenario.lock().map(|s| s.all_done()).unwrap_or(true)
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Serve `scenario` on `listener` until the run ends (see the module
/// docs); returns the per-case results.
pub async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    scenario: Scenario,
    opts: ServeOptions,
    events: Option<mpsc::UnboundedSender<ClientEvent>>,
    stop: impl Future<Output = ()>,
) -> Vec<CaseResult> {
    let shared = Arc::new(Shared {
        scenario: Mutex::new(scenario),
        last_activity: Mutex::new(Instant::now()),
    });
    let acceptor = TlsAcceptor::from(tls);
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<()>();
    let mut open = 0usize;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((tcp, peer)) = accepted else { continue };
                shared.touch();
                open += 1;
                let (acceptor, shared, events, done, opts) =
                    (acceptor.clone(), shared.clone(), events.clone(), done_tx.clone(), opts.clone());
                tokio::spawn(async move {
                    if let Some(ev) = &events {
                        let _ = ev.send(ClientEvent::Connected(peer));
                    }
                    let end = connection(acceptor, tcp, peer, &shared, &opts, events.as_ref()).await;
                    shared.touch();
                    if let Some(ev) = &events {
                        let _ = ev.send(ClientEvent::Disconnected(peer, end.err()));
                    }
                    let _ = done.send(());
                });
            }
            Some(()) = done_rx.recv() => {
                open = open.saturating_sub(1);
                if open == 0 && shared.all_done() {
                    break;
                }
            }
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                if open == 0 && shared.idle_for() >= opts.idle_timeout {
                    break;
                }
            }
            () = &mut stop => break,
        }
    }
    let scenario = match Arc::try_unwrap(shared) {
        Ok(s) => s.scenario.into_inner().ok(),
        Err(shared) => shared.scenario.lock().ok().map(|mut s| {
            std::mem::replace(
                &mut *s,
                Scenario::new(Vec::new(), None, Default::default(), ""),
            )
        }),
    };
    scenario.map(Scenario::finish).unwrap_or_default()
}

/// One connection: handshake, then request → response until the client
/// closes. `Err` = why it ended abnormally.
async fn connection(
    acceptor: TlsAcceptor,
    tcp: tokio::net::TcpStream,
    peer: SocketAddr,
    shared: &Shared,
    opts: &ServeOptions,
    events: Option<&mpsc::UnboundedSender<ClientEvent>>,
) -> Result<(), String> {
    let mut tls = match tokio::time::timeout(opts.io_timeout, acceptor.accept(tcp)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return Err(format!("TLS handshake failed: {e}")),
        Err(_) => return Err("TLS handshake timed out".to_string()),
    };
    loop {
        // Wait for the next request as long as the client likes (it may
        // keep an idle connection); the idle timer runs only between
        // connections.
        let bytes = match read_message(&mut tls, &opts.limits, Duration::from_secs(24 * 3600)).await
        {
            Ok(b) => b,
            Err(TransportError::Closed { received: 0, .. }) => return Ok(()),
            Err(e) => return Err(format!("reading a request: {e}")),
        };
        shared.touch();
        let now = unix_now();
        let (request, response, handled) = match ttlv::decode(&bytes, &opts.limits) {
            Ok(req) => {
                let (resp, handled) = match shared.scenario.lock() {
                    Ok(mut s) => s.handle(&req, now),
                    Err(_) => return Err("internal: scenario lock poisoned".to_string()),
                };
                (req, resp, handled)
            }
            Err(e) => {
                let why = format!("request is not valid TTLV: {e}");
                let empty = Item::structure(kmip_ttlv::tags::REQUEST_MESSAGE, Vec::new());
                let resp = error_response(&empty, now, &why);
                (empty, resp, Handled::Unidentified(why))
            }
        };
        let out = ttlv::encode(&response).map_err(|e| format!("encoding the response: {e}"))?;
        write_message(&mut tls, &out, opts.io_timeout)
            .await
            .map_err(|e| format!("writing the response: {e}"))?;
        if let Some(ev) = events {
            let _ = ev.send(ClientEvent::Request {
                peer,
                request: Box::new(request),
                response: Box::new(response),
                handled,
            });
        }
    }
}
