//! The run queue of the explore server: one simulation at a time, served in the order
//! asked, at most one request per asker, with the progress of each.
//!
//! An asker is a page (browser tab), or in classroom mode a student (every page of one
//! student is one asker). A new request of an asker cancels that asker's earlier one,
//! waiting or running, and goes to the back of the queue. So nobody holds more than one
//! place, and a request waits for at most the request running when it arrived plus one
//! request of each other asker: with S students, at most S requests of at most
//! `--max-runs` runs each, however often one of them presses Run.

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How often a waiting request looks at its cancel flag (set by its client going away).
const WATCH: Duration = Duration::from_millis(100);

/// How far a request has got: runs done of runs to do (both ensembles of an answer,
/// the request's own and, for the why, the preset's defaults).
#[derive(Debug, Default)]
pub(crate) struct Progress {
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    /// Adds `runs` to the runs to do (before an ensemble starts).
    pub(crate) fn expect(&self, runs: u64) {
        self.total.fetch_add(runs, Ordering::Relaxed);
    }

    /// Counts `runs` more done (the ensemble's progress callback).
    pub(crate) fn advance(&self, runs: u64) {
        self.done.fetch_add(runs, Ordering::Relaxed);
    }
}

/// One request in the queue (waiting or running).
struct Entry {
    asker: String,
    page: String,
    ticket: u64,
    cancel: Arc<AtomicBool>,
    progress: Arc<Progress>,
}

#[derive(Default)]
struct State {
    waiting: VecDeque<Entry>,
    running: Option<Entry>,
    next_ticket: u64,
    /// How many requests have started running so far.
    started: u64,
}

/// The queue (see the module's documentation).
#[derive(Default)]
pub(crate) struct RunQueue {
    state: Mutex<State>,
    turn: Condvar,
}

/// A request's place in the queue, from [`RunQueue::join`].
pub(crate) struct Place {
    ticket: u64,
    started_at_join: u64,
    cancel: Arc<AtomicBool>,
    progress: Arc<Progress>,
}

/// The turn to run: the one simulation running; the next request's turn comes when
/// this is dropped.
pub(crate) struct Turn<'a> {
    queue: &'a RunQueue,
    /// How many requests started between this one's arrival and its start (at most one
    /// per other asker).
    pub(crate) waited_for: u64,
    /// Where this request's runs are counted.
    pub(crate) progress: Arc<Progress>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.queue.lock().running = None;
        self.queue.turn.notify_all();
    }
}

