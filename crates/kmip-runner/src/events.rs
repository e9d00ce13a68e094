//! Typed progress events. The runner sends them over an unbounded tokio
//! channel as the run proceeds; the CLI turns them into a progress bar and,
//! with `--verbose`, a message dump. Nothing in the runner waits on the
//! receiver: a dropped receiver just means nobody is listening.

use kmip_testcase::results::{CaseResult, Totals};
use kmip_ttlv::Item;
use std::path::PathBuf;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// One message exchange, in full (sent only when message dumps are asked for).
#[derive(Clone, Debug)]
pub struct MessageDump {
    /// Encoded request as sent.
    pub request_bytes: Vec<u8>,
    /// Request tree as sent (placeholders bound).
    pub request: Item,
    /// Response bytes as received (empty when none arrived).
    pub response_bytes: Vec<u8>,
    /// Decoded response, when it decoded.
    pub response: Option<Item>,
}

/// Something that happened during a run.
#[derive(Clone, Debug)]
pub enum Event {
    /// The run begins with this many cases (skips included).
    RunStarted {
        /// Number of cases planned.
        cases: usize,
    },
    /// A case starts (its connection is being opened).
    CaseStarted {
        /// Case id.
        id: String,
        /// Test-case file.
        file: PathBuf,
    },
    /// A request was sent and a response (or nothing usable) came back.
    MessageExchanged {
        /// Case id.
        case: String,
        /// Message index (0-based) in the case.
        index: usize,
        /// Encoded request size.
        request_len: usize,
        /// Encoded response size (0 when none arrived).
        response_len: usize,
        /// Round-trip time.
        elapsed_ms: u64,
        /// Full content, when dumps were asked for.
        dump: Option<Box<MessageDump>>,
    },
    /// A case has its verdict.
    CaseFinished(Box<CaseResult>),
    /// Every case has its verdict.
    RunFinished {
        /// Counts per status.
        totals: Totals,
        /// Wall time.
        duration_s: f64,
    },
}

/// The sending side handed to the runner; cloning is cheap. A default
/// sink discards events.
#[derive(Clone, Debug, Default)]
pub struct EventSink {
    tx: Option<UnboundedSender<Event>>,
}

impl EventSink {
    /// A sink and the receiver that gets its events.
    pub fn channel() -> (EventSink, UnboundedReceiver<Event>) {
        let (tx, rx) = unbounded_channel();
        (EventSink { tx: Some(tx) }, rx)
    }

    /// A sink that discards everything.
    pub fn none() -> EventSink {
        EventSink::default()
    }

    /// True when someone may be listening.
    pub fn is_connected(&self) -> bool {
        self.tx.as_ref().is_some_and(|t| !t.is_closed())
    }

    /// Send an event (ignored when nobody listens).
    pub fn emit(&self, e: Event) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_reach_the_receiver_and_dropped_receivers_are_harmless() {
        let (sink, mut rx) = EventSink::channel();
        assert!(sink.is_connected());
        sink.emit(Event::RunStarted { cases: 3 });
        assert!(matches!(rx.try_recv(), Ok(Event::RunStarted { cases: 3 })));
        drop(rx);
        assert!(!sink.is_connected());
        sink.emit(Event::RunStarted { cases: 1 });
        EventSink::none().emit(Event::RunStarted { cases: 1 });
    }
}