impl RunQueue {
    fn lock(&self) -> MutexGuard<'_, State> {
        super::lock(&self.state)
    }

    /// Puts a request of `asker` (from `page`) at the back of the queue, cancelling the
    /// asker's earlier request, waiting or running.
    pub(crate) fn join(&self, asker: &str, page: &str, cancel: Arc<AtomicBool>) -> Place {
        let mut state = self.lock();
        for entry in state.waiting.iter().chain(state.running.iter()) {
            if entry.asker == asker {
                entry.cancel.store(true, Ordering::Relaxed);
            }
        }
        state.next_ticket += 1;
        let ticket = state.next_ticket;
        let progress = Arc::new(Progress::default());
        state.waiting.push_back(Entry {
            asker: asker.to_string(),
            page: page.to_string(),
            ticket,
            cancel: Arc::clone(&cancel),
            progress: Arc::clone(&progress),
        });
        let started_at_join = state.started;
        drop(state);
        self.turn.notify_all();
        Place {
            ticket,
            started_at_join,
            cancel,
            progress,
        }
    }

    /// Waits until `place` is first among the requests not cancelled and nothing runs;
    /// None once its cancel flag is set (it then leaves the queue).
    pub(crate) fn wait_turn(&self, place: Place) -> Option<Turn<'_>> {
        let mut state = self.lock();
        loop {
            if place.cancel.load(Ordering::Relaxed) {
                state.waiting.retain(|e| e.ticket != place.ticket);
                drop(state);
                self.turn.notify_all();
                return None;
            }
            let first = state
                .waiting
                .iter()
                .find(|e| !e.cancel.load(Ordering::Relaxed))
                .map(|e| e.ticket);
            if state.running.is_none() && first == Some(place.ticket) {
                let at = state.waiting.iter().position(|e| e.ticket == place.ticket);
                let entry = at.and_then(|at| state.waiting.remove(at));
                state.running = entry;
                state.started += 1;
                return Some(Turn {
                    queue: self,
                    waited_for: state.started - 1 - place.started_at_join,
                    progress: place.progress,
                });
            }
            state = self
                .turn
                .wait_timeout(state, WATCH)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Whether nothing waits or runs.
    #[cfg(test)]
    pub(crate) fn is_idle(&self) -> bool {
        let state = self.lock();
        state.running.is_none() && state.waiting.is_empty()
    }

    /// `GET /api/progress`: where the latest request of `asker` from `page` is:
    /// `{"state": "waiting", "ahead": n}` (requests to run before it, the running one
    /// included), `{"state": "running", "done": d, "total": t}`, or `{"state": "idle"}`.
    pub(crate) fn progress_json(&self, asker: &str, page: &str) -> Value {
        let state = self.lock();
        let mine = |e: &Entry| e.asker == asker && e.page == page;
        if let Some(e) = state.running.as_ref().filter(|e| mine(e)) {
            return json!({
                "state": "running",
                "done": e.progress.done.load(Ordering::Relaxed),
                "total": e.progress.total.load(Ordering::Relaxed),
            });
        }
        let live = |e: &&Entry| !e.cancel.load(Ordering::Relaxed);
        if let Some(at) = state.waiting.iter().filter(live).position(mine) {
            let ahead = at as u64 + u64::from(state.running.is_some());
            return json!({ "state": "waiting", "ahead": ahead });
        }
        json!({ "state": "idle" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn flag() -> Arc<AtomicBool> {
        Arc::new(AtomicBool::new(false))
    }

    #[test]
    fn requests_run_one_at_a_time_in_the_order_asked() {
        let queue = RunQueue::default();
        let a = queue.join("a", "p", flag());
        let b = queue.join("b", "p", flag());
        let turn = queue.wait_turn(a).expect("a first");
        assert_eq!(turn.waited_for, 0);
        assert_eq!(queue.progress_json("b", "p")["ahead"], 1);
        let q = &queue;
        std::thread::scope(|s| {
            let (tx, rx) = mpsc::channel();
            s.spawn(move || {
                let t = q.wait_turn(b).expect("b after a");
                tx.send(t.waited_for).unwrap();
            });
            assert!(
                rx.recv_timeout(Duration::from_millis(300)).is_err(),
                "b waits"
            );
            drop(turn);
            // a started after b arrived: b waited for that one request
            assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), 1);
        });
    }

    #[test]
    fn a_new_request_cancels_the_askers_earlier_one_and_goes_to_the_back() {
        let queue = RunQueue::default();
        let running = queue.join("x", "p", flag());
        let turn = queue.wait_turn(running).unwrap();
        let (a1_flag, b_flag) = (flag(), flag());
        let a1 = queue.join("a", "p", Arc::clone(&a1_flag));
        let b = queue.join("b", "p", Arc::clone(&b_flag));
        let a2 = queue.join("a", "other-tab", flag());
        assert!(
            a1_flag.load(Ordering::Relaxed),
            "a's first request is cancelled"
        );
        assert!(queue.wait_turn(a1).is_none(), "and leaves the queue");
        assert!(!b_flag.load(Ordering::Relaxed));
        assert_eq!(queue.progress_json("a", "other-tab")["ahead"], 2);
        drop(turn);
        let t = queue.wait_turn(b).expect("b before a's new request");
        assert_eq!(t.waited_for, 0);
        drop(t);
        assert_eq!(queue.wait_turn(a2).unwrap().waited_for, 1);
    }

    #[test]
    fn one_askers_rapid_requests_delay_another_by_at_most_one_request() {
        // 20 rapid requests of student a, one of student b among them: b's request waits
        // for at most one other request to start (its documented bound with 2 askers)
        let queue = Arc::new(RunQueue::default());
        let (tx, rx) = mpsc::channel::<(String, Option<u64>)>();
        let places: Vec<_> = (0..21)
            .map(|i| {
                let asker = if i == 7 { "b" } else { "a" };
                (asker, queue.join(asker, "p", flag()))
            })
            .collect();
        let mut handles = Vec::new();
        for (asker, place) in places {
            let (queue, tx) = (Arc::clone(&queue), tx.clone());
            handles.push(std::thread::spawn(move || {
                let turn = queue.wait_turn(place);
                let waited = turn.as_ref().map(|t| t.waited_for);
                std::thread::sleep(Duration::from_millis(20));
                tx.send((asker.to_string(), waited)).unwrap();
            }));
        }
        for h in handles {
            h.join().unwrap();
        }
        drop(tx);
        let done: Vec<_> = rx.iter().collect();
        let ran: Vec<_> = done.iter().filter(|(_, w)| w.is_some()).collect();
        assert_eq!(
            ran.len(),
            2,
            "a's latest and b's ran; the rest were cancelled: {done:?}"
        );
        let b = done.iter().find(|(k, _)| k == "b").unwrap();
        assert!(b.1.unwrap() <= 1, "{done:?}");
    }

    #[test]
    fn progress_counts_the_runs_of_the_running_request() {
        let queue = RunQueue::default();
        let place = queue.join("a", "p", flag());
        assert_eq!(queue.progress_json("a", "p")["state"], "waiting");
        let turn = queue.wait_turn(place).unwrap();
        turn.progress.expect(200);
        turn.progress.advance(1);
        turn.progress.advance(1);
        let p = queue.progress_json("a", "p");
        assert_eq!(
            (p["state"].as_str(), p["done"].as_u64(), p["total"].as_u64()),
            (Some("running"), Some(2), Some(200))
        );
        assert_eq!(queue.progress_json("a", "another page")["state"], "idle");
        drop(turn);
        assert_eq!(queue.progress_json("a", "p")["state"], "idle");
    }
}
